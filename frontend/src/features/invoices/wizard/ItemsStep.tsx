import { ActionIcon, Button, Divider, Group, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { Totals, TotalRow } from '../../../components/LineItems';
import { formatMoney, lineAmount, minorUnits, sumAmounts } from '../../../lib/money';
import { newItem, type WizardForm } from './form';

/** Line items with live amounts, computed exactly in the browser (the server recomputes on save). */
export function ItemsStep({ form }: { form: WizardForm }) {
  const { items, currency } = form.values;
  const amounts = items.map((it) => lineAmount(it.quantity, it.unitPrice, currency));
  const total = sumAmounts(amounts, currency);
  const itemsError = form.errors.items;

  return (
    <Stack gap="md">
      <Table verticalSpacing="xs" horizontalSpacing="xs" withRowBorders={false}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Item name</Table.Th>
            <Table.Th w={96}>Quantity</Table.Th>
            <Table.Th w={156}>Unit price</Table.Th>
            <Table.Th w={112} ta="right">
              Amount
            </Table.Th>
            <Table.Th w={44} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item, i) => (
            <Table.Tr key={item.key} data-item-row={i} style={{ verticalAlign: 'top' }}>
              <Table.Td>
                <TextInput
                  aria-label={`Item ${i + 1} name`}
                  placeholder="e.g. Website design"
                  {...form.getInputProps(`items.${i}.name`)}
                />
              </Table.Td>
              <Table.Td>
                <TextInput
                  aria-label={`Item ${i + 1} quantity`}
                  inputMode="decimal"
                  placeholder="1"
                  {...form.getInputProps(`items.${i}.quantity`)}
                />
              </Table.Td>
              <Table.Td>
                <TextInput
                  aria-label={`Item ${i + 1} unit price`}
                  inputMode="decimal"
                  placeholder={(0).toFixed(minorUnits(currency))}
                  leftSection={<Text size="xs" c="dimmed">{currency}</Text>}
                  leftSectionWidth={currency.length > 3 ? 48 : 42}
                  {...form.getInputProps(`items.${i}.unitPrice`)}
                />
              </Table.Td>
              <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                <Text size="sm" fw={500} lh="36px" data-testid={`item-${i}-amount`}>
                  {amounts[i] === null ? '—' : formatMoney(amounts[i], currency)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Tooltip label="Remove item" disabled={items.length === 1}>
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    size={36}
                    aria-label={`Remove item ${i + 1}`}
                    disabled={items.length === 1}
                    onClick={() => form.removeListItem('items', i)}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Tooltip>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {itemsError && (
        <Text c="red" size="sm">
          {itemsError}
        </Text>
      )}
      <Group justify="space-between" align="flex-start">
        <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => form.insertListItem('items', newItem())}>
          Add item
        </Button>
        <Totals>
          <TotalRow label="Subtotal" value={formatMoney(total, currency)} tone="muted" />
          <Divider />
          <TotalRow label="Total" value={formatMoney(total, currency)} tone="strong" size="md" testId="items-total" />
        </Totals>
      </Group>
    </Stack>
  );
}
