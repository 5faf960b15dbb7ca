import { Alert, Anchor, Button, Code, Group, List, Paper, SegmentedControl, Select, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { IconInbox, IconInfoCircle } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import type { EmailStatus } from '../../gql/graphql';
import {
  EmailKindBadge,
  EmailMessageModal,
  EmailStatusBadge,
  emailStatuses,
  emailStatusLabel,
  usePollWhile,
  useEmailProvider,
} from '../../lib/email';
import { showError } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';

const PAGE_SIZE = 25;
const COLUMNS = 5;

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
        <Title order={2}>{devMailbox ? 'Mailbox (development)' : 'Sent emails'}</Title>
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

      <Paper withBorder style={{ overflow: 'hidden' }}>
        <Table.ScrollContainer minWidth={820} type="native">
          <Table highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>To</Table.Th>
                <Table.Th>Subject</Table.Th>
                <Table.Th>Invoice</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Sent</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              <EmailPages key={status ?? 'all'} status={status} devMailbox={devMailbox} onOpen={setOpen} />
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>

      <EmailMessageModal emailID={open?.id ?? null} subject={open?.subject} onClose={() => setOpen(null)} />
    </Stack>
  );
}

interface ChunkProps {
  status: EmailStatus | null;
  devMailbox: boolean;
  onOpen: (email: { id: string; subject: string }) => void;
}

/** Cursor pagination: each "Load more" appends a page that runs its own query. */
function EmailPages(props: ChunkProps) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <>
      {cursors.map((after, i) => (
        <EmailsChunk
          key={after ?? 'first'}
          {...props}
          after={after}
          isFirst={i === 0}
          isLast={i === cursors.length - 1}
          onLoadMore={(c) => setCursors((cs) => [...cs, c])}
        />
      ))}
    </>
  );
}

function EmailsChunk({ status, devMailbox, onOpen, after, isFirst, isLast, onLoadMore }: ChunkProps & {
  after: string | null;
  isFirst: boolean;
  isLast: boolean;
  onLoadMore: (cursor: string) => void;
}) {
  const [{ data, fetching, error }, refetch] = useQuery({
    query: EmailsListQuery,
    variables: { first: PAGE_SIZE, after, status },
    context: listContext,
    requestPolicy: 'cache-and-network',
  });
  useEffect(() => {
    showError(error, { title: "Couldn't load emails" });
  }, [error]);

  const edges = data?.emails.edges ?? [];
  // Follow emails on their way (the worker sends them within seconds).
  const queued = edges.filter((e) => e?.node?.status === 'QUEUED');
  usePollWhile(
    queued.length > 0,
    () => refetch({ requestPolicy: 'network-only' }),
    queued.some((e) => e?.node?.lastError) ? 10_000 : 2_000,
  );

  if (!data) {
    if (!fetching) return null;
    return (
      <>
        {Array.from({ length: 3 }, (_, i) => (
          <Table.Tr key={i}>
            {Array.from({ length: COLUMNS }, (_, j) => (
              <Table.Td key={j}>
                <Skeleton h={14} my={4} />
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </>
    );
  }

  const { hasNextPage, endCursor } = data.emails.pageInfo;
  if (isFirst && edges.length === 0) {
    return (
      <Table.Tr>
        <Table.Td colSpan={COLUMNS}>
          <Stack align="center" gap={6} py={48}>
            <IconInbox size={36} stroke={1.3} color="var(--mantine-color-gray-5)" />
            <Text fw={600}>{status ? `No ${emailStatusLabel[status].toLowerCase()} emails` : 'No emails yet'}</Text>
            <Text size="sm" c="dimmed" ta="center" maw={420}>
              {status
                ? 'Try another status.'
                : devMailbox
                  ? 'When you send an invoice ("Create and send", or Send on an invoice), it lands here instead of in your customer\'s inbox.'
                  : 'Invoices you send ("Create and send", or Send on an invoice) are listed here with their delivery status.'}
            </Text>
            {!status && (
              <Button component={Link} to="/invoices" variant="light" mt="xs">
                Go to invoices
              </Button>
            )}
          </Stack>
        </Table.Td>
      </Table.Tr>
    );
  }

  return (
    <>
      {edges.map((edge) => {
        const e = edge?.node;
        if (!e) return null;
        const openIt = () => onOpen({ id: e.id, subject: e.subject });
        return (
          <Table.Tr key={e.id} className="clickable-row" onClick={openIt} data-email-id={e.id}>
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
      })}
      {isLast && hasNextPage && endCursor && (
        <Table.Tr>
          <Table.Td colSpan={COLUMNS} ta="center">
            <Button variant="subtle" onClick={() => onLoadMore(endCursor)}>
              Load more
            </Button>
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}
