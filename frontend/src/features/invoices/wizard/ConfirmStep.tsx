import { Box, Divider, Group, Paper, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatDueDate } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import { paymentMethodLabel } from '../status';
import { EmailBouncingBadge } from '../../../lib/email';

export interface SavedDraft {
  id: string;
  currency: string;
  dueDate?: string | null;
  description?: string | null;
  paymentMethods: string[];
  subtotal: string;
  total: string;
  items: { name: string; quantity: string; unitPrice: string; amount: string }[];
}

function Section({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={500} tt="uppercase" mb={4}>
        {label}
      </Text>
      {children}
    </div>
  );
}

/** Step 5: what will be issued, as saved on the server. The document itself is in the wizard's preview panel. */
export function ConfirmStep({ draft, customer }: {
  draft: SavedDraft;
  customer: { name: string; email: string; emailBouncing?: boolean } | null;
}) {
  const { currency } = draft;
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="lg">
        <Section label="Customer">
          <Text size="sm" fw={500}>
            {customer?.name}
          </Text>
          <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {customer?.email}
          </Text>
          {customer?.emailBouncing && (
            <Box mt={4}>
              <EmailBouncingBadge email={customer.email} />
            </Box>
          )}
        </Section>
        <Section label="Currency">
          <Text size="sm">{currency}</Text>
        </Section>
        <Section label="Due date">
          <Text size="sm">{draft.dueDate ? formatDueDate(draft.dueDate) : 'No due date'}</Text>
        </Section>
      </SimpleGrid>

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
            {draft.items.map((it, i) => (
              <Table.Tr key={i}>
                <Table.Td>{it.name}</Table.Td>
                <Table.Td ta="right">{it.quantity}</Table.Td>
                <Table.Td ta="right">{formatMoney(it.unitPrice, currency)}</Table.Td>
                <Table.Td ta="right">{formatMoney(it.amount, currency)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Divider />
        <Stack gap={6} p="md" ml="auto" w={300} style={{ fontVariantNumeric: 'tabular-nums' }}>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              Subtotal
            </Text>
            <Text size="sm">{formatMoney(draft.subtotal, currency)}</Text>
          </Group>
          <Group justify="space-between">
            <Text fw={600}>Total</Text>
            <Text fw={600} data-testid="confirm-total">
              {formatMoney(draft.total, currency)} {currency}
            </Text>
          </Group>
        </Stack>
      </Paper>

      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
        <Section label="Description">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} c={draft.description ? undefined : 'dimmed'}>
            {draft.description || 'None'}
          </Text>
        </Section>
        <Section label="Payment methods">
          {draft.paymentMethods.map((m) => (
            <Text size="sm" key={m}>
              {paymentMethodLabel[m] ?? m}
            </Text>
          ))}
        </Section>
      </SimpleGrid>
    </Stack>
  );
}
