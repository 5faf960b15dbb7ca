import { Box } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useEffect, useMemo, useRef, useState, type SyntheticEvent } from 'react';

/** The invoice document's sheet is 680px wide; with a 24px margin each side it reads like the email. */
const DOC_WIDTH = 728;

/** Makes links in the document open in a new tab instead of inside the frame; nothing visible changes. */
export function withLinksInNewTab(html: string): string {
  const head = /<head[^>]*>/i;
  return head.test(html) ? html.replace(head, (m) => `${m}<base target="_blank">`) : `<base target="_blank">${html}`;
}

/**
 * An email body exactly as sent: the server's HTML in a frame that can't
 * run scripts, scaled down to its container's width and as tall as the
 * document. allow-same-origin (without allow-scripts) only lets this page
 * measure it; links open in a new tab, outside the sandbox, as they would
 * from the customer's mail client.
 */
export function EmailFrame({ html, title = 'Invoice email preview' }: { html: string; title?: string }) {
  const { ref, width } = useElementSize();
  const [height, setHeight] = useState(0);
  const observer = useRef<ResizeObserver | null>(null);
  const doc = useMemo(() => withLinksInNewTab(html), [html]);

  useEffect(() => () => observer.current?.disconnect(), []);

  const onLoad = (e: SyntheticEvent<HTMLIFrameElement>) => {
    const root = e.currentTarget.contentDocument?.documentElement;
    observer.current?.disconnect();
    if (!root) return;
    const measure = () => setHeight(Math.ceil(root.getBoundingClientRect().height));
    measure();
    observer.current = new ResizeObserver(measure);
    observer.current.observe(root);
  };

  const frameWidth = Math.max(width, DOC_WIDTH);
  const scale = width > 0 ? Math.min(1, width / DOC_WIDTH) : 1;
  const frameHeight = height || 1100;
  return (
    <Box ref={ref} pos="relative" style={{ height: Math.ceil(frameHeight * scale), overflow: 'hidden' }}>
      {width > 0 && (
        <iframe
          title={title}
          srcDoc={doc}
          sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
          onLoad={onLoad}
          style={{
            width: frameWidth,
            height: frameHeight,
            border: 0,
            display: 'block',
            background: 'white',
            transform: scale < 1 ? `scale(${scale})` : undefined,
            transformOrigin: '0 0',
          }}
        />
      )}
    </Box>
  );
}
