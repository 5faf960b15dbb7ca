import { Group, Paper, SimpleGrid, Skeleton, Stack, Text, UnstyledButton } from '@mantine/core';
import { useEffect } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import type { AgingBucket } from '../../gql/graphql';
import { formatMoney } from '../../lib/money';

const ReceivablesQuery = graphql(`
  query Receivables {
    receivables {
      currency
      outstanding
      outstandingCount
      overdue
      overdueCount
      paidLast30Days
      paymentCount
      aging {
        bucket
        amount
        invoiceCount
      }
    }
  }
`);

export const bucketLabel: Record<AgingBucket, string> = {
  CURRENT: 'Current',
  DAYS_1_30: '1–30 days',
  DAYS_31_60: '31–60 days',
  DAYS_61_90: '61–90 days',
  OVER_90: 'Over 90 days',
};

const context = { additionalTypenames: ['Invoice', 'Payment'] };

/**
 * Where the money stands, per currency: outstanding, overdue and paid in the
 * last 30 days, with the aging buckets of what is outstanding. A bucket is a
 * toggle that filters the invoice list below to its invoices.
 */
export function ReceivablesSummary({
  selected,
  onSelect,
  refresh,
}: {
  selected: AgingBucket | null;
  onSelect: (bucket: AgingBucket | null) => void;
  /** Changes when the list reloads after a live status change. */
  refresh?: number;
}) {
  const [{ data, fetching, error }, reexecute] = useQuery({ query: ReceivablesQuery, context });
  useEffect(() => {
    if (refresh) reexecute({ requestPolicy: 'network-only' });
  }, [refresh, reexecute]);
  if (error) return null; // the list below shows the error; the summary is extra
  if (fetching && !data) return <Skeleton h={120} radius="md" aria-label="Loading receivables" />;
  const rows = data?.receivables ?? [];
  if (rows.length === 0) return null;
  return (
    <Stack gap="sm" component="section" aria-label="Receivables" data-testid="receivables">
      {rows.map((r) => (
        <Paper key={r.currency} withBorder p="md" data-currency={r.currency}>
          <Group gap="xl" mb="sm" wrap="wrap" style={{ rowGap: 'var(--mantine-spacing-xs)' }}>
            <Figure label={`Outstanding (${r.outstandingCount})`} value={formatMoney(r.outstanding, r.currency)} currency={r.currency} testid="outstanding" />
            <Figure label={`Overdue (${r.overdueCount})`} value={formatMoney(r.overdue, r.currency)} currency={r.currency} testid="overdue" tone="red.8" />
            <Figure label="Paid, last 30 days" value={formatMoney(r.paidLast30Days, r.currency)} currency={r.currency} testid="paid" tone="teal.8" />
          </Group>
          <SimpleGrid cols={{ base: 2, xs: 3, sm: 5 }} spacing="xs">
            {r.aging.map((b) => {
              const on = selected === b.bucket;
              return (
                <UnstyledButton
                  key={b.bucket}
                  onClick={() => onSelect(on ? null : b.bucket)}
                  aria-pressed={on}
                  aria-label={`${bucketLabel[b.bucket]}: ${formatMoney(b.amount, r.currency)} ${r.currency}, ${b.invoiceCount} invoices. ${on ? 'Showing these; press to show all' : 'Show these invoices'}`}
                  data-bucket={b.bucket}
                  p="xs"
                  style={{
                    borderRadius: 'var(--mantine-radius-sm)',
                    border: `1px solid ${on ? 'var(--mantine-color-indigo-6)' : 'var(--mantine-color-gray-3)'}`,
                    background: on ? 'var(--mantine-color-indigo-0)' : undefined,
                  }}
                >
                  <Text size="xs" c="gray.7">
                    {bucketLabel[b.bucket]}
                  </Text>
                  <Text size="sm" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {formatMoney(b.amount, r.currency)}
                  </Text>
                  <Text size="xs" c="gray.7">
                    {b.invoiceCount} {b.invoiceCount === 1 ? 'invoice' : 'invoices'}
                  </Text>
                </UnstyledButton>
              );
            })}
          </SimpleGrid>
        </Paper>
      ))}
    </Stack>
  );
}

function Figure({ label, value, currency, testid, tone }: { label: string; value: string; currency: string; testid: string; tone?: string }) {
  return (
    <div data-testid={testid}>
      <Text size="xs" c="gray.7">
        {label}
      </Text>
      <Text size="xl" fw={700} c={tone} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {value}{' '}
        <Text span size="sm" c="gray.7" fw={500}>
          {currency}
        </Text>
      </Text>
    </div>
  );
}
