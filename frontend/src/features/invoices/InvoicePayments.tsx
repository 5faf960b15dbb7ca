import { Anchor, Badge, Button, Group, Paper, Progress, Stack, Table, Text, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import {
  IconArrowBackUp,
  IconBuildingBank,
  IconCash,
  IconCreditCard,
  IconCurrencyBitcoin,
  IconReceipt,
} from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { showError } from '../../lib/errors';
import { formatDate, formatDateTime } from '../../lib/format';
import { compareAmounts, formatMoney, isZeroAmount, percentOf, subtractAmounts } from '../../lib/money';
import { AllocationRuleBadge, paymentChannelLabel } from '../../lib/payments';
import { statusLabel } from '../../components/invoiceStatus';

// Returns the Invoice, so urql refetches every query holding one (this page
// with its payments and timeline, the invoices list); the money goes back to
// its collection, so the collections page reloads too.
const UndoPaymentMutation = graphql(`
  mutation UndoPayment($id: ID!) {
    undoAllocation(id: $id) {
      id
      undoneAt
      invoice {
        id
        number
        status
        amountPaid
        amountDue
        version
      }
    }
  }
`);

const undoContext = { additionalTypenames: ['Collection'] };

export interface InvoicePayment {
  id: string;
  amount: string;
  currency: string;
  channel: string;
  provider: string;
  externalID?: string | null;
  note?: string | null;
  receivedAt: string;
  recordedBy: string;
  late: boolean;
  rule: string;
  confidence: number;
  undoneAt?: string | null;
  collection?: { id: string } | null;
}

interface PaidInvoice {
  number?: string | null;
  status: string;
  currency: string;
  total: string;
  amountPaid: string;
  amountDue: string;
  amountOverpaid: string;
  payments?: InvoicePayment[] | null;
}

const channelIcon: Record<string, typeof IconReceipt> = {
  CHECKOUT_CARD: IconCreditCard,
  CHECKOUT_CRYPTO: IconCurrencyBitcoin,
  BANK_TRANSFER: IconBuildingBank,
  CASH: IconCash,
  OTHER: IconReceipt,
};

/** "system" is how providers sign their payments; say who that is. */
function recorder(p: InvoicePayment): string {
  if (p.recordedBy !== 'system') return p.recordedBy;
  if (p.provider === 'infini') return 'Infini';
  if (p.provider === 'wallet') return 'Wallet watcher';
  return 'Tally';
}

/**
 * The invoice's status once payment p no longer counts, as the server moves
 * it: only PAID and PARTIALLY_PAID go back, and an overpaid invoice may stay PAID.
 */
function statusAfterUndo(invoice: PaidInvoice, p: InvoicePayment): string {
  if (invoice.status !== 'PAID' && invoice.status !== 'PARTIALLY_PAID') return invoice.status;
  const paid = subtractAmounts(invoice.amountPaid, p.amount, invoice.currency);
  if (compareAmounts(paid, invoice.total) >= 0) return invoice.status;
  return compareAmounts(paid, '0') > 0 ? 'PARTIALLY_PAID' : 'OPEN';
}

/** "INV-000001 goes back to Open with $410.00 due, and the $410.00 returns to the review queue…" */
function undoConsequence(invoice: PaidInvoice, p: InvoicePayment): string {
  const { currency } = invoice;
  const number = invoice.number ?? 'The invoice';
  const to = statusAfterUndo(invoice, p);
  const label = statusLabel[to] ?? to;
  const due = subtractAmounts(invoice.total, subtractAmounts(invoice.amountPaid, p.amount, currency), currency);
  const owed = compareAmounts(due, '0') > 0 ? ` with ${formatMoney(due, currency)} due` : '';
  const invoicePart = to === invoice.status ? `${number} stays ${label}${owed}` : `${number} goes back to ${label}${owed}`;
  const amount = formatMoney(p.amount, currency);
  const moneyPart = p.collection
    ? `the ${amount} returns to the review queue on the Collections page, where you can allocate it again.`
    : `the ${amount} no longer counts towards it.`;
  return `${invoicePart}, and ${moneyPart}`;
}

/** A transaction hash or order id is long: show its ends, the whole in a tooltip. */
function shortReference(ref: string): string {
  return ref.length > 24 ? `${ref.slice(0, 10)}…${ref.slice(-8)}` : ref;
}

/**
 * Money received for the invoice, oldest first, with how much of the total
 * is paid, what is still due and what was paid beyond it. A payment that
 * went to the wrong invoice can be undone; it stays listed, struck through.
 */
export function InvoicePayments({ invoice }: { invoice: PaidInvoice }) {
  const navigate = useNavigate();
  const [, undo] = useMutation(UndoPaymentMutation);
  const { currency, status } = invoice;
  const payments = [...(invoice.payments ?? [])].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  const counting = payments.filter((p) => !p.undoneAt).length;
  const share = percentOf(invoice.amountPaid, invoice.total);
  const overpaid = !isZeroAmount(invoice.amountOverpaid);
  const isDraft = status === 'DRAFT';

  const onUndo = (p: InvoicePayment) =>
    modals.openConfirmModal({
      title: 'Undo this payment?',
      children: (
        <Stack gap="xs">
          <Text size="sm">
            {formatMoney(p.amount, currency)} received {formatDate(p.receivedAt)} · {paymentChannelLabel[p.channel] ?? p.channel}
          </Text>
          <Text size="sm">{undoConsequence(invoice, p)}</Text>
        </Stack>
      ),
      labels: { confirm: 'Undo payment', cancel: 'Keep it' },
      confirmProps: { color: 'red' },
      onConfirm: async () => {
        const res = await undo({ id: p.id }, undoContext);
        if (showError(res.error, { title: "Couldn't undo the payment" }) || !res.data) return;
        const inv = res.data.undoAllocation.invoice;
        notifications.show({
          title: 'Payment undone',
          message: (
            <>
              <Text size="sm" span>
                {inv.number ?? 'The invoice'} is {statusLabel[inv.status] ?? inv.status}.
                {p.collection && ` The ${formatMoney(p.amount, currency)} waits in the review queue.`}
              </Text>{' '}
              {p.collection && (
                // Notifications render outside the router: navigate by hand.
                <Anchor component="button" type="button" size="sm" onClick={() => navigate('/collections')}>
                  Review queue
                </Anchor>
              )}
            </>
          ),
        });
      },
    });

  return (
    <Paper withBorder component="section" aria-label="Payments">
      <Stack gap="md" px="lg" pt="md" pb={payments.length ? 'xs' : 'lg'}>
        <Group gap={8}>
          <Title order={2} size="h5">Payments</Title>
          {counting > 0 && (
            <Badge variant="default" radius="sm" size="sm">
              {counting}
            </Badge>
          )}
        </Group>

        {!isDraft && (
          <Stack gap={8}>
            <Group justify="space-between" gap="xs" style={{ fontVariantNumeric: 'tabular-nums' }}>
              <Text size="sm" data-testid="invoice-paid-summary">
                <b>{formatMoney(invoice.amountPaid, currency)}</b> of {formatMoney(invoice.total, currency)} paid
              </Text>
              {overpaid ? (
                <Tooltip label="Paid beyond the total; kept as the customer's credit." withArrow>
                  <Text size="sm" c="orange.8" fw={500} style={{ cursor: 'help' }} data-testid="invoice-amount-overpaid">
                    {formatMoney(invoice.amountOverpaid, currency)} overpaid
                  </Text>
                </Tooltip>
              ) : (
                <Text size="sm" c={status === 'PAID' ? 'green.8' : undefined} fw={500} data-testid="invoice-amount-due">
                  {status === 'PAID' ? 'Paid in full' : `${formatMoney(invoice.amountDue, currency)} due`}
                </Text>
              )}
            </Group>
            <Progress
              value={share}
              color={status === 'PAID' ? 'green' : 'yellow'}
              size="sm"
              radius="xl"
              aria-label={`${formatMoney(invoice.amountPaid, currency)} of ${formatMoney(invoice.total, currency)} paid`}
            />
          </Stack>
        )}

        {payments.length === 0 && (
          <Text size="sm" c="dimmed">
            {isDraft
              ? 'Payments can be received once the invoice is created.'
              : status === 'VOID'
                ? 'No payments were received.'
                : 'No payments yet. Card and crypto payments through the payment link appear here by themselves; record a bank transfer or cash with Mark as paid.'}
          </Text>
        )}
      </Stack>

      {payments.length > 0 && (
        <Table.ScrollContainer minWidth={640} type="native">
          <Table data-testid="invoice-payments">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Received</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
                <Table.Th>Channel</Table.Th>
                <Table.Th>Reference and note</Table.Th>
                <Table.Th w={1}>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {payments.map((p) => {
                const ChannelIcon = channelIcon[p.channel] ?? IconReceipt;
                const undone = !!p.undoneAt;
                // An undone payment stays listed for the record, but no longer counts.
                const struck = undone ? { textDecoration: 'line-through' } : undefined;
                return (
                  <Table.Tr
                    key={p.id}
                    data-payment-id={p.id}
                    data-undone={undone || undefined}
                    style={{ verticalAlign: 'top' }}
                    c={undone ? 'dimmed' : undefined}
                  >
                    <Table.Td>
                      <Text size="sm" style={{ whiteSpace: 'nowrap', ...struck }}>
                        {formatDate(p.receivedAt)}
                      </Text>
                      <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                        by {recorder(p)}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                      <Text size="sm" fw={500} style={struck}>
                        {formatMoney(p.amount, p.currency)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <ChannelIcon size={16} stroke={1.6} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0 }} />
                        <Text size="sm" style={{ whiteSpace: 'nowrap', ...struck }}>
                          {paymentChannelLabel[p.channel] ?? p.channel}
                        </Text>
                        {p.late && (
                          <Tooltip label="The money arrived after the checkout had expired. It still counts." withArrow multiline maw={260}>
                            <Badge color="orange" variant="light" radius="sm" size="sm" style={{ cursor: 'help' }} data-testid="payment-late">
                              Late
                            </Badge>
                          </Tooltip>
                        )}
                      </Group>
                      <Group gap={6} mt={4}>
                        <AllocationRuleBadge rule={p.rule} confidence={p.confidence} />
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {p.externalID && (
                        <Tooltip label={p.externalID} disabled={p.externalID.length <= 24} withArrow>
                          <Text size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                            {shortReference(p.externalID)}
                          </Text>
                        </Tooltip>
                      )}
                      {!p.externalID && !p.note && (
                        <Text size="sm" c="dimmed">
                          —
                        </Text>
                      )}
                      {p.note && (
                        <Text size={p.externalID ? 'xs' : 'sm'} c="dimmed" mt={p.externalID ? 2 : 0} style={{ whiteSpace: 'pre-wrap' }}>
                          {p.note}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                      {undone ? (
                        <Tooltip label={`Undone ${formatDateTime(p.undoneAt)}; it no longer counts towards the invoice.`} withArrow multiline maw={240}>
                          <div data-testid="payment-undone" style={{ cursor: 'help' }}>
                            <Badge color="gray" variant="light" radius="sm" size="sm">
                              Undone
                            </Badge>
                            <Text size="xs" c="dimmed" mt={2}>
                              {formatDate(p.undoneAt)}
                            </Text>
                          </div>
                        </Tooltip>
                      ) : (
                        <Button
                          variant="subtle"
                          color="gray"
                          size="compact-sm"
                          leftSection={<IconArrowBackUp size={14} />}
                          onClick={() => onUndo(p)}
                          aria-label={`Undo the ${formatMoney(p.amount, p.currency)} payment of ${formatDate(p.receivedAt)}`}
                        >
                          Undo
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
