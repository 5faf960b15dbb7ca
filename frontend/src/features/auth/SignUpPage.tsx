import { Anchor, Button, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import { showError } from '../../lib/errors';
import { useResetClient } from '../../lib/urql';
import { AuthCard } from './AuthCard';

const CurrenciesQuery = graphql(`
  query SignUpCurrencies {
    currencies
  }
`);

const SignUpMutation = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      viewer {
        merchant {
          id
          name
        }
      }
    }
  }
`);

export function SignUpPage() {
  const navigate = useNavigate();
  const resetClient = useResetClient();
  const [{ data }] = useQuery({ query: CurrenciesQuery });
  const [{ fetching }, signUp] = useMutation(SignUpMutation);
  const form = useForm({
    initialValues: { merchantName: '', email: '', password: '', defaultCurrency: 'USD' },
    validate: {
      merchantName: (v) => (v.trim() ? null : 'Enter your business name'),
      email: (v) => (/^\S+@\S+$/.test(v) ? null : 'Enter a valid email address'),
      password: (v) => (v.length >= 10 ? null : 'Use at least 10 characters'),
      defaultCurrency: (v) => (v ? null : 'Choose a currency'),
    },
  });

  const submit = form.onSubmit(async (values) => {
    const res = await signUp({ input: { ...values, merchantName: values.merchantName.trim() } });
    if (showError(res.error, { form, title: "Couldn't create your account" })) return;
    resetClient();
    navigate('/invoices', { replace: true });
  });

  return (
    <AuthCard
      title="Create your Tally account"
      subtitle="Send invoices and get paid by card or stablecoins."
      footer={
        <>
          Already have an account?{' '}
          <Anchor component={Link} to="/sign-in" size="sm">
            Sign in
          </Anchor>
        </>
      }
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Business name"
            description="Printed on your invoices."
            autoFocus
            {...form.getInputProps('merchantName')}
          />
          <TextInput label="Email" type="email" autoComplete="email" {...form.getInputProps('email')} />
          <PasswordInput
            label="Password"
            description="At least 10 characters."
            autoComplete="new-password"
            {...form.getInputProps('password')}
          />
          <Select
            label="Default currency"
            description="New invoices start in this currency."
            data={data?.currencies ?? ['USD', 'EUR', 'GBP']}
            searchable
            allowDeselect={false}
            {...form.getInputProps('defaultCurrency')}
          />
          <Button type="submit" loading={fetching} fullWidth mt="xs">
            Create account
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
