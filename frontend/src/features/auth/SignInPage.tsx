import { Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Link, useLocation, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { showError } from '../../lib/errors';
import { useResetClient } from '../../lib/urql';
import { AuthCard } from './AuthCard';

const SignInMutation = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
      viewer {
        merchant {
          id
          name
        }
      }
    }
  }
`);

export function SignInPage() {
  const navigate = useNavigate();
  const location = useLocation();
  const resetClient = useResetClient();
  const [{ fetching }, signIn] = useMutation(SignInMutation);
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: {
      email: (v) => (/^\S+@\S+$/.test(v) ? null : 'Enter your email address'),
      password: (v) => (v ? null : 'Enter your password'),
    },
  });

  const submit = form.onSubmit(async (values) => {
    const res = await signIn({ input: values });
    if (showError(res.error, { form, title: "Couldn't sign in", unauthenticatedField: 'password' })) return;
    resetClient();
    const from = (location.state as { from?: string } | null)?.from;
    navigate(from && from !== '/sign-in' ? from : '/invoices', { replace: true });
  });

  return (
    <AuthCard
      title="Sign in to your account"
      footer={
        <>
          New to Tally?{' '}
          <Anchor component={Link} to="/sign-up" size="sm">
            Create an account
          </Anchor>
        </>
      }
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Email" type="email" autoComplete="email" autoFocus {...form.getInputProps('email')} />
          <div>
            <PasswordInput label="Password" autoComplete="current-password" {...form.getInputProps('password')} />
            <Anchor
              component={Link}
              to="/forgot-password"
              state={{ email: form.values.email }}
              size="sm"
              mt={6}
              display="inline-block"
            >
              Forgot password?
            </Anchor>
          </div>
          <Button type="submit" loading={fetching} fullWidth mt="xs">
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
