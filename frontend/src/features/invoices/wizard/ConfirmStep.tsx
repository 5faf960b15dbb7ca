import { Box, SimpleGrid, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { EmailBouncingBadge } from '../../../components/EmailBouncingBadge';
import { LineItemsTable, TaxSummaryRows, TotalRow, type InvoiceTotals, type LineItem } from '../../../components/LineItems';
import { formatDueDate } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import { paymentTermsLabel } from '../../../lib/paymentTerms';
import { paymentMethodLabel } from '../../../components/invoiceStatus';

export interface SavedDraft extends InvoiceTotals {
  id: string;
  currency: string;
  dueDate?: string | null;
  paymentTermsDays?: number | null;
  description?: string | null;
  paymentMethods: string[];
  subtotal: string;
  total: string;
  items: LineItem[];
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
          <Text size="sm">
            {draft.paymentTermsDays !== null && draft.paymentTermsDays !== undefined
              ? `${paymentTermsLabel(draft.paymentTermsDays)}${draft.paymentTermsDays > 0 ? ` · ${draft.paymentTermsDays} days after issue` : ''}`
              : draft.dueDate
                ? formatDueDate(draft.dueDate)
                : 'No due date'}
          </Text>
        </Section>
      </SimpleGrid>

      <LineItemsTable items={draft.items} currency={currency}>
        <TaxSummaryRows totals={draft} testIdPrefix="confirm" />
        <TotalRow label="Total" value={`${formatMoney(draft.total, currency)} ${currency}`} tone="strong" size="md" testId="confirm-total" />
      </LineItemsTable>

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
