import {
  ActionIcon,
  Box,
  Button,
  CloseButton,
  Divider,
  Grid,
  Group,
  Loader,
  MultiSelect,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconReceiptTax, IconTrash } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import type { CombinedError } from 'urql';
import { Totals, TotalRow, TaxSummaryRows } from '../../../components/LineItems';
import { taxRateLabel, TaxRateFormModal, useTaxRates, type TaxRate } from '../../../components/TaxRates';
import type { WizardInvoiceFragment } from '../../../gql/graphql';
import { errorCode, errorField, inlineMessage, toFormPath } from '../../../lib/errors';
import { discountedLineAmount, formatMoney, minorUnits } from '../../../lib/money';
import { newItem, type WizardForm } from './form';
import { discountOf, inputKey, itemsInput, rowsOf } from './items';
import { useAutosaveItems } from './useSaveStep';

const NEW_RATE = '__new_tax_rate__';

/** Server fields of the discount that the form shows in one input. */
const discountFields: Record<string, string> = { 'discount.percent': 'discount.value', 'discount.amount': 'discount.value' };

/** The form path a server field is shown under. */
export function formPathOf(field: string): string {
  return discountFields[field] ?? toFormPath(field);
}

/**
 * Line items with tax rates and discounts. Amounts per line are previewed in
 * the browser; the totals and taxes are the server's: valid input is saved
 * as it is typed (debounced) and the priced draft comes back.
 */
export function ItemsStep({ form, draft, onPriced }: {
  form: WizardForm;
  draft: WizardInvoiceFragment;
  /** A save while typing came back: the wizard takes it as the draft. */
  onPriced: (invoice: WizardInvoiceFragment) => void;
}) {
  const { items, currency, discount } = form.values;
  const { rates, defaultID } = useTaxRates();
  // Rates made here, shown before the list of rates reloads.
  const [added, setAdded] = useState<TaxRate[]>([]);
  const [newRateFor, setNewRateFor] = useState<number | null>(null);
  const autosave = useAutosaveItems();

  // What the draft was last priced with, to tell current figures from stale ones.
  const [pricedKey, setPricedKey] = useState<string | null>(() => {
    const saved = itemsInput({ items: rowsOf(draft, []), discount: discountOf(draft), currency: draft.currency });
    return saved ? inputKey(saved) : null;
  });
  const input = itemsInput(form.values);
  const key = input ? inputKey(input) : null;
  const [debouncedKey] = useDebouncedValue(key, 300);
  const seq = useRef(0);
  const [saving, setSaving] = useState(false);

  /** A save while typing shows only the errors that belong under an input. */
  const showFieldErrors = (error: CombinedError | undefined) => {
    for (const e of error?.graphQLErrors ?? []) {
      const field = errorField(e);
      if (errorCode(e) === 'VALIDATION' && field) form.setFieldError(formPathOf(field), inlineMessage(e.message, field));
    }
  };

  useEffect(() => {
    if (!debouncedKey || debouncedKey === pricedKey) return;
    const sent = JSON.parse(debouncedKey) as NonNullable<typeof input>;
    const mine = ++seq.current;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- shows that a save is on its way
    setSaving(true);
    void autosave(draft.id, sent).then(({ invoice, error }) => {
      if (mine !== seq.current) return; // a later save supersedes this one
      setSaving(false);
      if (invoice) {
        setPricedKey(debouncedKey);
        onPriced(invoice);
      } else {
        showFieldErrors(error);
      }
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- saves when the debounced input changes; the callbacks are new every render
  }, [debouncedKey]);

  // A new invoice's first line carries the merchant's default rate.
  useEffect(() => {
    if (!defaultID || draft.items.length > 0) return;
    const rows = form.getValues().items;
    if (rows.every((r) => !r.name && r.taxRateIDs.length === 0)) {
      rows.forEach((_, i) => form.setFieldValue(`items.${i}.taxRateIDs`, [defaultID]));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once the default is known; form is a new object every render
  }, [defaultID]);

  const known = new Map<string, { name: string; percentage: string; inclusive: boolean }>();
  for (const r of [...rates, ...added]) known.set(r.id, r);
  // Rates already on the draft's lines (one may have been archived since).
  for (const it of draft.items) for (const r of it.taxRates) if (!known.has(r.id)) known.set(r.id, r);
  const rateOptions = [...known].map(([id, r]) => ({ value: id, label: taxRateLabel(r) }));
  rateOptions.push({ value: NEW_RATE, label: '+ New tax rate' });

  const current = key !== null && key === pricedKey;
  const totalsNote = saving || (key !== null && !current)
    ? 'Updating totals…'
    : key === null
      ? 'Totals update when every line has a name, quantity and price.'
      : null;

  return (
    <Stack gap="md">
      {items.map((item, i) => {
        const amount = discountedLineAmount(item.quantity, item.unitPrice, item.discountPercent, currency);
        const saved = current ? draft.items[i]?.amount : undefined;
        return (
          <Paper key={item.key} withBorder p="sm" data-item-row={i}>
            <Grid gutter="xs" align="flex-start">
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput
                  label="Item"
                  aria-label={`Item ${i + 1} name`}
                  placeholder="e.g. Website design"
                  {...form.getInputProps(`items.${i}.name`)}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 4, sm: 2 }}>
                <TextInput
                  label="Quantity"
                  aria-label={`Item ${i + 1} quantity`}
                  inputMode="decimal"
                  placeholder="1"
                  {...form.getInputProps(`items.${i}.quantity`)}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 8, sm: 4 }}>
                <TextInput
                  label="Unit price"
                  aria-label={`Item ${i + 1} unit price`}
                  inputMode="decimal"
                  placeholder={(0).toFixed(minorUnits(currency))}
                  leftSection={<Text size="xs" c="dimmed">{currency}</Text>}
                  leftSectionWidth={currency.length > 3 ? 48 : 42}
                  {...form.getInputProps(`items.${i}.unitPrice`)}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <MultiSelect
                  label="Taxes"
                  aria-label={`Item ${i + 1} taxes`}
                  placeholder={item.taxRateIDs.length ? undefined : 'No tax'}
                  data={rateOptions}
                  value={item.taxRateIDs}
                  onChange={(ids) => {
                    if (ids.includes(NEW_RATE)) {
                      setNewRateFor(i);
                      return;
                    }
                    form.setFieldValue(`items.${i}.taxRateIDs`, ids);
                  }}
                  error={form.errors[`items.${i}.taxRateIDs`]}
                  clearable
                  comboboxProps={{ withinPortal: true }}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 5, sm: 2 }}>
                <TextInput
                  label="Discount"
                  aria-label={`Item ${i + 1} discount percent`}
                  inputMode="decimal"
                  placeholder="0"
                  rightSection={<Text size="xs" c="dimmed">%</Text>}
                  {...form.getInputProps(`items.${i}.discountPercent`)}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 5, sm: 3 }}>
                <Text size="sm" fw={500} c="dimmed" ta="right" lh="24px" aria-hidden>
                  Amount
                </Text>
                <Text
                  size="sm"
                  fw={500}
                  ta="right"
                  lh="36px"
                  style={{ fontVariantNumeric: 'tabular-nums' }}
                  data-testid={`item-${i}-amount`}
                  aria-label={`Item ${i + 1} amount`}
                >
                  {formatMoney(saved ?? amount, currency)}
                </Text>
              </Grid.Col>
              <Grid.Col span={{ base: 2, sm: 1 }} pt={30}>
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
              </Grid.Col>
            </Grid>
          </Paper>
        );
      })}
      {form.errors.items && (
        <Text c="red" size="sm">
          {form.errors.items}
        </Text>
      )}
      <Group gap="sm">
        <Button
          variant="light"
          leftSection={<IconPlus size={16} />}
          onClick={() => form.insertListItem('items', newItem({ taxRateIDs: defaultID ? [defaultID] : [] }))}
        >
          Add item
        </Button>
        {discount.mode === 'none' && (
          <Button variant="subtle" onClick={() => form.setFieldValue('discount', { mode: 'percent', value: '', reason: '' })}>
            Add discount
          </Button>
        )}
        <Button variant="subtle" leftSection={<IconReceiptTax size={16} />} onClick={() => setNewRateFor(-1)}>
          New tax rate
        </Button>
      </Group>

      {discount.mode !== 'none' && (
        <Paper withBorder p="sm" component="fieldset" style={{ margin: 0 }} aria-label="Discount on the invoice">
          <Group justify="space-between" mb="xs">
            <Text size="sm" fw={500} component="legend" p={0}>
              Discount on the invoice
            </Text>
            <CloseButton
              aria-label="Remove the discount"
              onClick={() => form.setFieldValue('discount', { mode: 'none', value: '', reason: '' })}
            />
          </Group>
          <Grid gutter="xs" align="flex-start">
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <SegmentedControl
                fullWidth
                mt={24}
                aria-label="Discount type"
                data={[
                  { value: 'percent', label: 'Percent' },
                  { value: 'amount', label: 'Amount' },
                ]}
                value={discount.mode}
                onChange={(v) => form.setFieldValue('discount.mode', v as 'percent' | 'amount')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 5, sm: 3 }}>
              <TextInput
                label={discount.mode === 'percent' ? 'Percent off' : 'Amount off'}
                inputMode="decimal"
                rightSection={<Text size="xs" c="dimmed">{discount.mode === 'percent' ? '%' : currency}</Text>}
                rightSectionWidth={discount.mode === 'percent' ? 28 : 48}
                {...form.getInputProps('discount.value')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 7, sm: 5 }}>
              <TextInput label="Reason" placeholder="e.g. Loyalty discount" {...form.getInputProps('discount.reason')} />
            </Grid.Col>
          </Grid>
        </Paper>
      )}

      <Group justify="flex-end">
        <Box
          component="section"
          aria-label="Totals"
          aria-busy={!current}
          w="100%"
          maw={300}
          style={{ opacity: current ? 1 : 0.6, transition: 'opacity 120ms' }}
        >
          <Totals>
            <TaxSummaryRows totals={draft} testIdPrefix="items" />
            <Divider />
            <TotalRow label="Total" value={formatMoney(draft.total, currency)} tone="strong" size="md" testId="items-total" />
          </Totals>
          {totalsNote && (
            <Group gap={6} mt={6} justify="flex-end" aria-live="polite">
              {saving && <Loader size={12} />}
              <Text size="xs" c="dimmed">
                {totalsNote}
              </Text>
            </Group>
          )}
        </Box>
      </Group>

      <TaxRateFormModal
        opened={newRateFor !== null}
        rate={null}
        onClose={() => setNewRateFor(null)}
        onSaved={(rate) => {
          setAdded((a) => [...a, rate]);
          if (newRateFor !== null && newRateFor >= 0) {
            const ids = form.getValues().items[newRateFor]?.taxRateIDs ?? [];
            form.setFieldValue(`items.${newRateFor}.taxRateIDs`, [...ids, rate.id]);
          }
          setNewRateFor(null);
        }}
      />
    </Stack>
  );
}
