import { Badge, Group, Paper, Progress, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import {
  IconBuildingBank,
  IconCash,
  IconCreditCard,
  IconCurrencyBitcoin,
  IconReceipt,
} from '@tabler/icons-react';
import { formatDate } from '../../lib/format';
import { formatMoney, isZeroAmount, percentOf } from '../../lib/money';
import { paymentChannelLabel } from './status';

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

/** A transaction hash or order id is long: show its ends, the whole in a tooltip. */
function shortReference(ref: string): string {
  return ref.length > 24 ? `${ref.slice(0, 10)}…${ref.slice(-8)}` : ref;
}

/**
 * Money received for the invoice, oldest first, with how much of the total
 * is paid, what is still due and what was paid beyond it.
 */
export function InvoicePayments({ invoice }: {
  invoice: {
    status: string;
    currency: string;
    total: string;
    amountPaid: string;
    amountDue: string;
    amountOverpaid: string;
    payments?: InvoicePayment[] | null;
  };
}) {
  const { currency, status } = invoice;
  const payments = [...(invoice.payments ?? [])].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  const share = percentOf(invoice.amountPaid, invoice.total);
  const overpaid = !isZeroAmount(invoice.amountOverpaid);
  const isDraft = status === 'DRAFT';

  return (
    <Paper withBorder component="section" aria-label="Payments">
      <Stack gap="md" px="lg" pt="md" pb={payments.length ? 'xs' : 'lg'}>
        <Group gap={8}>
          <Title order={5}>Payments</Title>
          {payments.length > 0 && (
            <Badge variant="default" radius="sm" size="sm">
              {payments.length}
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
        <Table.ScrollContainer minWidth={560} type="native">
          <Table data-testid="invoice-payments">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Received</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
                <Table.Th>Channel</Table.Th>
                <Table.Th>Reference and note</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {payments.map((p) => {
                const ChannelIcon = channelIcon[p.channel] ?? IconReceipt;
                return (
                  <Table.Tr key={p.id} data-payment-id={p.id} style={{ verticalAlign: 'top' }}>
                    <Table.Td>
                      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                        {formatDate(p.receivedAt)}
                      </Text>
                      <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                        by {recorder(p)}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                      <Text size="sm" fw={500}>
                        {formatMoney(p.amount, p.currency)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <ChannelIcon size={16} stroke={1.6} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0 }} />
                        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
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
