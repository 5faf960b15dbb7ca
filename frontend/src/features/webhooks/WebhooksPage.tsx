import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Menu,
  Modal,
  Paper,
  Skeleton,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import {
  IconAlertTriangle,
  IconCheck,
  IconChevronDown,
  IconCopy,
  IconDots,
  IconKey,
  IconPencil,
  IconPlayerPause,
  IconPlayerPlay,
  IconPlus,
  IconTrash,
  IconWebhook,
} from '@tabler/icons-react';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { EmptyState } from '../../components/EmptyState';
import { graphql } from '../../gql';
import type { WebhookEndpointFieldsFragment } from '../../gql/graphql';
import { showError } from '../../lib/errors';
import { formatDate, formatDateTime } from '../../lib/format';
import { EndpointDeliveries } from './EndpointDeliveries';
import { EndpointFormModal, listContext } from './EndpointFormModal';

graphql(`
  fragment WebhookEndpointFields on WebhookEndpoint {
    id
    createdAt
    url
    description
    events
    status
    disabledReason
    failingSince
    previousSecretExpiresAt
  }
`);

const WebhooksDocument = graphql(`
  query Webhooks {
    webhookEndpoints(first: 100) {
      edges {
        node {
          ...WebhookEndpointFields
        }
      }
    }
    webhookEventTypes {
      type
      description
    }
  }
`);

const SetEndpointEnabledMutation = graphql(`
  mutation SetWebhookEndpointEnabled($id: ID!, $enabled: Boolean!) {
    updateWebhookEndpoint(id: $id, input: { enabled: $enabled }) {
      ...WebhookEndpointFields
    }
  }
`);

const DeleteEndpointMutation = graphql(`
  mutation DeleteWebhookEndpoint($id: ID!) {
    deleteWebhookEndpoint(id: $id)
  }
`);

const RotateSecretMutation = graphql(`
  mutation RotateWebhookSecret($id: ID!) {
    rotateWebhookSecret(id: $id) {
      secret
      endpoint {
        ...WebhookEndpointFields
      }
    }
  }
`);

type Endpoint = WebhookEndpointFieldsFragment;

interface ShownSecret {
  url: string;
  secret: string;
  rotated: boolean;
}

/** Developers -> Webhooks: the endpoints partner apps receive signed events at, and every delivery. */
export function WebhooksPage() {
  const [{ data, fetching, error }] = useQuery({ query: WebhooksDocument, context: listContext });
  const [editing, setEditing] = useState<Endpoint | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const endpoints = (data?.webhookEndpoints.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const eventTypes = data?.webhookEventTypes ?? [];

  const openForm = (e: Endpoint | null) => {
    setEditing(e);
    setFormOpen(true);
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start">
        <div style={{ flex: '1 1 320px', minWidth: 0 }}>
          <Title order={1} size="h2">Webhooks</Title>
          <Text c="dimmed" size="sm" mt={4}>
            Tally posts events (an invoice was paid, a payment arrived…) to your app as they happen, signed with{' '}
            <Code>Tally-Signature</Code>. Failed deliveries are retried with backoff for 3 days; an endpoint failing
            that long is disabled and you get an email. See the partner guide for verifying signatures.
          </Text>
        </div>
        <Button leftSection={<IconPlus size={16} />} onClick={() => openForm(null)} disabled={!data}>
          Add endpoint
        </Button>
      </Group>

      {error && !data && (
        <Alert color="red" title="Couldn't load your webhook endpoints">
          {error.graphQLErrors[0]?.message ?? 'Check your connection and try again.'}
        </Alert>
      )}

      {fetching && !data && (
        <Paper withBorder p="lg">
          <Stack gap="sm">
            <Skeleton h={16} w="60%" />
            <Skeleton h={12} w="40%" />
          </Stack>
        </Paper>
      )}

      {data && endpoints.length === 0 && (
        <Paper withBorder>
          <EmptyState
            icon={IconWebhook}
            title="No endpoints yet"
            action={
              <Button variant="light" mt="xs" leftSection={<IconPlus size={16} />} onClick={() => openForm(null)}>
                Add endpoint
              </Button>
            }
          >
            Add your app's URL to receive invoice and payment events without keeping a connection open.
          </EmptyState>
        </Paper>
      )}

      {endpoints.map((e) => (
        <EndpointCard key={e.id} endpoint={e} onEdit={() => openForm(e)} onSecret={setSecret} />
      ))}

      <EndpointFormModal
        opened={formOpen}
        endpoint={editing}
        eventTypes={eventTypes}
        onClose={() => setFormOpen(false)}
        onCreated={(created) => {
          setFormOpen(false);
          setSecret({ ...created, rotated: false });
        }}
      />

      <SecretModal shown={secret} onClose={() => setSecret(null)} />
    </Stack>
  );
}

function EndpointCard({ endpoint: e, onEdit, onSecret }: {
  endpoint: Endpoint;
  onEdit: () => void;
  onSecret: (s: ShownSecret) => void;
}) {
  const [open, setOpen] = useState(false);
  const [{ fetching: toggling }, setEnabled] = useMutation(SetEndpointEnabledMutation);
  const [, remove] = useMutation(DeleteEndpointMutation);
  const [{ fetching: rotating }, rotate] = useMutation(RotateSecretMutation);
  const enabled = e.status === 'ENABLED';
  const all = e.events.includes('*');
  const detailID = `endpoint-${e.id}-deliveries`;

  const onToggle = async () => {
    const res = await setEnabled({ id: e.id, enabled: !enabled });
    if (showError(res.error, { title: enabled ? "Couldn't disable the endpoint" : "Couldn't enable the endpoint" })) return;
    notifications.show({ message: enabled ? 'Disabled: no events are posted to it until you enable it.' : 'Enabled: new events are posted to it again.' });
  };

  const onDelete = () =>
    modals.openConfirmModal({
      title: 'Delete this endpoint?',
      centered: true,
      children: (
        <Text size="sm">
          Tally stops posting to <Code style={{ overflowWrap: 'anywhere' }}>{e.url}</Code> and deletes its delivery
          history. This can't be undone.
        </Text>
      ),
      labels: { confirm: 'Delete endpoint', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: async () => {
        const res = await remove({ id: e.id }, listContext);
        if (showError(res.error, { title: "Couldn't delete the endpoint" })) return;
        notifications.show({ message: 'Endpoint deleted.' });
      },
    });

  const onRotate = () =>
    modals.openConfirmModal({
      title: 'Rotate the signing secret?',
      centered: true,
      children: (
        <Text size="sm">
          Tally makes a new secret. For the next 24 hours every event is signed with both the old and the new one, so
          you can update your app without missing any; after that only the new one signs.
        </Text>
      ),
      labels: { confirm: 'Rotate secret', cancel: 'Cancel' },
      onConfirm: async () => {
        const res = await rotate({ id: e.id });
        if (showError(res.error, { title: "Couldn't rotate the secret" }) || !res.data) return;
        onSecret({ url: e.url, secret: res.data.rotateWebhookSecret.secret, rotated: true });
      },
    });

  return (
    <Paper withBorder p="lg" component="section" aria-label={`Endpoint ${e.url}`} data-testid="webhook-endpoint">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
          <div style={{ minWidth: 0 }}>
            <Group gap="xs">
              <Badge color={enabled ? 'green' : 'gray'} variant="light" radius="sm" data-endpoint-status={e.status}>
                {enabled ? 'Enabled' : 'Disabled'}
              </Badge>
              {e.failingSince && enabled && (
                <Badge color="orange" variant="light" radius="sm" leftSection={<IconAlertTriangle size={12} />}>
                  Failing since {formatDate(e.failingSince)}
                </Badge>
              )}
            </Group>
            <Text fw={600} mt={6} ff="monospace" size="sm" style={{ overflowWrap: 'anywhere' }} data-testid="webhook-endpoint-url">
              {e.url}
            </Text>
            {e.description && (
              <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {e.description}
              </Text>
            )}
          </div>
          <Menu position="bottom-end" shadow="md" width={200}>
            <Menu.Target>
              <ActionIcon variant="default" size="lg" aria-label={`Actions for ${e.url}`} loading={toggling || rotating}>
                <IconDots size={18} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconPencil size={16} />} onClick={onEdit}>
                Edit
              </Menu.Item>
              <Menu.Item leftSection={enabled ? <IconPlayerPause size={16} /> : <IconPlayerPlay size={16} />} onClick={onToggle}>
                {enabled ? 'Disable' : 'Enable'}
              </Menu.Item>
              <Menu.Item leftSection={<IconKey size={16} />} onClick={onRotate}>
                Rotate secret
              </Menu.Item>
              <Menu.Divider />
              <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={onDelete}>
                Delete
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>

        {!enabled && e.disabledReason && (
          <Alert color="gray" p="xs" title="Disabled">
            {e.disabledReason}
          </Alert>
        )}

        <Group gap={6}>
          <Text size="xs" c="dimmed">
            Events:
          </Text>
          {all ? (
            <Badge variant="outline" radius="sm" size="sm" tt="none">
              All events
            </Badge>
          ) : (
            e.events.map((t) => (
              <Badge key={t} variant="outline" radius="sm" size="sm" tt="none" ff="monospace">
                {t}
              </Badge>
            ))
          )}
        </Group>
        {e.previousSecretExpiresAt && new Date(e.previousSecretExpiresAt) > new Date() && (
          <Text size="xs" c="dimmed">
            The previous secret also signs until {formatDateTime(e.previousSecretExpiresAt)}.
          </Text>
        )}

        <Anchor
          component="button"
          type="button"
          size="sm"
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
          aria-controls={detailID}
          style={{ alignSelf: 'flex-start' }}
        >
          <Group gap={4}>
            <IconChevronDown size={14} style={{ transform: open ? undefined : 'rotate(-90deg)', transition: 'transform 150ms' }} aria-hidden />
            {open ? 'Hide deliveries' : 'Show deliveries'}
          </Group>
        </Anchor>
        {/* Not a Collapse: its measured height would cut off deliveries that load after it opens. */}
        <div id={detailID} hidden={!open}>
          {open && <EndpointDeliveries endpointID={e.id} />}
        </div>
      </Stack>
    </Paper>
  );
}

/** The signing secret, shown once: after adding an endpoint or rotating its secret. */
function SecretModal({ shown, onClose }: { shown: ShownSecret | null; onClose: () => void }) {
  return (
    <Modal
      opened={shown !== null}
      onClose={onClose}
      title={shown?.rotated ? 'Your new signing secret' : 'Endpoint added: its signing secret'}
      centered
      size="lg"
      closeOnClickOutside={false}
    >
      <Stack>
        <Alert color="yellow" icon={<IconAlertTriangle size={18} />} title="Copy this secret now">
          This is the only time it is shown. Your app verifies each event's <Code>Tally-Signature</Code> with it.
          {shown?.rotated
            ? ' For the next 24 hours events carry signatures by both the old and the new secret: switch your app to the new one before then.'
            : ' If you lose it, rotate the secret to get a new one.'}
        </Alert>
        <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          For {shown?.url}
        </Text>
        <Group gap="xs" wrap="nowrap">
          <Code block style={{ flex: 1, wordBreak: 'break-all' }} data-testid="webhook-secret">
            {shown?.secret}
          </Code>
          <CopyButton value={shown?.secret ?? ''}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy'}>
                <ActionIcon variant="light" size="lg" onClick={copy} aria-label="Copy signing secret" color={copied ? 'green' : undefined}>
                  {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
        <Group justify="flex-end">
          <Button onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
