import { ActionIcon, Button, Group, Paper, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconReceiptRefund, IconSend } from '@tabler/icons-react';
import { useState, type MouseEvent } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { showError } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { formatMoney, isZeroAmount } from '../../lib/money';
import { fetchPdf, PdfError, pdfPath, saveBlob } from './pdf';

const SendCreditNoteMutation = graphql(`
  mutation SendCreditNote($id: ID!) {
    sendCreditNote(id: $id) {
      id
    }
  }
`);

// The email it queues is listed on the invoice page and in Sent emails.
const sendContext = { additionalTypenames: ['Email', 'Invoice'] };

export interface InvoiceCreditNote {
  id: string;
  number: string;
  total: string;
  creditedToCustomer: string;
  currency: string;
  reason: string;
  issuedAt: string;
  pdfURL: string;
}

function PdfLink({ note }: { note: InvoiceCreditNote }) {
  const [busy, setBusy] = useState(false);
  const href = pdfPath(note.pdfURL, { download: '1' });
  const onClick = async (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    try {
      const { blob, fileName } = await fetchPdf(href);
      saveBlob(blob, fileName ?? `${note.number}.pdf`);
    } catch (err) {
      notifications.show({
        color: 'red',
        title: "The PDF couldn't be made",
        message: err instanceof PdfError ? err.message : 'Something went wrong. Try again.',
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Tooltip label="Download PDF">
      <ActionIcon component="a" href={href} onClick={onClick} loading={busy} variant="subtle" aria-label={`Download ${note.number} as PDF`}>
        <IconDownload size={16} />
      </ActionIcon>
    </Tooltip>
  );
}

/** The invoice's credit notes: number, reason, total, the PDF, and "Send" to email one (again). */
export function InvoiceCreditNotes({ notes, customerEmail }: { notes: InvoiceCreditNote[]; customerEmail: string }) {
  const [{ fetching }, send] = useMutation(SendCreditNoteMutation);
  const [sending, setSending] = useState<string | null>(null);
  if (notes.length === 0) return null;

  const onSend = async (note: InvoiceCreditNote) => {
    setSending(note.id);
    const res = await send({ id: note.id }, sendContext);
    setSending(null);
    if (showError(res.error, { title: `Couldn't send ${note.number}` })) return;
    notifications.show({ color: 'green', message: `${note.number} is on its way to ${customerEmail}.` });
  };

  return (
    <Paper withBorder component="section" aria-labelledby="invoice-credit-notes" style={{ overflow: 'hidden' }}>
      <Group gap="xs" p="lg" pb="sm">
        <IconReceiptRefund size={18} stroke={1.6} aria-hidden />
        <Title order={2} size="h5" id="invoice-credit-notes">
          Credit notes
        </Title>
      </Group>
      <Table.ScrollContainer minWidth={520} type="native">
        <Table aria-label="Credit notes" verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th pl="lg">Number</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>Issued</Table.Th>
              <Table.Th ta="right">Total</Table.Th>
              <Table.Th w={130} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {notes.map((n) => (
              <Table.Tr key={n.id} data-testid="credit-note-row">
                <Table.Td pl="lg">
                  <Text size="sm" fw={500} style={{ whiteSpace: 'nowrap' }}>
                    {n.number}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
                    {n.reason}
                  </Text>
                  {!isZeroAmount(n.creditedToCustomer) && (
                    <Text size="xs" c="dimmed">
                      {formatMoney(n.creditedToCustomer, n.currency)} to the customer's credit
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {formatDate(n.issuedAt)}
                  </Text>
                </Table.Td>
                <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                  <Text size="sm">−{formatMoney(n.total, n.currency)}</Text>
                </Table.Td>
                <Table.Td>
                  <Stack align="flex-end">
                    <Group gap={4} wrap="nowrap">
                      <PdfLink note={n} />
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        leftSection={<IconSend size={14} />}
                        loading={sending === n.id}
                        disabled={fetching && sending !== n.id}
                        onClick={() => onSend(n)}
                        aria-label={`Send ${n.number} to ${customerEmail}`}
                      >
                        Send
                      </Button>
                    </Group>
                  </Stack>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
