import { Alert, Button, Group, List, Paper, Text } from '@mantine/core';
import { IconDownload, IconMail, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { showError } from '../../lib/errors';
import { PdfError, saveBlob } from './pdf';

const SendRemindersMutation = graphql(`
  mutation SendInvoiceReminders($ids: [ID!]!) {
    sendInvoiceReminders(ids: $ids) {
      id
      number
      ok
      error
      code
    }
  }
`);

const DeleteDraftsMutation = graphql(`
  mutation DeleteInvoiceDrafts($ids: [ID!]!) {
    deleteInvoiceDrafts(ids: $ids) {
      id
      number
      ok
      error
      code
    }
  }
`);

export interface Selected {
  id: string;
  number?: string | null;
}

interface Outcome {
  action: string;
  results: { id: string; label: string; ok: boolean; error?: string | null }[];
}

/** The server prints at most this many PDFs into one zip. */
const MAX_ZIP = 50;

/**
 * The bar over the invoice list while invoices are selected: send a
 * reminder for each, download their PDFs as one zip, or delete the drafts
 * among them (drafts are deleted, never voided: they have no number yet).
 * What happened to each invoice is listed under the bar.
 */
export function BulkActions({ selected, onDone }: { selected: Selected[]; onDone: () => void }) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [zipError, setZipError] = useState<string | null>(null);
  const [zipping, setZipping] = useState(false);
  const [{ fetching: sending }, sendReminders] = useMutation(SendRemindersMutation);
  const [{ fetching: deleting }, deleteDrafts] = useMutation(DeleteDraftsMutation);
  const ids = selected.map((s) => s.id);
  const labelOf = (id: string, number?: string | null) => number ?? selected.find((s) => s.id === id)?.number ?? 'Draft';

  const record = (action: string, rs: { id: string; number?: string | null; ok: boolean; error?: string | null }[]) => {
    setOutcome({ action, results: rs.map((r) => ({ id: r.id, label: labelOf(r.id, r.number), ok: r.ok, error: r.error })) });
    onDone();
  };

  const download = async () => {
    setZipError(null);
    if (ids.length > MAX_ZIP) {
      setZipError(`Select at most ${MAX_ZIP} invoices to download at once.`);
      return;
    }
    setZipping(true);
    try {
      const { blob, fileName } = await fetchZip(`/invoices/pdfs.zip?ids=${ids.map(encodeURIComponent).join(',')}`);
      saveBlob(blob, fileName ?? 'invoices.zip');
    } catch (err) {
      setZipError(err instanceof PdfError ? err.message : 'The download failed.');
    } finally {
      setZipping(false);
    }
  };

  if (selected.length === 0 && !outcome) return null;
  return (
    <Paper withBorder p="sm" data-testid="bulk-actions" role="region" aria-label="Bulk actions">
      {selected.length > 0 && (
        <Group gap="sm" wrap="wrap">
          <Text size="sm" fw={500} aria-live="polite">
            {selected.length} selected
          </Text>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconMail size={14} />}
            loading={sending}
            onClick={async () => {
              const r = await sendReminders({ ids });
              if (showError(r.error)) return;
              if (r.data) record('Send reminder', r.data.sendInvoiceReminders);
            }}
          >
            Send reminder
          </Button>
          <Button size="xs" variant="default" leftSection={<IconDownload size={14} />} loading={zipping} onClick={download}>
            Download PDFs
          </Button>
          <Button
            size="xs"
            variant="default"
            color="red"
            leftSection={<IconTrash size={14} />}
            loading={deleting}
            onClick={async () => {
              const r = await deleteDrafts({ ids });
              if (showError(r.error)) return;
              if (r.data) record('Delete drafts', r.data.deleteInvoiceDrafts);
            }}
          >
            Delete drafts
          </Button>
        </Group>
      )}
      {zipError && (
        <Alert color="red" mt="sm" title="Couldn't download the PDFs" withCloseButton onClose={() => setZipError(null)}>
          {zipError}
        </Alert>
      )}
      {outcome && (
        <Alert
          mt={selected.length > 0 ? 'sm' : 0}
          color={outcome.results.every((r) => r.ok) ? 'teal' : 'yellow'}
          title={`${outcome.action}: ${outcome.results.filter((r) => r.ok).length} of ${outcome.results.length} done`}
          withCloseButton
          onClose={() => setOutcome(null)}
          data-testid="bulk-results"
          role="status"
        >
          <List size="sm" spacing={2}>
            {outcome.results.map((r) => (
              <List.Item key={r.id} data-ok={r.ok}>
                {r.label}: {r.ok ? 'done' : r.error}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
    </Paper>
  );
}

/** Fetches the zip of PDFs; the server's sentence becomes the error. */
async function fetchZip(path: string) {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (res.ok && (res.headers.get('Content-Type') ?? '').startsWith('application/zip')) {
    const m = res.headers.get('Content-Disposition')?.match(/filename="?([^";]+)"?/);
    return { blob: await res.blob(), fileName: m?.[1] ?? null };
  }
  if (res.status === 503) throw new PdfError('The PDF printer is busy; try again in a moment.');
  const text = (await res.text().catch(() => '')).trim();
  throw new PdfError(text || `The server answered ${res.status}.`);
}
