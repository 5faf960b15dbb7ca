import { Anchor, Badge, Box, Group, Paper, Table, Text, Title } from '@mantine/core';
import { IconMail } from '@tabler/icons-react';
import { useState } from 'react';
import type { EmailSummaryFragment } from '../../../gql/graphql';
import { formatDateTime } from '../../../lib/format';
import { EmailKindBadge, EmailStatusBadge } from './badges';
import { EmailMessageModal } from './EmailMessageModal';

/**
 * The invoice's emails, newest first, each openable as the customer received
 * it. The page polls while one is queued, so statuses change here live.
 */
export function InvoiceEmails({ emails, status, customerEmail }: {
  emails: EmailSummaryFragment[];
  /** The invoice's status, to say why there are none. */
  status: string;
  customerEmail: string;
}) {
  const [open, setOpen] = useState<{ id: string; subject: string } | null>(null);
  const newestFirst = [...emails].sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  let empty = 'No emails were sent for this invoice.';
  if (status === 'DRAFT') empty = 'Emails can be sent once the invoice is created.';
  else if (status === 'OPEN' || status === 'PARTIALLY_PAID') empty = `Not emailed yet. Use Send to email it to ${customerEmail}.`;

  return (
    <Paper withBorder component="section" aria-label="Emails">
      <Group justify="space-between" px="lg" pt="md" pb={newestFirst.length ? 'xs' : 'md'}>
        <Group gap={8}>
          <Title order={2} size="h5">Emails</Title>
          {newestFirst.length > 0 && (
            <Badge variant="default" radius="sm" size="sm">
              {newestFirst.length}
            </Badge>
          )}
        </Group>
      </Group>
      {newestFirst.length === 0 ? (
        <Group gap={8} px="lg" pb="lg" wrap="nowrap">
          <IconMail size={16} color="var(--mantine-color-gray-5)" style={{ flexShrink: 0 }} />
          <Text size="sm" c="dimmed">
            {empty}
          </Text>
        </Group>
      ) : (
        <Table.ScrollContainer minWidth={560} type="native">
          <Table highlightOnHover data-testid="invoice-emails">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Email</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Sent</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {newestFirst.map((e) => (
                <Table.Tr
                  key={e.id}
                  className="clickable-row"
                  onClick={() => setOpen({ id: e.id, subject: e.subject })}
                  data-email-id={e.id}
                >
                  <Table.Td>
                    <Group gap={8} wrap="nowrap" align="flex-start">
                      <Box mt={2}>
                        <EmailKindBadge kind={e.kind} />
                      </Box>
                      <div style={{ minWidth: 0 }}>
                        <Anchor
                          component="button"
                          type="button"
                          size="sm"
                          fw={500}
                          ta="left"
                          display="block"
                          onClick={(ev) => {
                            ev.stopPropagation();
                            setOpen({ id: e.id, subject: e.subject });
                          }}
                        >
                          {e.subject}
                        </Anchor>
                        <Text size="xs" c="dimmed">
                          to {e.to}
                        </Text>
                      </div>
                    </Group>
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
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <EmailMessageModal emailID={open?.id ?? null} subject={open?.subject} onClose={() => setOpen(null)} />
    </Paper>
  );
}
