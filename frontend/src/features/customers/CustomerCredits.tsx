import { Anchor, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconArrowBackUp, IconWallet } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import type { CustomerCreditKind, RefundChannel } from '../../gql/graphql';
import { formatDate } from '../../lib/format';
import { formatMoney, isZeroAmount } from '../../lib/money';
import { ApplyCreditModal, RecordRefundModal, refundChannelLabel, type Balance } from './CreditModals';

const LedgerInvoicesQuery = graphql(`
  query CreditLedgerInvoices($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      ... on Invoice {
        id
        number
      }
    }
  }
`);

export interface CreditLine {
  id: string;
  kind: CustomerCreditKind;
  amount: string;
  currency: string;
  at: string;
  note: string;
  invoiceID?: string | null;
  creditNoteID?: string | null;
  refundChannel?: RefundChannel | null;
  recordedBy: string;
}

const kindLabel: Record<CustomerCreditKind, string> = {
  CREDIT_NOTE: 'Credit note',
  OVERPAYMENT: 'Overpayment',
  APPLIED: 'Applied to invoice',
  REFUNDED: 'Refunded',
};

const kindColor: Record<CustomerCreditKind, string> = {
  CREDIT_NOTE: 'grape',
  OVERPAYMENT: 'teal',
  APPLIED: 'blue',
  REFUNDED: 'gray',
};

/**
 * What the merchant owes the customer, per currency (from credit notes and
 * overpayments), with "Apply credit" and "Record refund", and the ledger
 * that adds up to it, newest first.
 */
export function CustomerCredits({ customer, balances, credits }: {
  customer: { id: string; name: string };
  balances: Balance[];
  credits: CreditLine[];
}) {
  // Which balance a dialog is for stays set while it closes, so its title doesn't change mid-animation.
  const [dialog, setDialog] = useState<{ kind: 'apply' | 'refund'; balance: Balance; open: boolean } | null>(null);
  const close = () => setDialog((d) => (d ? { ...d, open: false } : d));
  const invoiceIDs = [...new Set(credits.flatMap((c) => (c.invoiceID ? [c.invoiceID] : [])))];
  const [{ data }] = useQuery({ query: LedgerInvoicesQuery, variables: { ids: invoiceIDs }, pause: invoiceIDs.length === 0 });
  const numbers = new Map(
    (data?.nodes ?? []).flatMap((n) => (n?.__typename === 'Invoice' ? [[n.id, n.number ?? 'Draft'] as const] : [])),
  );
  const lines = [...credits].reverse();
  const positive = balances.filter((b) => !b.amount.startsWith('-') && !isZeroAmount(b.amount));

  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="customer-credit-balance">
      <Stack gap="md">
        <div>
          <Title order={2} size="h5" id="customer-credit-balance">
            Credit balance
          </Title>
          <Text size="sm" c="dimmed" mt={2}>
            What you owe {customer.name}: credit notes on invoices they had already paid, and payments beyond what was
            due. Apply it to an open invoice, or record that you paid it back.
          </Text>
        </div>

        {positive.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="customer-credit-balances">
            No credit.
          </Text>
        ) : (
          <Stack gap="xs" data-testid="customer-credit-balances">
            {positive.map((b) => (
              <Group key={b.currency} justify="space-between" gap="sm" wrap="wrap">
                <Text size="lg" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {formatMoney(b.amount, b.currency)}{' '}
                  <Text span size="sm" c="dimmed">
                    {b.currency}
                  </Text>
                </Text>
                <Group gap="xs">
                  <Button size="xs" variant="light" leftSection={<IconWallet size={14} />} onClick={() => setDialog({ kind: 'apply', balance: b, open: true })}>
                    Apply credit
                  </Button>
                  <Button size="xs" variant="default" leftSection={<IconArrowBackUp size={14} />} onClick={() => setDialog({ kind: 'refund', balance: b, open: true })}>
                    Record refund
                  </Button>
                </Group>
              </Group>
            ))}
          </Stack>
        )}

        {lines.length > 0 && (
          <Table.ScrollContainer minWidth={480} type="native">
            <Table aria-label="Credit ledger" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Date</Table.Th>
                  <Table.Th>What</Table.Th>
                  <Table.Th>Detail</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {lines.map((c) => {
                  const negative = c.amount.startsWith('-');
                  const abs = negative ? c.amount.slice(1) : c.amount;
                  return (
                    <Table.Tr key={c.id} data-credit-kind={c.kind}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Text size="sm">{formatDate(c.at)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" radius="sm" color={kindColor[c.kind]} miw="max-content">
                          {kindLabel[c.kind] ?? c.kind}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={0}>
                          {c.invoiceID && (
                            <Anchor component={Link} to={`/invoices/${c.invoiceID}`} size="sm">
                              {numbers.get(c.invoiceID) ?? 'Invoice'}
                            </Anchor>
                          )}
                          {c.refundChannel && <Text size="sm">{refundChannelLabel[c.refundChannel]}</Text>}
                          {c.note && (
                            <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                              {c.note}
                            </Text>
                          )}
                          <Text size="xs" c="dimmed">
                            by {c.recordedBy}
                          </Text>
                        </Stack>
                      </Table.Td>
                      <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                        <Text size="sm" c={negative ? undefined : 'green.8'} fw={500}>
                          {negative ? '−' : '+'}
                          {formatMoney(abs, c.currency)}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>

      <ApplyCreditModal
        customer={customer}
        balance={dialog?.kind === 'apply' ? dialog.balance : null}
        opened={dialog?.kind === 'apply' && dialog.open}
        onClose={close}
      />
      <RecordRefundModal
        customer={customer}
        balance={dialog?.kind === 'refund' ? dialog.balance : null}
        opened={dialog?.kind === 'refund' && dialog.open}
        onClose={close}
      />
    </Paper>
  );
}
