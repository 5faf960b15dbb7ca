import { Button, Collapse, Group, Modal, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconChevronDown, IconChevronUp } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import type { CreateCustomerInput, UpdateCustomerInput } from '../gql/graphql';
import { showError } from '../lib/errors';
import { LanguageSelect } from './LanguageSelect';
import { addressInput, addressValues, PostalAddressFields, type AddressValues } from './PostalAddressFields';

graphql(`
  fragment EditableCustomer on Customer {
    id
    name
    email
    taxID
    language
    postalAddress {
      lines
      city
      postalCode
      region
      country
    }
  }
`);

const CreateCustomerMutation = graphql(`
  mutation CreateCustomer($input: CreateCustomerInput!) {
    createCustomer(input: $input) {
      ...EditableCustomer
      createdAt
    }
  }
`);

const UpdateCustomerMutation = graphql(`
  mutation UpdateCustomer($id: ID!, $input: UpdateCustomerInput!) {
    updateCustomer(id: $id, input: $input) {
      ...EditableCustomer
      updatedAt
    }
  }
`);

export interface EditableCustomer {
  id: string;
  name: string;
  email: string;
  taxID?: string | null;
  language?: string | null;
  postalAddress?: {
    lines: string[];
    city?: string | null;
    postalCode?: string | null;
    region?: string | null;
    country?: string | null;
  } | null;
}

interface CustomerValues {
  name: string;
  email: string;
  postalAddress: AddressValues;
  taxID: string;
  /** null: the merchant's language. */
  language: string | null;
}

function valuesOf(c: EditableCustomer | null): CustomerValues {
  return {
    name: c?.name ?? '',
    email: c?.email ?? '',
    postalAddress: addressValues(c?.postalAddress),
    taxID: c?.taxID ?? '',
    language: c?.language ?? null,
  };
}

/**
 * The customer form, the one place a customer's details are typed: adds a
 * customer (customer == null) or edits one. Name and email come first; the
 * address, tax ID and language (printed on their invoices) are one click
 * away when adding. Saving closes nothing by itself: `onSaved` decides what
 * follows.
 */
export function CustomerFormModal({
  opened,
  customer,
  onClose,
  onSaved,
  title = customer ? 'Edit customer' : 'Add customer',
  submitLabel = customer ? 'Save' : 'Add customer',
  returnFocus = true,
  labels = { name: 'Name', email: 'Email' },
}: {
  opened: boolean;
  customer: EditableCustomer | null;
  onClose: () => void;
  onSaved: (customer: EditableCustomer) => void;
  title?: string;
  submitLabel?: string;
  /** Give focus back to what opened the modal (off when that is a drop-down that would open again). */
  returnFocus?: boolean;
  /** The two inputs' labels; where the form is not about customers, "Customer name" says whose. */
  labels?: { name: string; email: string };
}) {
  const [{ fetching: creating }, create] = useMutation(CreateCustomerMutation);
  const [{ fetching: updating }, update] = useMutation(UpdateCustomerMutation);
  const [more, setMore] = useState(false);
  const form = useForm<CustomerValues>({
    initialValues: valuesOf(null),
    validate: {
      name: (v) => (v.trim() ? null : 'Enter the customer name'),
      email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter a valid email address'),
    },
  });

  // Start from the customer (or empty) each time it opens.
  useEffect(() => {
    if (opened) {
      const v = valuesOf(customer);
      form.setInitialValues(v);
      form.setValues(v);
      form.resetDirty(v);
      form.clearErrors();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- form is a new object every render; only opening resets it
  }, [opened, customer]);

  const submit = form.onSubmit(async (values) => {
    const address = addressInput(values.postalAddress);
    if (customer) {
      const input: UpdateCustomerInput = { name: values.name.trim(), email: values.email.trim() };
      if (form.isDirty('postalAddress')) input.postalAddress = address;
      if (form.isDirty('taxID')) input.taxID = values.taxID.trim() || null;
      if (form.isDirty('language')) input.language = values.language;
      const res = await update({ id: customer.id, input });
      if (showError(res.error, { form, title: "Couldn't save the customer" }) || !res.data) return;
      onSaved(res.data.updateCustomer);
    } else {
      const input: CreateCustomerInput = { name: values.name.trim(), email: values.email.trim() };
      if (address) input.postalAddress = address;
      if (values.taxID.trim()) input.taxID = values.taxID.trim();
      if (values.language) input.language = values.language;
      // A new customer changes every list of customers.
      const res = await create({ input }, { additionalTypenames: ['Customer'] });
      if (showError(res.error, { form, title: "Couldn't add the customer" }) || !res.data) return;
      onSaved(res.data.createCustomer);
    }
  });

  // A server error on a hidden field opens the details.
  const detailsError = Object.keys(form.errors).some((k) => k.startsWith('postalAddress') || k === 'taxID' || k === 'language');
  // Editing shows every field; adding keeps the details one click away.
  const showDetails = !!customer || more || detailsError;

  return (
    <Modal opened={opened} onClose={onClose} title={title} centered returnFocus={returnFocus} size={showDetails ? 'lg' : 'md'}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label={labels.name} placeholder="Acme Ltd" data-autofocus {...form.getInputProps('name')} />
          <TextInput
            label={labels.email}
            placeholder="billing@acme.com"
            description="Invoices are sent to this address."
            type="email"
            {...form.getInputProps('email')}
          />
          {!customer && (
            <Button
              variant="subtle"
              size="compact-sm"
              onClick={() => setMore((m) => !m)}
              rightSection={more ? <IconChevronUp size={14} /> : <IconChevronDown size={14} />}
              aria-expanded={showDetails}
              style={{ alignSelf: 'flex-start' }}
            >
              Address, tax ID and language
            </Button>
          )}
          <Collapse in={showDetails}>
            <Stack>
              <PostalAddressFields form={form} />
              <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
                <TextInput label="Tax ID" description="VAT or other tax number" {...form.getInputProps('taxID')} />
                <LanguageSelect
                  label="Language"
                  description="Their invoices and emails"
                  placeholder="Your invoice language"
                  clearable
                  comboboxProps={{ withinPortal: true }}
                  {...form.getInputProps('language')}
                />
              </SimpleGrid>
            </Stack>
          </Collapse>
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={creating || updating}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
