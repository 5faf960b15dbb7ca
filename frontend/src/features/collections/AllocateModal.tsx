import { Button, Group, Modal, Paper, Select, SimpleGrid, Stack, Text, TextInput, type ComboboxItem } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { IconCheck, IconSearch } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import type { CollectionItemFragment, OpenInvoicesQuery } from '../../gql/graphql';
import { showError } from '../../lib/errors';
import { formatDate, formatDueDate } from '../../lib/format';
import { amountError, compareAmounts, formatMoney, minorUnits, parseDecimal, subtractAmounts } from '../../lib/money';
import { announceAllocation } from './announce';
import { AllocateCollectionMutation } from './collection';

const OpenInvoicesQuery = graphql(`
  query OpenInvoices($search: String) {
    invoices(
      first: 20
      where: { search: $search, statusIn: [OPEN, PARTIALLY_PAID] }
      orderBy: { field: CREATED_AT, direction: DESC }
    ) {
      edges {
        node {
          id
          number
          currency
          amountDue
          dueDate
          customer {
            id
            name
          }
        }
      }
    }
  }
`);

type OpenInvoice = NonNullable<NonNullable<NonNullable<OpenInvoicesQuery['invoices']['edges']>[number]>['node']>;

const invoicesContext = { additionalTypenames: ['Invoice'] };

interface AllocateValues {
  invoiceID: string | null;
  amount: string;
}

function optionLabel(i: OpenInvoice): string {
  return `${i.number} · ${i.customer.name}`;
}

/** What the amount does, under the field: to the invoice and to the money left. */
function effect(amount: string, invoice: OpenInvoice | undefined, unallocated: string, currency: string): string {
  const left = `${formatMoney(unallocated, currency)} of this payment is left to allocate.`;
  const value = parseDecimal(amount);
  if (!invoice || !value || amountError(amount, currency)) return left;
  const number = invoice.number ?? 'the invoice';
  const due = compareAmounts(amount, invoice.amountDue);
  const onInvoice =
    due >= 0 ? `Pays ${number} in full` : `${formatMoney(subtractAmounts(invoice.amountDue, amount, currency), currency)} stays due on ${number}`;
  const rest = subtractAmounts(unallocated, amount, currency);
  return compareAmounts(rest, '0') > 0 ? `${onInvoice}; ${formatMoney(rest, currency)} stays to allocate.` : `${onInvoice}.`;
}

/**
 * "Allocate…": gives what is left of a payment to any open invoice in its
 * currency, found by number, reference or customer.
 */
export function AllocateModal({ collection, onClose }: {
  /** The payment to allocate; the modal is open while there is one. */
  collection: CollectionItemFragment | null;
  onClose: () => void;
}) {
  // Keep showing the payment while the modal closes.
  const [shown, setShown] = useState(collection);
  if (collection && collection !== shown) setShown(collection);
  const currency = shown?.currency ?? 'USD';
  const unallocated = shown?.unallocated ?? '0';

  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<OpenInvoice | undefined>();
  // Choosing an invoice puts its label in the box: that is not a search.
  const typed = picked && search === optionLabel(picked) ? '' : search.trim();
  const [debounced] = useDebouncedValue(typed, 250);
  const [{ data, fetching: searching }] = useQuery({
    query: OpenInvoicesQuery,
    variables: { search: debounced || null },
    context: invoicesContext,
    pause: !collection,
  });
  const [{ fetching }, allocate] = useMutation(AllocateCollectionMutation);

  const invoices = useMemo(() => {
    const list = (data?.invoices.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
    if (picked && !list.some((i) => i.id === picked.id)) list.unshift(picked);
    return list;
  }, [data, picked]);
  const byID = useMemo(() => new Map(invoices.map((i) => [i.id, i])), [invoices]);

  const form = useForm<AllocateValues>({
    initialValues: { invoiceID: null, amount: '' },
    validate: {
      invoiceID: (v) => (v ? null : 'Choose the invoice this money pays'),
      amount: (v, values) => {
        const err = amountError(v, currency);
        if (err) return err;
        if (compareAmounts(v.trim(), unallocated) > 0) return `Only ${formatMoney(unallocated, currency)} of this payment is left`;
        const inv = values.invoiceID ? byID.get(values.invoiceID) : undefined;
        if (inv && compareAmounts(v.trim(), inv.amountDue) > 0) {
          return `Only ${formatMoney(inv.amountDue, currency)} is due on ${inv.number}`;
        }
        return null;
      },
    },
  });

  // A fresh form each time it opens.
  useEffect(() => {
    if (!collection) return;
    form.setValues({ invoiceID: null, amount: collection.unallocated });
    form.clearErrors();
    // eslint-disable-next-line react-hooks/set-state-in-effect -- starts afresh when the modal opens for a payment; a key would remount the Modal and cut its closing transition
    setSearch('');
    setPicked(undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- resets for another payment, not whenever the (new each render) form object changes
  }, [collection?.id]);

  const options: ComboboxItem[] = invoices.map((i) => ({
    value: i.id,
    label: optionLabel(i),
    disabled: i.currency !== currency,
  }));

  const choose = (id: string | null) => {
    const inv = id ? byID.get(id) : undefined;
    setPicked(inv);
    form.setFieldValue('invoiceID', id);
    if (inv) {
      form.setFieldValue('amount', compareAmounts(unallocated, inv.amountDue) <= 0 ? unallocated : inv.amountDue);
      form.clearFieldError('amount');
    }
  };

  const submit = form.onSubmit(async (values) => {
    if (!shown || !values.invoiceID) return;
    const res = await allocate({ id: shown.id, allocations: [{ invoiceID: values.invoiceID, amount: values.amount.trim() }] });
    const fields = { 'allocations[0].amount': 'amount', 'allocations[0].invoiceID': 'invoiceID' };
    if (showError(res.error, { form, fields, title: "Couldn't allocate the payment" }) || !res.data) return;
    announceAllocation(res.data.allocateCollection);
    onClose();
  });

  const chosen = form.values.invoiceID ? byID.get(form.values.invoiceID) : undefined;

  return (
    <Modal
      opened={!!collection}
      onClose={onClose}
      title={shown ? `Allocate ${formatMoney(shown.amount, currency)} received ${formatDate(shown.receivedAt)}` : 'Allocate'}
      centered
      size="lg"
    >
      <form onSubmit={submit} noValidate aria-label="Allocate a payment">
        <Stack gap="md">
          {shown && (
            <Paper withBorder p="sm" bg="gray.0">
              <SimpleGrid cols={2} spacing="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>
                <div>
                  <Text size="xs" c="dimmed" fw={500} tt="uppercase">
                    Received
                  </Text>
                  <Text size="sm">{formatMoney(shown.amount, currency)}</Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed" fw={500} tt="uppercase">
                    Left to allocate
                  </Text>
                  <Text size="sm" fw={600}>
                    {formatMoney(unallocated, currency)}
                  </Text>
                </div>
              </SimpleGrid>
              {shown.text && (
                <Text size="xs" c="dimmed" mt="xs" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
                  {shown.text}
                </Text>
              )}
            </Paper>
          )}

          <Select
            label="Invoice"
            withAsterisk
            placeholder="Search number, reference or customer"
            leftSection={<IconSearch size={16} />}
            searchable
            data={options}
            value={form.values.invoiceID}
            searchValue={search}
            onSearchChange={setSearch}
            onChange={choose}
            // The server searched already; number, reference and email are not all in the label.
            filter={({ options: opts }) => opts}
            nothingFoundMessage={searching ? 'Searching…' : `No open ${currency} invoice matches`}
            renderOption={({ option }) => {
              const inv = byID.get(option.value);
              if (!inv) return option.label;
              return (
                <Group justify="space-between" wrap="nowrap" w="100%" gap="md">
                  <div>
                    <Text size="sm" fw={500}>
                      {inv.number}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {inv.customer.name} · due {formatDueDate(inv.dueDate)}
                    </Text>
                  </div>
                  <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                    {inv.currency !== currency ? `In ${inv.currency}` : `${formatMoney(inv.amountDue, inv.currency)} due`}
                  </Text>
                </Group>
              );
            }}
            maxDropdownHeight={300}
            error={form.errors.invoiceID}
            data-autofocus
          />

          <TextInput
            label="Amount"
            withAsterisk
            inputMode="decimal"
            placeholder={(0).toFixed(minorUnits(currency))}
            leftSection={
              <Text size="xs" c="dimmed">
                {currency}
              </Text>
            }
            leftSectionWidth={currency.length > 3 ? 48 : 42}
            description={effect(form.values.amount, chosen, unallocated, currency)}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            {...form.getInputProps('amount')}
          />

          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={fetching} leftSection={<IconCheck size={16} />}>
              Allocate
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
