import { Divider, Group, Paper, Stack, Table, Text, type MantineSize } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatMoney } from '../lib/money';

export interface LineItem {
  name: string;
  quantity: string;
  unitPrice: string;
  amount: string;
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
              <Table.Td>{item.name}</Table.Td>
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
    <Group justify="space-between">
      <Text size={size} fw={fw} c={tone === 'muted' ? 'dimmed' : c}>
        {label}
      </Text>
      <Text size={size} fw={fw} c={c} data-testid={testId}>
        {value}
      </Text>
    </Group>
  );
}
