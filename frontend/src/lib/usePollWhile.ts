import { useEffect, useRef } from 'react';

/** Calls `poll` every `intervalMs` while `active` (and the tab is visible). */
export function usePollWhile(active: boolean, poll: () => void, intervalMs = 2000) {
  const latest = useRef(poll);
  useEffect(() => {
    latest.current = poll;
  });
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => {
      if (!document.hidden) latest.current();
    }, intervalMs);
    return () => window.clearInterval(timer);
  }, [active, intervalMs]);
}
