import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from 'urql';
import { graphql } from '../../../gql';
import { showError } from '../../../lib/errors';

const CreateCustomerMutation = graphql(`
  mutation WizardCreateCustomer($input: CreateCustomerInput!) {
    createCustomer(input: $input) {
      id
      name
      email
      createdAt
    }
  }
`);

export interface NewCustomer {
  id: string;
  name: string;
  email: string;
}

/** "Add customer information": name + email, [Submit] creates the customer. */
export function AddCustomerModal({ opened, onClose, onCreated }: {
  opened: boolean;
  onClose: () => void;
  onCreated: (customer: NewCustomer) => void;
}) {
  const [{ fetching }, createCustomer] = useMutation(CreateCustomerMutation);
  const form = useForm({
    initialValues: { name: '', email: '' },
    validate: {
      name: (v) => (v.trim() ? null : 'Enter the customer name'),
      email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter a valid email address'),
    },
  });

  const close = () => {
    form.reset();
    onClose();
  };

  const submit = form.onSubmit(async (values) => {
    const res = await createCustomer(
      { input: { name: values.name.trim(), email: values.email.trim() } },
      { additionalTypenames: ['Customer'] },
    );
    if (showError(res.error, { form, title: "Couldn't add the customer" })) return;
    if (res.data) {
      form.reset();
      onCreated(res.data.createCustomer);
    }
  });

  return (
    <Modal opened={opened} onClose={close} title="Add customer information" centered returnFocus={false}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Customer name" placeholder="Acme Ltd" data-autofocus {...form.getInputProps('name')} />
          <TextInput
            label="Customer email"
            placeholder="billing@acme.com"
            description="Invoices are sent to this address."
            type="email"
            {...form.getInputProps('email')}
          />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={fetching}>
              Submit
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
