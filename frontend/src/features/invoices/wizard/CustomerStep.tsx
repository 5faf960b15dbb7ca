import { Alert, Button, Group, Select, SimpleGrid, Stack, Text, TextInput, type ComboboxItem } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { IconPlus, IconUserPlus } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../../gql';
import { CustomerFormModal, type EditableCustomer } from '../../../components/CustomerFormModal';
import { paymentTermPresets, paymentTermsLabel } from '../../../lib/paymentTerms';
import { today } from '../../../lib/format';
import type { WizardForm } from './form';

const WizardCustomersQuery = graphql(`
  query WizardCustomers($search: String) {
    customers(first: 50, where: { search: $search }, orderBy: { field: NAME, direction: ASC }) {
      totalCount
      edges {
        node {
          id
          name
          email
        }
      }
    }
  }
`);

const ADD_CUSTOMER = '__add_customer__';
const customersContext = { additionalTypenames: ['Customer'] };

export function CustomerStep({ form, customer, onCustomer, currencies, merchantTerms }: {
  form: WizardForm;
  /** The selected customer, kept by the wizard so it shows even when not in the search results. */
  customer: EditableCustomer | null;
  onCustomer: (c: EditableCustomer) => void;
  currencies: string[];
  /** The merchant's default payment terms in days, offered even when no preset. */
  merchantTerms: number | null;
}) {
  const termOptions = paymentTermPresets.map((p) => ({ value: `${p.days}`, label: p.label }));
  const chosen = form.values.dueChoice;
  for (const days of [merchantTerms, /^\d+$/.test(chosen) ? Number(chosen) : null]) {
    if (days !== null && !termOptions.some((o) => o.value === `${days}`)) {
      termOptions.push({ value: `${days}`, label: paymentTermsLabel(days) });
    }
  }
  const dueOptions = [
    ...termOptions.map((o) => (Number(o.value) === merchantTerms ? { ...o, label: `${o.label} (your default)` } : o)),
    { value: 'custom', label: 'Custom date' },
    { value: 'none', label: 'No due date' },
  ];
  const [modalOpen, modal] = useDisclosure(false);
  const [search, setSearch] = useState(customer?.name ?? '');
  // A customer given from outside (a preset, a loaded draft) shows its name.
  const [shownCustomer, setShownCustomer] = useState(customer?.id);
  if (customer?.id !== shownCustomer) {
    setShownCustomer(customer?.id);
    setSearch(customer?.name ?? '');
  }
  const typed = search !== (customer?.name ?? '') ? search.trim() : '';
  const [debounced] = useDebouncedValue(typed, 250);
  const [{ data, fetching }] = useQuery({
    query: WizardCustomersQuery,
    variables: { search: debounced || null },
    context: customersContext,
  });

  const customers = useMemo(() => {
    const list = (data?.customers.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
    if (customer && !list.some((c) => c.id === customer.id)) list.unshift(customer);
    return list;
  }, [data, customer]);
  const byID = useMemo(() => new Map(customers.map((c) => [c.id, c])), [customers]);

  const options: ComboboxItem[] = [
    ...customers.map((c) => ({ value: c.id, label: c.name })),
    { value: ADD_CUSTOMER, label: 'Add customer information' },
  ];
  const noCustomers = !fetching && data && data.customers.totalCount === 0 && !debounced && !customer;

  const select = (c: EditableCustomer) => {
    onCustomer(c);
    form.setFieldValue('customerID', c.id);
    setSearch(c.name);
  };

  return (
    <Stack gap="lg">
      {noCustomers && (
        <Alert color="indigo" variant="light" icon={<IconUserPlus size={18} />} title="Add your first customer">
          <Text size="sm" mb="sm">
            Invoices are billed to a customer. Enter their name and email to get started.
          </Text>
          <Button size="xs" onClick={modal.open} leftSection={<IconPlus size={14} />}>
            Add customer information
          </Button>
        </Alert>
      )}
      <Select
        label="Customer"
        placeholder="Search or select a customer"
        searchable
        data={options}
        value={form.values.customerID}
        searchValue={search}
        onSearchChange={setSearch}
        onChange={(value) => {
          if (value === ADD_CUSTOMER) {
            setSearch(customer?.name ?? '');
            modal.open();
            return;
          }
          const c = value ? byID.get(value) : undefined;
          if (c) select(c);
        }}
        filter={({ options: opts, search: s }) => {
          const q = s.trim().toLowerCase();
          return (opts as ComboboxItem[]).filter((o) => {
            if (o.value === ADD_CUSTOMER || !q || q === (customer?.name ?? '').toLowerCase()) return true;
            const c = byID.get(o.value);
            return !!c && (c.name.toLowerCase().includes(q) || c.email.toLowerCase().includes(q));
          });
        }}
        renderOption={({ option }) => {
          if (option.value === ADD_CUSTOMER) {
            return (
              <Group gap={8} c="indigo.7">
                <IconPlus size={16} />
                <Text size="sm" fw={500}>
                  Add customer information
                </Text>
              </Group>
            );
          }
          const c = byID.get(option.value);
          return (
            <div>
              <Text size="sm">{option.label}</Text>
              <Text size="xs" c="dimmed">
                {c?.email}
              </Text>
            </div>
          );
        }}
        maxDropdownHeight={320}
        allowDeselect={false}
        error={form.errors.customerID}
        withAsterisk
      />
      {customer && (
        <Text size="sm" c="dimmed" mt={-8}>
          Invoice will be sent to {customer.email}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select
          label="Currency"
          data={currencies}
          searchable
          allowDeselect={false}
          withAsterisk
          {...form.getInputProps('currency')}
        />
        <Select
          label="Payment terms"
          description={/^\d+$/.test(chosen) && chosen !== '0' ? `Due ${chosen} days after the invoice is issued` : undefined}
          data={dueOptions}
          allowDeselect={false}
          {...form.getInputProps('dueChoice')}
          error={form.errors.dueChoice ?? form.errors.paymentTermsDays}
        />
      </SimpleGrid>
      {chosen === 'custom' && (
        // The browser's own date field: typed from the keyboard (or its
        // arrow keys) as well as picked, and read out by screen readers.
        <TextInput
          type="date"
          label="Due date"
          min={today()}
          maw={{ base: '100%', sm: 'calc(50% - var(--mantine-spacing-md) / 2)' }}
          withAsterisk
          {...form.getInputProps('dueDate')}
          value={form.values.dueDate ?? ''}
          onChange={(e) => form.setFieldValue('dueDate', e.currentTarget.value || null)}
        />
      )}
      <CustomerFormModal
        opened={modalOpen}
        customer={null}
        title="Add customer information"
        submitLabel="Submit"
        labels={{ name: 'Customer name', email: 'Customer email' }}
        returnFocus={false}
        onClose={modal.close}
        onSaved={(c) => {
          modal.close();
          select(c);
        }}
      />
    </Stack>
  );
}
