import { Anchor, Center, Group, Loader, Modal, Paper, Stack, Text } from '@mantine/core';
import { IconInfoCircle, IconPaperclip } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { EmailFrame } from '../../../components/EmailFrame';
import { graphql } from '../../../gql';
import { formatDateTime } from '../../../lib/format';
import { EmailKindBadge, EmailStatusBadge } from './badges';
import { DEV_MAILBOX } from './email';

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
