import { Alert, Anchor, Button, Code, Group, List, SegmentedControl, Select, Stack, Table, Text, Title } from '@mantine/core';
import { IconInbox, IconInfoCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { NodeOf } from '../../../components/CursorPages';
import { EmptyState } from '../../../components/EmptyState';
import { PagedTable } from '../../../components/PagedTable';
import { graphql } from '../../../gql';
import type { EmailsListQuery as EmailsList, EmailStatus } from '../../../gql/graphql';
import { formatDateTime } from '../../../lib/format';
import { EmailKindBadge, EmailStatusBadge, emailStatuses, emailStatusLabel } from './badges';
import { useEmailProvider } from './email';
import { EmailMessageModal } from './EmailMessageModal';

const PAGE_SIZE = 25;

const EmailsListQuery = graphql(`
  query EmailsList($first: Int!, $after: Cursor, $status: EmailStatus) {
    emails(first: $first, after: $after, where: { status: $status }) {
      totalCount
      edges {
        node {
          ...EmailSummary
          invoice {
            id
            number
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const listContext = { additionalTypenames: ['Email'] };
const statusOptions = [{ value: '', label: 'All' }, ...emailStatuses.map((s) => ({ value: s, label: emailStatusLabel[s] }))];

/**
 * Billing -> Sent emails: every invoice email, newest first. In dev-mailbox
 * mode nothing is sent, and this page is the customers' mailbox.
 */
export function EmailsPage() {
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status');
  const status = (emailStatuses as readonly string[]).includes(statusParam ?? '') ? (statusParam as EmailStatus) : null;
  const { provider, devMailbox } = useEmailProvider();
  const [open, setOpen] = useState<{ id: string; subject: string } | null>(null);

  const setStatus = (value: string) => {
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set('status', value);
        else next.delete('status');
        return next;
      },
      { replace: true },
    );
  };

  return (
    <Stack gap="lg">
      <div>
        <Title order={1} size="h2">{devMailbox ? 'Mailbox (development)' : 'Sent emails'}</Title>
        <Text c="dimmed" mt={4}>
          {devMailbox
            ? 'The emails your customers would have received. Open one to see it exactly as they would.'
            : 'Invoices and reminders emailed to your customers, newest first.'}
        </Text>
      </div>

      {devMailbox && (
        <Alert color="yellow" variant="light" icon={<IconInfoCircle size={18} />} title="Nothing leaves this machine" data-testid="dev-mailbox-alert">
          <Text size="sm">
            This server has no mail provider, so emails to customers are kept here instead of being sent. Their links work
            as they would for your customer: open an email and follow its Pay now link.
          </Text>
          <Text size="sm" mt="xs">
            To send real email through Mailgun, start the server with:
          </Text>
          <List size="sm" mt={4} spacing={2}>
            <List.Item>
              <Code>TALLY_MAILGUN_API_KEY</Code> your Mailgun private API key
            </List.Item>
            <List.Item>
              <Code>TALLY_MAILGUN_DOMAIN</Code> your sending domain, e.g. mg.example.com
            </List.Item>
            <List.Item>
              <Code>TALLY_MAIL_FROM</Code> the sending address, e.g. invoices@mg.example.com
            </List.Item>
            <List.Item>
              <Code>TALLY_MAILGUN_WEBHOOK_SIGNING_KEY</Code> optional: to show deliveries and bounces, with Mailgun's
              webhooks pointed at <Code>/webhooks/mailgun</Code>
            </List.Item>
          </List>
        </Alert>
      )}

      <Group gap="md">
        <SegmentedControl
          aria-label="Status"
          value={status ?? ''}
          onChange={setStatus}
          data={statusOptions}
          visibleFrom="sm"
        />
        <Select
          aria-label="Status"
          value={status ?? ''}
          onChange={(v) => setStatus(v ?? '')}
          data={statusOptions}
          allowDeselect={false}
          w={180}
          hiddenFrom="sm"
        />
        {provider && !devMailbox && (
          <Text size="sm" c="dimmed">
            Sent through {provider === 'mailgun' ? 'Mailgun' : provider}
          </Text>
        )}
      </Group>

      <PagedTable
        query={EmailsListQuery}
        variables={{ first: PAGE_SIZE, status }}
        connection={(d) => d.emails}
        context={listContext}
        errorTitle="Couldn't load emails"
        // Follow emails on their way (the worker sends them within seconds).
        pollInterval={followQueued}
        minWidth={820}
        tableProps={{ highlightOnHover: true }}
        columns={[{ label: 'To' }, { label: 'Subject' }, { label: 'Invoice' }, { label: 'Status' }, { label: 'Sent' }]}
        row={(e) => <EmailRow key={e.id} email={e} onOpen={setOpen} />}
        empty={
          <EmptyState
            icon={IconInbox}
            title={status ? `No ${emailStatusLabel[status].toLowerCase()} emails` : 'No emails yet'}
            action={
              !status && (
                <Button component={Link} to="/invoices" variant="light" mt="xs">
                  Go to invoices
                </Button>
              )
            }
          >
            {status
              ? 'Try another status.'
              : devMailbox
                ? 'When you send an invoice ("Create and send", or Send on an invoice), it lands here instead of in your customer\'s inbox.'
                : 'Invoices you send ("Create and send", or Send on an invoice) are listed here with their delivery status.'}
          </EmptyState>
        }
      />

      <EmailMessageModal emailID={open?.id ?? null} subject={open?.subject} onClose={() => setOpen(null)} />
    </Stack>
  );
}

type EmailListItem = NodeOf<EmailsList['emails']>;

/** While a page holds queued emails, poll it: every 2 s, or 10 s once an attempt failed. */
function followQueued(emails: EmailListItem[]): number | null {
  const queued = emails.filter((e) => e.status === 'QUEUED');
  if (queued.length === 0) return null;
  return queued.some((e) => e.lastError) ? 10_000 : 2_000;
}

function EmailRow({ email: e, onOpen }: { email: EmailListItem; onOpen: (email: { id: string; subject: string }) => void }) {
  const openIt = () => onOpen({ id: e.id, subject: e.subject });
  return (
    <Table.Tr className="clickable-row" onClick={openIt} data-email-id={e.id}>
      <Table.Td>
        <Text size="sm">{e.to}</Text>
      </Table.Td>
      <Table.Td>
        <Group gap={8} wrap="nowrap">
          <EmailKindBadge kind={e.kind} />
          <Anchor
            component="button"
            type="button"
            size="sm"
            fw={500}
            ta="left"
            onClick={(ev) => {
              ev.stopPropagation();
              openIt();
            }}
          >
            {e.subject}
          </Anchor>
        </Group>
      </Table.Td>
      <Table.Td>
        {e.invoice ? (
          <Anchor component={Link} to={`/invoices/${e.invoice.id}`} size="sm" onClick={(ev) => ev.stopPropagation()}>
            {e.invoice.number ?? 'Invoice'}
          </Anchor>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <EmailStatusBadge status={e.status} lastError={e.lastError} />
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={e.sentAt ? undefined : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>
          {e.sentAt ? formatDateTime(e.sentAt) : e.status === 'QUEUED' ? 'Sending…' : '—'}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}
