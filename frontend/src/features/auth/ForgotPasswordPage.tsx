import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconMailCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { showError } from '../../lib/errors';
import { AuthCard } from './AuthCard';

const RequestPasswordResetMutation = graphql(`
  mutation RequestPasswordReset($email: String!) {
    requestPasswordReset(email: $email)
  }
`);

/**
 * "Forgot password?": asks for the sign-in address and mails it a reset
 * link. The answer is the same whether or not the address has an account.
 */
export function ForgotPasswordPage() {
  const location = useLocation();
  const [{ fetching }, request] = useMutation(RequestPasswordResetMutation);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useForm({
    initialValues: { email: (location.state as { email?: string } | null)?.email ?? '' },
    validate: { email: (v) => (/^\S+@\S+$/.test(v.trim()) ? null : 'Enter your email address') },
  });

  const submit = form.onSubmit(async ({ email }) => {
    const res = await request({ email: email.trim() });
    if (showError(res.error, { form, title: "Couldn't send the link" })) return;
    setSentTo(email.trim());
  });

  return (
    <AuthCard
      title="Reset your password"
      subtitle={sentTo ? undefined : "Enter the address you sign in with and we'll email you a link to choose a new password."}
      footer={
        <>
          Remembered it?{' '}
          <Anchor component={Link} to="/sign-in" size="sm">
            Back to sign in
          </Anchor>
        </>
      }
    >
      {sentTo ? (
        <Stack>
          <Alert color="teal" variant="light" icon={<IconMailCheck size={18} />} data-testid="reset-requested">
            <Text size="sm">
              If an account exists for <b>{sentTo}</b>, we sent a link to it. The link works once, for an hour.
            </Text>
          </Alert>
          <Text size="sm" c="dimmed">
            No email after a few minutes? Check your spam folder, or{' '}
            <Anchor component="button" type="button" size="sm" onClick={() => setSentTo(null)}>
              try another address
            </Anchor>
            .
          </Text>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput label="Email" type="email" autoComplete="email" autoFocus {...form.getInputProps('email')} />
            <Button type="submit" loading={fetching} fullWidth mt="xs">
              Email me a link
            </Button>
          </Stack>
        </form>
      )}
    </AuthCard>
  );
}
