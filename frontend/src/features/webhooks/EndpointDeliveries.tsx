import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChevronDown, IconChevronRight, IconRefresh, IconSend } from '@tabler/icons-react';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import type { EndpointDeliveriesQuery } from '../../gql/graphql';
import { showError } from '../../lib/errors';
import { formatDateTime, formatRelative } from '../../lib/format';
import { usePollWhile } from '../../lib/usePollWhile';

const EndpointDeliveriesDocument = graphql(`
  query EndpointDeliveries($id: ID!, $first: Int!) {
    node(id: $id) {
      __typename
      ... on WebhookEndpoint {
        id
        deliveries(first: $first, orderBy: { field: CREATED_AT, direction: DESC }) {
          totalCount
          edges {
            node {
              id
              createdAt
              status
              attempts
              nextAttemptAt
              lastStatusCode
              lastError
              deliveredAt
              event {
                id
                type
                payload
              }
              attemptsMade {
                id
                at
                statusCode
                durationMs
                error
                responseBody
                manual
              }
            }
          }
        }
      }
    }
  }
`);

const ResendWebhookDeliveryMutation = graphql(`
  mutation ResendWebhookDelivery($id: ID!) {
    resendWebhookDelivery(id: $id) {
      id
      status
      attempts
      lastStatusCode
      lastError
      deliveredAt
      nextAttemptAt
      attemptsMade {
        id
        at
        statusCode
        durationMs
        error
        responseBody
        manual
      }
    }
  }
`);

const context = { additionalTypenames: ['WebhookDelivery'] };

type Delivery = NonNullable<
  NonNullable<
    NonNullable<Extract<EndpointDeliveriesQuery['node'], { __typename: 'WebhookEndpoint' }>['deliveries']['edges']>[number]
  >['node']
>;

const statusColor: Record<string, string> = { PENDING: 'gray', SUCCEEDED: 'green', FAILED: 'red' };
const statusLabel: Record<string, string> = { PENDING: 'Pending', SUCCEEDED: 'Succeeded', FAILED: 'Failed' };

/** The JSON as sent, indented to read; as it is when it doesn't parse. */
function pretty(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

export function DeliveryStatusBadge({ status, retrying }: { status: string; retrying?: boolean }) {
  return (
    <Badge color={retrying ? 'orange' : (statusColor[status] ?? 'gray')} variant="light" radius="sm" miw="max-content" data-delivery-status={status}>
      {retrying ? 'Retrying' : (statusLabel[status] ?? status)}
    </Badge>
  );
}

/**
 * An endpoint's recent deliveries, newest first: event type, status,
 * attempts, the last status code and when. Each opens to the payload as sent
 * and every attempt (status code, duration, error, the start of the answer),
 * with "Resend".
 */
export function EndpointDeliveries({ endpointID }: { endpointID: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({
    query: EndpointDeliveriesDocument,
    variables: { id: endpointID, first: 20 },
    context,
  });
  const [open, setOpen] = useState<string | null>(null);
  const endpoint = data?.node?.__typename === 'WebhookEndpoint' ? data.node : null;
  const deliveries = (endpoint?.deliveries.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  // A first attempt is made within seconds of the event: follow it.
  const fresh = deliveries.some((d) => d.status === 'PENDING' && d.attempts === 0);
  usePollWhile(fresh, () => refetch({ requestPolicy: 'network-only' }), 2_000);

  if (fetching && !data) {
    return (
      <Group justify="center" py="md">
        <Loader size="sm" />
      </Group>
    );
  }
  if (error && !data) {
    return (
      <Alert color="red" title="Couldn't load the deliveries">
        {error.graphQLErrors[0]?.message ?? 'Check your connection and try again.'}
      </Alert>
    );
  }

  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          Recent deliveries{endpoint ? ` (${endpoint.deliveries.totalCount})` : ''}
        </Text>
        <Button
          size="compact-sm"
          variant="subtle"
          leftSection={<IconRefresh size={14} />}
          onClick={() => refetch({ requestPolicy: 'network-only' })}
          loading={fetching}
        >
          Refresh
        </Button>
      </Group>
      {deliveries.length === 0 ? (
        <Text size="sm" c="dimmed" py="sm">
          No deliveries yet. Events this endpoint subscribes to are posted here as they happen.
        </Text>
      ) : (
        <Stack gap={0} role="list" aria-label="Deliveries" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 'var(--mantine-radius-md)' }}>
          {deliveries.map((d, i) => (
            <DeliveryRow
              key={d.id}
              delivery={d}
              first={i === 0}
              expanded={open === d.id}
              onToggle={() => setOpen(open === d.id ? null : d.id)}
            />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function DeliveryRow({ delivery: d, first, expanded, onToggle }: {
  delivery: Delivery;
  first: boolean;
  expanded: boolean;
  onToggle: () => void;
}) {
  const [{ fetching: resending }, resend] = useMutation(ResendWebhookDeliveryMutation);
  const retrying = d.status === 'PENDING' && d.attempts > 0;
  const detailID = `delivery-${d.id}`;
  const last = d.attemptsMade?.at(-1);

  const onResend = async () => {
    const res = await resend({ id: d.id });
    if (showError(res.error, { title: "Couldn't resend the event" }) || !res.data) return;
    const r = res.data.resendWebhookDelivery;
    const code = r.lastStatusCode ? `answered ${r.lastStatusCode}` : (r.lastError ?? 'no answer');
    notifications.show({
      color: r.status === 'SUCCEEDED' ? 'green' : 'orange',
      message: r.status === 'SUCCEEDED' ? `${d.event.type} was delivered again.` : `Resent ${d.event.type}: the endpoint ${code}.`,
    });
  };

  return (
    <div role="listitem" style={{ borderTop: first ? undefined : '1px solid var(--mantine-color-gray-3)' }} data-testid="webhook-delivery">
      <UnstyledButton
        onClick={onToggle}
        aria-expanded={expanded}
        aria-controls={detailID}
        w="100%"
        px="sm"
        py={8}
        className="clickable-row"
      >
        <Group gap="sm" wrap="wrap" justify="space-between">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            {expanded ? <IconChevronDown size={14} aria-hidden /> : <IconChevronRight size={14} aria-hidden />}
            <Text size="sm" ff="monospace" fw={500} truncate data-testid="webhook-delivery-type">
              {d.event.type}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <DeliveryStatusBadge status={d.status} retrying={retrying} />
            <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
              {d.attempts} {d.attempts === 1 ? 'attempt' : 'attempts'}
              {d.lastStatusCode ? ` · ${d.lastStatusCode}` : ''}
            </Text>
            <Tooltip label={formatDateTime(d.createdAt)}>
              <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                {formatRelative(d.createdAt)}
              </Text>
            </Tooltip>
          </Group>
        </Group>
      </UnstyledButton>
      <div id={detailID} hidden={!expanded}>
        {expanded && (
          <Stack gap="sm" px="sm" pb="sm">
            <Group justify="space-between" gap="xs">
              <Text size="xs" c="dimmed">
                Event {d.event.id}
                {d.nextAttemptAt ? ` · next attempt ${formatDateTime(d.nextAttemptAt)}` : ''}
                {d.deliveredAt ? ` · delivered ${formatDateTime(d.deliveredAt)}` : ''}
              </Text>
              <Button size="compact-sm" leftSection={<IconSend size={14} />} onClick={onResend} loading={resending}>
                Resend
              </Button>
            </Group>
            {d.status !== 'SUCCEEDED' && (d.lastError || last?.error) && (
              <Text size="sm" c="red.8">
                {d.lastError ?? last?.error}
              </Text>
            )}
            <div>
              <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb={4}>
                Payload
              </Text>
              <Code block style={{ maxHeight: 280, overflow: 'auto', whiteSpace: 'pre' }} data-testid="webhook-payload">
                {pretty(d.event.payload)}
              </Code>
            </div>
            <div>
              <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb={4}>
                Attempts
              </Text>
              {(d.attemptsMade ?? []).length === 0 ? (
                <Text size="sm" c="dimmed">
                  Not attempted yet.
                </Text>
              ) : (
                <Table.ScrollContainer minWidth={480} type="native">
                  <Table verticalSpacing={4} aria-label="Attempts" fz="xs">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>When</Table.Th>
                        <Table.Th>Status</Table.Th>
                        <Table.Th ta="right">Duration</Table.Th>
                        <Table.Th>Answer</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {(d.attemptsMade ?? []).map((a) => (
                        <Table.Tr key={a.id} data-testid="webhook-attempt">
                          <Table.Td style={{ whiteSpace: 'nowrap' }}>
                            {formatDateTime(a.at)}
                            {a.manual && (
                              <Badge size="xs" variant="outline" color="gray" ml={6} radius="sm">
                                Resend
                              </Badge>
                            )}
                          </Table.Td>
                          <Table.Td>
                            <Text size="xs" c={a.statusCode && a.statusCode < 300 ? 'green.8' : 'red.8'} fw={500}>
                              {a.statusCode ?? 'No answer'}
                            </Text>
                          </Table.Td>
                          <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                            {a.durationMs} ms
                          </Table.Td>
                          <Table.Td>
                            {a.error && (
                              <Text size="xs" c="red.8" style={{ overflowWrap: 'anywhere' }}>
                                {a.error}
                              </Text>
                            )}
                            {a.responseBody && (
                              <Code fz="xs" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                                {a.responseBody}
                              </Code>
                            )}
                            {!a.error && !a.responseBody && <Text size="xs" c="dimmed">Empty</Text>}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </div>
          </Stack>
        )}
      </div>
    </div>
  );
}
