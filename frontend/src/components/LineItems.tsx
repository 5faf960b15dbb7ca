import { Divider, Group, Paper, Stack, Table, Text, type MantineSize } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatMoney, formatPercent, isZeroAmount } from '../lib/money';

export interface LineItem {
  name: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  discountPercent?: string | null;
  discountAmount?: string | null;
  taxRates?: { id: string; name: string; percentage: string; inclusive: boolean }[];
}

/** "VAT 19%", "VAT 20% incl." for an applied rate. */
function rateLabel(r: { name: string; percentage: string; inclusive: boolean }): string {
  return `${r.name} ${formatPercent(r.percentage)}${r.inclusive ? ' incl.' : ''}`;
}

/** The line's discount and taxes under its name, when it has any. */
function LineDetails({ item, currency }: { item: LineItem; currency: string }) {
  const parts: string[] = [];
  if (item.discountPercent && item.discountAmount && !isZeroAmount(item.discountAmount)) {
    parts.push(`${formatPercent(item.discountPercent)} off (−${formatMoney(item.discountAmount, currency)})`);
  }
  if (item.taxRates && item.taxRates.length > 0) parts.push(item.taxRates.map(rateLabel).join(' + '));
  if (parts.length === 0) return null;
  return (
    <Text size="xs" c="dimmed">
      {parts.join(' · ')}
    </Text>
  );
}

/** An invoice's saved line items, with its totals (Totals rows) under them. */
export function LineItemsTable({ items, currency, children }: {
  items: LineItem[];
  currency: string;
  /** TotalRow and Divider elements. */
  children: ReactNode;
}) {
  return (
    <Paper withBorder>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Item</Table.Th>
            <Table.Th ta="right">Qty</Table.Th>
            <Table.Th ta="right">Unit price</Table.Th>
            <Table.Th ta="right">Amount</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item, i) => (
            <Table.Tr key={i}>
              <Table.Td>
                {item.name}
                <LineDetails item={item} currency={currency} />
              </Table.Td>
              <Table.Td ta="right">{item.quantity}</Table.Td>
              <Table.Td ta="right">{formatMoney(item.unitPrice, currency)}</Table.Td>
              <Table.Td ta="right">{formatMoney(item.amount, currency)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Divider />
      <Totals p="md" ml="auto">
        {children}
      </Totals>
    </Paper>
  );
}

/** The column of totals under line items: label on the left, amount on the right. */
export function Totals({ children, p, ml }: { children: ReactNode; p?: MantineSize; ml?: 'auto' }) {
  return (
    <Stack gap={6} p={p} ml={ml} w={300} maw="100%" style={{ fontVariantNumeric: 'tabular-nums' }}>
      {children}
    </Stack>
  );
}

/**
 * One line of Totals. `strong` is a total (bold), `muted` a detail (gray
 * label), `warning` something to look at (orange).
 */
export function TotalRow({ label, value, tone, size = 'sm', testId }: {
  label: ReactNode;
  value: ReactNode;
  tone?: 'strong' | 'muted' | 'warning';
  size?: 'sm' | 'md';
  testId?: string;
}) {
  const fw = tone === 'strong' ? 600 : undefined;
  const c = tone === 'warning' ? 'orange.8' : undefined;
  return (
    <Group justify="space-between" align="flex-start" wrap="nowrap" gap="md">
      <Text size={size} fw={fw} c={tone === 'muted' ? 'dimmed' : c}>
        {label}
      </Text>
      <Text size={size} fw={fw} c={c} data-testid={testId}>
        {value}
      </Text>
    </Group>
  );
}

/** What an invoice's totals block needs to show its discount and taxes. */
export interface InvoiceTotals {
  currency: string;
  subtotal: string;
  totalDiscount?: string | null;
  discount?: { percent?: string | null; amount: string; reason?: string | null } | null;
  taxBreakdown?: {
    taxRate: { id: string; name: string; percentage: string; inclusive: boolean };
    taxableAmount: string;
    amount: string;
  }[];
}

/**
 * Subtotal, the document discount and one row per tax rate (its base
 * beneath), as the server computed them. The caller adds the total.
 */
export function TaxSummaryRows({ totals, testIdPrefix }: { totals: InvoiceTotals; testIdPrefix?: string }) {
  const { currency, discount, taxBreakdown = [] } = totals;
  const hasDiscount = !!totals.totalDiscount && !isZeroAmount(totals.totalDiscount);
  const id = (s: string) => (testIdPrefix ? `${testIdPrefix}-${s}` : undefined);
  return (
    <>
      <TotalRow label="Subtotal" value={formatMoney(totals.subtotal, currency)} tone="muted" testId={id('subtotal')} />
      {hasDiscount && (
        <TotalRow
          label={
            <>
              Discount{discount?.percent ? ` (${formatPercent(discount.percent)})` : ''}
              {discount?.reason && (
                <Text span size="xs" c="dimmed" display="block">
                  {discount.reason}
                </Text>
              )}
            </>
          }
          value={`−${formatMoney(totals.totalDiscount, currency)}`}
          tone="muted"
          testId={id('discount')}
        />
      )}
      {taxBreakdown.map((t, i) => (
        <TotalRow
          key={`${t.taxRate.id}-${i}`}
          label={
            <>
              {t.taxRate.inclusive ? `Includes ${rateLabel(t.taxRate).replace(/ incl\.$/, '')}` : rateLabel(t.taxRate)}
              <Text span size="xs" c="dimmed" display="block">
                on {formatMoney(t.taxableAmount, currency)}
              </Text>
            </>
          }
          value={formatMoney(t.amount, currency)}
          tone="muted"
          testId={id(`tax-${i}`)}
        />
      ))}
    </>
  );
}
