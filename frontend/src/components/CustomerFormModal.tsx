import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { showError } from '../lib/errors';

const CreateCustomerMutation = graphql(`
  mutation CreateCustomer($input: CreateCustomerInput!) {
    createCustomer(input: $input) {
      id
      name
      email
      createdAt
    }
  }
`);

const UpdateCustomerMutation = graphql(`
  mutation UpdateCustomer($id: ID!, $input: UpdateCustomerInput!) {
    updateCustomer(id: $id, input: $input) {
      id
      name
      email
      updatedAt
    }
  }
`);

export interface EditableCustomer {
  id: string;
  name: string;
  email: string;
}

/**
 * The customer form, the one place a customer's name and email are typed:
 * adds a customer (customer == null) or edits one. Saving closes nothing by
 * itself: `onSaved` decides what follows.
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
  const form = useForm({
    initialValues: { name: '', email: '' },
    validate: {
      name: (v) => (v.trim() ? null : 'Enter the customer name'),
      email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter a valid email address'),
    },
  });

  // Start from the customer (or empty) each time it opens.
  useEffect(() => {
    if (opened) {
      form.setValues({ name: customer?.name ?? '', email: customer?.email ?? '' });
      form.resetDirty();
      form.clearErrors();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- form is a new object every render; only opening resets it
  }, [opened, customer]);

  const submit = form.onSubmit(async (values) => {
    const input = { name: values.name.trim(), email: values.email.trim() };
    if (customer) {
      const res = await update({ id: customer.id, input });
      if (showError(res.error, { form, title: "Couldn't save the customer" }) || !res.data) return;
      onSaved(res.data.updateCustomer);
    } else {
      // A new customer changes every list of customers.
      const res = await create({ input }, { additionalTypenames: ['Customer'] });
      if (showError(res.error, { form, title: "Couldn't add the customer" }) || !res.data) return;
      onSaved(res.data.createCustomer);
    }
  });

  return (
    <Modal opened={opened} onClose={onClose} title={title} centered returnFocus={returnFocus}>
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
