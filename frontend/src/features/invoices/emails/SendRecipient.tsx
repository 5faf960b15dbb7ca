import { Alert, Group, Paper, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react';
import { EmailBouncingBadge } from '../../../components/EmailBouncingBadge';

/** The warning shown before sending to a bouncing address. */
export function BouncingAlert({ email }: { email: string }) {
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="This address is bouncing">
      An earlier email to <b>{email}</b> was refused by the recipient's mail server, so this one will probably not
      arrive either. Check the address with your customer, and correct it on the Customers page.
    </Alert>
  );
}

/**
 * Who a send goes to, for its confirmation: the address (marked when it is
 * bouncing, with a warning), and in dev-mailbox mode where the email goes
 * instead. Takes no hooks: it is also rendered in modals.openConfirmModal.
 */
export function SendRecipient({ email, bouncing, devMailbox }: { email: string; bouncing: boolean; devMailbox: boolean }) {
  return (
    <Stack gap="md">
      <Paper withBorder p="sm" bg="gray.0">
        <Text size="xs" c="dimmed" fw={500} tt="uppercase" mb={2}>
          Recipient
        </Text>
        <Group gap="xs">
          <Text size="sm" fw={500} data-testid="send-recipient">
            {email}
          </Text>
          {bouncing && <EmailBouncingBadge email={email} />}
        </Group>
      </Paper>
      {bouncing && <BouncingAlert email={email} />}
      {devMailbox && (
        <Group gap={6} wrap="nowrap" align="flex-start">
          <IconInfoCircle size={16} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0, marginTop: 2 }} />
          <Text size="xs" c="dimmed">
            Development mailbox: nothing leaves this machine. The email appears under Sent emails, where you can open it as
            your customer would.
          </Text>
        </Group>
      )}
    </Stack>
  );
}

