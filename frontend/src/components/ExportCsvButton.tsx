import { Button } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';

/**
 * "Export CSV": a link to one of the server's CSV exports
 * (/export/invoices.csv, payments.csv, collections.csv) with the list's
 * filters as query parameters. The server streams the file as an attachment
 * and authenticates the request with the session cookie, like the PDFs.
 */
export function ExportCsvButton({
  list,
  params = {},
  label = 'Export CSV',
}: {
  list: 'invoices' | 'payments' | 'collections';
  params?: Record<string, string | null | undefined>;
  label?: string;
}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const href = `/export/${list}.csv${q.size ? `?${q}` : ''}`;
  return (
    <Button component="a" href={href} download variant="default" leftSection={<IconDownload size={16} />} data-testid={`export-${list}`}>
      {label}
    </Button>
  );
}
