import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useEffect } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { showError } from '../../lib/errors';

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

/** Add a customer (customer == null) or edit one. */
export function CustomerFormModal({ opened, customer, onClose }: {
  opened: boolean;
  customer: EditableCustomer | null;
  onClose: () => void;
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

  useEffect(() => {
    if (opened) {
      form.setValues({ name: customer?.name ?? '', email: customer?.email ?? '' });
      form.resetDirty();
      form.clearErrors();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, customer]);

  const submit = form.onSubmit(async (values) => {
    const input = { name: values.name.trim(), email: values.email.trim() };
    if (customer) {
      const res = await update({ id: customer.id, input });
      if (showError(res.error, { form, title: "Couldn't save the customer" })) return;
      notifications.show({ color: 'green', message: `${input.name} was updated.` });
    } else {
      const res = await create({ input }, { additionalTypenames: ['Customer'] });
      if (showError(res.error, { form, title: "Couldn't add the customer" })) return;
      notifications.show({ color: 'green', message: `${input.name} was added.` });
    }
    onClose();
  });

  return (
    <Modal opened={opened} onClose={onClose} title={customer ? 'Edit customer' : 'Add customer'} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Name" placeholder="Acme Ltd" data-autofocus {...form.getInputProps('name')} />
          <TextInput
            label="Email"
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
              {customer ? 'Save' : 'Add customer'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
