import { useEffect, useRef, useState } from 'react';

// The invoice PDF is served by GET /invoices/{id}/pdf (session cookie), not
// by GraphQL. These helpers fetch it so the dashboard can show the server's
// own message when it can't be made, instead of a broken frame or download.

/**
 * The path (and query) of a URL, with `params` added. Invoice.pdfURL is
 * absolute, built from the server's base URL, whose host may not be the one
 * this dashboard was opened on: only a same-origin path carries the cookie.
 */
export function pdfPath(url: string, params: Record<string, string> = {}): string {
  let u: URL;
  try {
    u = new URL(url, window.location.origin);
  } catch {
    return url;
  }
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.pathname + u.search;
}

export class PdfError extends Error {}

export interface PdfFile {
  blob: Blob;
  /** From Content-Disposition, e.g. "INV-000001.pdf". */
  fileName: string | null;
}

const maxBusyRetries = 3;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });
}

function fileNameOf(disposition: string | null): string | null {
  const m = disposition?.match(/filename\*?=(?:UTF-8'')?"?([^";]+)"?/i);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

/**
 * Fetches a PDF. While the server's renderer is busy (503 with Retry-After)
 * it calls onBusy and tries again a few times. Throws PdfError with the
 * server's text when the PDF can't be made.
 */
export async function fetchPdf(path: string, opts: { signal?: AbortSignal; onBusy?: () => void } = {}): Promise<PdfFile> {
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(path, { credentials: 'same-origin', signal: opts.signal });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      throw new PdfError("Couldn't reach the server. Check your connection and try again.");
    }
    const type = res.headers.get('Content-Type') ?? '';
    if (res.ok && type.startsWith('application/pdf')) {
      return { blob: await res.blob(), fileName: fileNameOf(res.headers.get('Content-Disposition')) };
    }
    if (res.status === 503 && attempt < maxBusyRetries) {
      opts.onBusy?.();
      const after = Number(res.headers.get('Retry-After'));
      await sleep(Math.min(Math.max(Number.isFinite(after) && after > 0 ? after : 2, 1), 10) * 1000, opts.signal);
      continue;
    }
    let text = '';
    if (!type.startsWith('text/html')) text = (await res.text().catch(() => '')).trim();
    if (!text) text = res.ok ? 'The server did not answer with a PDF.' : `The server answered ${res.status} ${res.statusText}.`;
    // The server's messages are sentences, sometimes without the capital or the full stop.
    text = text.charAt(0).toUpperCase() + text.slice(1);
    throw new PdfError(/[.!?]$/.test(text) ? text : `${text}.`);
  }
}

export type PdfState =
  | { status: 'idle' | 'loading'; url: string | null }
  | { status: 'busy'; url: string | null }
  | { status: 'ready'; url: string }
  | { status: 'error'; url: string | null; message: string };

/**
 * The PDF at `path` as an object URL, fetched when `enabled` (so a hidden PDF
 * tab costs nothing) and again whenever `path` changes. While a new one is
 * loading, `url` is still the previous PDF so the frame doesn't go blank.
 */
export function usePdfObjectURL(path: string | null, enabled: boolean): PdfState & { retry: () => void } {
  const [state, setState] = useState<PdfState>({ status: 'idle', url: null });
  const [nonce, setNonce] = useState(0);
  const loaded = useRef<string | null>(null);
  const current = useRef<string | null>(null);

  useEffect(() => {
    if (!enabled || !path) return;
    const key = `${path}#${nonce}`;
    if (loaded.current === key) return;
    const ctl = new AbortController();
    setState((s) => ({ status: 'loading', url: s.url }));
    fetchPdf(path, { signal: ctl.signal, onBusy: () => setState((s) => ({ status: 'busy', url: s.url })) }).then(
      ({ blob }) => {
        const url = URL.createObjectURL(blob);
        if (current.current) URL.revokeObjectURL(current.current);
        current.current = url;
        loaded.current = key;
        setState({ status: 'ready', url });
      },
      (err: unknown) => {
        if (ctl.signal.aborted) return;
        const message = err instanceof PdfError ? err.message : 'Something went wrong.';
        setState((s) => ({ status: 'error', url: s.url, message }));
      },
    );
    return () => ctl.abort();
  }, [path, enabled, nonce]);

  useEffect(
    () => () => {
      if (current.current) URL.revokeObjectURL(current.current);
      current.current = null;
    },
    [],
  );

  return { ...state, retry: () => setNonce((n) => n + 1) };
}

/** Saves a blob under a file name, as a download. */
export function saveBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
