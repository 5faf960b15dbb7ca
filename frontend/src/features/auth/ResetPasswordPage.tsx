import { Alert, Anchor, Button, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { errorCode, errorField, inlineMessage, showError } from '../../lib/errors';
import { useResetClient } from '../../lib/urql';
import { AuthCard } from './AuthCard';

const ResetPasswordMutation = graphql(`
  mutation ResetPassword($input: ResetPasswordInput!) {
    resetPassword(input: $input) {
      viewer {
        merchant {
          id
          name
        }
      }
    }
  }
`);

/**
 * The page a reset email links to (/reset-password?token=...): choose a new
 * password, then go straight to the dashboard, signed in. Every other
 * session of the account ends.
 */
export function ResetPasswordPage() {
  const navigate = useNavigate();
  const resetClient = useResetClient();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [{ fetching }, reset] = useMutation(ResetPasswordMutation);
  const [linkProblem, setLinkProblem] = useState<string | null>(token ? null : 'This page needs the link from your reset email.');
  const form = useForm({
    initialValues: { password: '', confirm: '' },
    validate: {
      password: (v) => (v.length >= 10 ? null : 'Use at least 10 characters'),
      confirm: (v, values) => (v === values.password ? null : 'The two passwords are not the same'),
    },
  });

  const submit = form.onSubmit(async ({ password }) => {
    const res = await reset({ input: { token, password } });
    const tokenError = res.error?.graphQLErrors.find((e) => errorCode(e) === 'VALIDATION' && errorField(e) === 'token');
    if (tokenError) {
      setLinkProblem(inlineMessage(tokenError.message, 'token'));
      return;
    }
    if (showError(res.error, { form, title: "Couldn't reset your password" })) return;
    resetClient();
    navigate('/invoices', { replace: true });
  });

  return (
    <AuthCard
      title="Choose a new password"
      subtitle={linkProblem ? undefined : 'You will be signed in, and signed out everywhere else.'}
      footer={
        <Anchor component={Link} to="/sign-in" size="sm">
          Back to sign in
        </Anchor>
      }
    >
      {linkProblem ? (
        <Stack>
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="reset-link-problem">
            <Text size="sm">{linkProblem}</Text>
          </Alert>
          <Button component={Link} to="/forgot-password" fullWidth>
            Ask for a new link
          </Button>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <PasswordInput
              label="New password"
              description="At least 10 characters."
              autoComplete="new-password"
              autoFocus
              {...form.getInputProps('password')}
            />
            <PasswordInput label="New password again" autoComplete="new-password" {...form.getInputProps('confirm')} />
            <Button type="submit" loading={fetching} fullWidth mt="xs">
              Set password and sign in
            </Button>
          </Stack>
        </form>
      )}
    </AuthCard>
  );
}
