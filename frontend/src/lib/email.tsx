// Invoice emails, shared by the invoice page and the Sent emails page: their
// status and kind badges, the "Email bouncing" mark on a customer, the
// message as the customer received it, and polling while one is on its way.

import { Alert, Anchor, Badge, Center, Group, Loader, Modal, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconInfoCircle, IconPaperclip } from '@tabler/icons-react';
import { useEffect, useRef, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { EmailFrame } from './EmailFrame';
import { formatDateTime } from './format';

// What a list of emails shows; the HTML body is loaded when one is opened.
graphql(`
  fragment EmailSummary on Email {
    id
    kind
    to
    subject
    status
    attempts
    lastError
    provider
    sentAt
    deliveredAt
    createdAt
  }
`);

const EmailProviderQuery = graphql(`
  query EmailProvider {
    emailProvider
  }
`);

const EmailMessageQuery = graphql(`
  query EmailMessage($id: ID!) {
    node(id: $id) {
      __typename
      ... on Email {
        ...EmailSummary
        html
        invoice {
          id
          number
        }
      }
    }
    viewer {
      merchant {
        id
        name
      }
    }
  }
`);

export const DEV_MAILBOX = 'dev-mailbox';

/** How this server sends email: "mailgun", or "dev-mailbox" when nothing leaves the machine. */
export function useEmailProvider(): { provider: string | null; devMailbox: boolean } {
  const [{ data }] = useQuery({ query: EmailProviderQuery });
  const provider = data?.emailProvider ?? null;
  return { provider, devMailbox: provider === DEV_MAILBOX };
}

/** Calls `poll` every `intervalMs` while `active` (and the tab is visible). */
export function usePollWhile(active: boolean, poll: () => void, intervalMs = 2000) {
  const latest = useRef(poll);
  latest.current = poll;
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => {
      if (!document.hidden) latest.current();
    }, intervalMs);
    return () => window.clearInterval(timer);
  }, [active, intervalMs]);
}

export const emailStatusLabel: Record<string, string> = {
  QUEUED: 'Queued',
  SENT: 'Sent',
  DELIVERED: 'Delivered',
  FAILED: 'Failed',
  BOUNCED: 'Bounced',
};

const emailStatusColor: Record<string, string> = {
  QUEUED: 'gray',
  SENT: 'blue',
  DELIVERED: 'green',
  FAILED: 'red',
  BOUNCED: 'red',
};

export const emailStatuses = ['QUEUED', 'SENT', 'DELIVERED', 'FAILED', 'BOUNCED'] as const;

/**
 * QUEUED (gray, spinning: the worker delivers it in a moment; "Retrying"
 * after a failed attempt), SENT (blue), DELIVERED (green), FAILED and
 * BOUNCED (red). The last error is in a tooltip.
 */
export function EmailStatusBadge({ status, lastError }: { status: string; lastError?: string | null }) {
  const retrying = status === 'QUEUED' && !!lastError;
  const badge = (
    <Badge
      color={emailStatusColor[status] ?? 'gray'}
      variant="light"
      radius="sm"
      data-email-status={status}
      leftSection={status === 'QUEUED' ? <Loader size={10} color="gray" type="oval" /> : undefined}
      style={{ cursor: lastError ? 'help' : undefined, minWidth: 'max-content' }}
    >
      {retrying ? 'Retrying' : (emailStatusLabel[status] ?? status)}
    </Badge>
  );
  if (!lastError || status === 'SENT' || status === 'DELIVERED') return badge;
  return (
    <Tooltip label={retrying ? `Last attempt failed: ${lastError}` : lastError} multiline maw={360} withArrow>
      {badge}
    </Tooltip>
  );
}

/** "Invoice" (the first email) or "Reminder". */
const kindLabel: Record<string, string> = { INVOICE: 'Invoice', REMINDER: 'Reminder', PASSWORD_RESET: 'Password reset' };
const kindColor: Record<string, string> = { INVOICE: 'indigo', REMINDER: 'orange', PASSWORD_RESET: 'gray' };

export function EmailKindBadge({ kind }: { kind: string }) {
  return (
    <Badge
      color={kindColor[kind] ?? 'indigo'}
      variant="outline"
      radius="sm"
      size="sm"
      data-email-kind={kind}
      style={{ minWidth: 'max-content' }}
    >
      {kindLabel[kind] ?? kind}
    </Badge>
  );
}

/** The mail provider reported a permanent failure delivering to the customer's address. */
export function EmailBouncingBadge({ email }: { email?: string }) {
  return (
    <Tooltip
      label={`Emails to ${email ?? 'this address'} bounce: the recipient's mail server refused them. Check the address with your customer.`}
      multiline
      maw={300}
      withArrow
    >
      <Badge color="red" variant="filled" radius="sm" size="sm" data-testid="email-bouncing" style={{ cursor: 'help', minWidth: 'max-content' }}>
        Email bouncing
      </Badge>
    </Tooltip>
  );
}

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

function HeaderLine({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group gap="sm" wrap="nowrap" align="baseline">
      <Text size="sm" c="dimmed" w={72} style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <Text size="sm" component="div" style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Group>
  );
}

/**
 * One email as the customer received it: subject, from (the business), to,
 * and the HTML body in a sandboxed frame whose links open in a new tab. Opened
 * while `emailID` is set.
 */
export function EmailMessageModal({ emailID, subject, onClose }: {
  emailID: string | null;
  /** Shown as the title while the message loads. */
  subject?: string;
  onClose: () => void;
}) {
  const [{ data, fetching, error }] = useQuery({
    query: EmailMessageQuery,
    variables: { id: emailID ?? '' },
    pause: !emailID,
    // The body never changes; the status may have since the list was loaded.
    requestPolicy: 'cache-and-network',
  });
  const email = data?.node?.__typename === 'Email' && data.node.id === emailID ? data.node : null;
  const merchant = data?.viewer?.merchant.name;

  return (
    <Modal
      opened={emailID !== null}
      onClose={onClose}
      title={
        <Text fw={600} size="lg" lineClamp={2}>
          {email?.subject ?? subject ?? 'Email'}
        </Text>
      }
      size={820}
      centered
      closeButtonProps={{ 'aria-label': 'Close email' }}
    >
      {!email ? (
        <Center mih={320}>
          {fetching || !error ? <Loader /> : <Text c="dimmed">This email couldn't be loaded.</Text>}
        </Center>
      ) : (
        <Stack gap="md" data-testid="email-message">
          <Group justify="space-between" align="flex-start" gap="sm">
            <Stack gap={4} style={{ minWidth: 0, flex: '1 1 300px' }}>
              <HeaderLine label="From">
                <span data-testid="email-from">{email.invoice ? merchant : 'Tally'}</span>
              </HeaderLine>
              <HeaderLine label="To">
                <span data-testid="email-to">{email.to}</span>
              </HeaderLine>
              <HeaderLine label="Date">{formatDateTime(email.sentAt ?? email.createdAt)}</HeaderLine>
              {email.invoice?.number && (
                <HeaderLine label="Attached">
                  <Group gap={4} wrap="nowrap">
                    <IconPaperclip size={14} color="var(--mantine-color-dimmed)" />
                    {email.invoice.number}.pdf
                  </Group>
                </HeaderLine>
              )}
            </Stack>
            <Stack gap={6} align="flex-end" style={{ flexShrink: 0, marginLeft: 'auto' }}>
              <Group gap={6}>
                <EmailKindBadge kind={email.kind} />
                <EmailStatusBadge status={email.status} lastError={email.lastError} />
              </Group>
              {email.invoice && (
                <Anchor component={Link} to={`/invoices/${email.invoice.id}`} size="sm" onClick={onClose}>
                  Invoice {email.invoice.number}
                </Anchor>
              )}
            </Stack>
          </Group>
          {email.provider === DEV_MAILBOX && (
            <Group gap={6} wrap="nowrap" px="sm" py={6} bg="yellow.0" style={{ borderRadius: 'var(--mantine-radius-sm)' }}>
              <IconInfoCircle size={15} color="var(--mantine-color-yellow-8)" style={{ flexShrink: 0 }} />
              <Text size="xs" c="yellow.9">
                Development mailbox: this email never left this machine. Its links work as they would for your customer
                and open in a new tab.
              </Text>
            </Group>
          )}
          <Paper withBorder style={{ overflow: 'hidden' }}>
            <EmailFrame html={email.html} title="Email message" />
          </Paper>
        </Stack>
      )}
    </Modal>
  );
}
