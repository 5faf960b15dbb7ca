import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
  Radio,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  ActionIcon,
  Skeleton,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconCheck, IconCopy, IconKey, IconPlus } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import type { ApiKeyScope } from '../../gql/graphql';
import { showError } from '../../lib/errors';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';

const APIKeysQuery = graphql(`
  query APIKeys {
    apiKeys {
      id
      name
      prefix
      createdBy
      createdAt
      lastUsedAt
      revokedAt
      scopes
    }
  }
`);

const CreateAPIKeyMutation = graphql(`
  mutation CreateAPIKey($input: CreateAPIKeyInput!) {
    createAPIKey(input: $input) {
      secret
      apiKey {
        id
        name
        prefix
        createdBy
        createdAt
        lastUsedAt
        revokedAt
        scopes
      }
    }
  }
`);

const RevokeAPIKeyMutation = graphql(`
  mutation RevokeAPIKey($id: ID!) {
    revokeAPIKey(id: $id) {
      id
      revokedAt
    }
  }
`);

const listContext = { additionalTypenames: ['APIKey'] };

/** What the create form offers; the server takes the scopes themselves. */
type Access = 'READ_WRITE' | 'READ';
const accessScopes: Record<Access, ApiKeyScope[]> = { READ_WRITE: ['READ', 'WRITE'], READ: ['READ'] };
const scopeColors: Record<ApiKeyScope, string> = { READ: 'blue', WRITE: 'orange' };
const scopeHelp: Record<ApiKeyScope, string> = {
  READ: 'Queries and live updates',
  WRITE: 'Create, issue, send and record payments',
};
const scopeOrder: ApiKeyScope[] = ['READ', 'WRITE'];

/** The time now, updated every minute, so "5 minutes ago" doesn't go stale on an open page. */
function useNow(intervalMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}

/** A key's scopes as badges, READ before WRITE; grey once the key is revoked. */
function ScopeBadges({ scopes, revoked }: { scopes: readonly ApiKeyScope[]; revoked?: boolean }) {
  return (
    <Group gap={4} wrap="nowrap">
      {scopeOrder
        .filter((s) => scopes.includes(s))
        .map((s) => (
          <Tooltip key={s} label={scopeHelp[s]}>
            <Badge color={revoked ? 'gray' : scopeColors[s]} variant="light" radius="sm" miw="max-content" data-scope={s}>
              {s}
            </Badge>
          </Tooltip>
        ))}
    </Group>
  );
}

export function APIKeysPage() {
  const [{ data, fetching, error }] = useQuery({ query: APIKeysQuery, context: listContext });
  const [, revoke] = useMutation(RevokeAPIKeyMutation);
  const [createOpen, setCreateOpen] = useState(false);
  const [secret, setSecret] = useState<CreatedKey | null>(null);
  const now = useNow();

  const onRevoke = (key: { id: string; name: string }) =>
    modals.openConfirmModal({
      title: `Revoke "${key.name}"?`,
      centered: true,
      children: (
        <Text size="sm">
          Anything using this key stops working immediately. This can't be undone.
        </Text>
      ),
      labels: { confirm: 'Revoke key', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: async () => {
        const res = await revoke({ id: key.id });
        if (showError(res.error, { title: "Couldn't revoke the key" })) return;
        notifications.show({ message: `"${key.name}" was revoked.` });
      },
    });

  const keys = data?.apiKeys ?? [];

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <div>
          <Title order={1} size="h2">API keys</Title>
          <Text c="dimmed" size="sm" mt={4}>
            Use API keys to read and create invoices from your own systems. Send a key as{' '}
            <Code>Authorization: Bearer &lt;key&gt;</Code>. A read-only key can't change anything.
          </Text>
        </div>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreateOpen(true)}>
          Create API key
        </Button>
      </Group>

      {error && !data && (
        <Alert color="red" title="Couldn't load API keys">
          {error.message}
        </Alert>
      )}

      <Paper withBorder>
        <Table.ScrollContainer minWidth={880} type="native">
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Access</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th style={{ whiteSpace: 'nowrap' }}>Last used</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th w={100} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {fetching && !data &&
                [0, 1].map((i) => (
                  <Table.Tr key={i}>
                    {Array.from({ length: 7 }, (_, j) => (
                      <Table.Td key={j}>
                        <Skeleton h={14} my={4} />
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              {data && keys.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={7}>
                    <Stack align="center" gap={6} py={48}>
                      <IconKey size={36} stroke={1.3} color="var(--mantine-color-gray-5)" />
                      <Text fw={600}>No API keys yet</Text>
                      <Text size="sm" c="dimmed">
                        Create a key to connect your shop or back office to Tally.
                      </Text>
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              )}
              {keys.map((k) => (
                <Table.Tr key={k.id} c={k.revokedAt ? 'dimmed' : undefined} data-revoked={k.revokedAt ? true : undefined}>
                  <Table.Td fw={500} td={k.revokedAt ? 'line-through' : undefined}>
                    {k.name}
                  </Table.Td>
                  <Table.Td>
                    <Code c={k.revokedAt ? 'dimmed' : undefined} style={{ whiteSpace: 'nowrap' }}>
                      {k.prefix}…
                    </Code>
                  </Table.Td>
                  <Table.Td>
                    <ScopeBadges scopes={k.scopes} revoked={!!k.revokedAt} />
                  </Table.Td>
                  <Table.Td>
                    <Text inherit style={{ whiteSpace: 'nowrap' }}>
                      {formatDate(k.createdAt)}
                    </Text>
                    <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                      by {k.createdBy}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="api-key-last-used">
                    {k.lastUsedAt ? (
                      <Tooltip label={formatDateTime(k.lastUsedAt)}>
                        <span>{formatRelative(k.lastUsedAt, now)}</span>
                      </Tooltip>
                    ) : (
                      <Text span c="dimmed" inherit>
                        Never
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {k.revokedAt ? (
                      <Tooltip label={`Revoked ${formatDateTime(k.revokedAt)}`}>
                        <Badge color="red" variant="outline" radius="sm" miw="max-content">
                          Revoked
                        </Badge>
                      </Tooltip>
                    ) : (
                      <Badge color="green" variant="light" radius="sm" miw="max-content">
                        Active
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    {!k.revokedAt && (
                      <Button size="xs" variant="subtle" color="red" onClick={() => onRevoke(k)}>
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>

      <CreateKeyModal
        opened={createOpen}
        onClose={() => setCreateOpen(false)}
        onCreated={(s) => {
          setCreateOpen(false);
          setSecret(s);
        }}
      />

      <Modal
        opened={secret !== null}
        onClose={() => setSecret(null)}
        title="Your new API key"
        centered
        size="lg"
        closeOnClickOutside={false}
      >
        <Stack>
          <Alert color="yellow" icon={<IconAlertTriangle size={18} />} title="Copy this key now">
            This is the only time the secret for "{secret?.name}" is shown. Store it somewhere safe; if you lose it,
            revoke the key and create a new one.
          </Alert>
          {secret && (
            <Group gap="xs">
              <Text size="sm" c="dimmed">
                Access:
              </Text>
              <ScopeBadges scopes={secret.scopes} />
              <Text size="sm" c="dimmed">
                {secret.scopes.includes('WRITE') ? 'Read and write' : "Read only: it can't change anything"}
              </Text>
            </Group>
          )}
          <Group gap="xs" wrap="nowrap">
            <Code block style={{ flex: 1, wordBreak: 'break-all' }} data-testid="api-key-secret">
              {secret?.secret}
            </Code>
            <CopyButton value={secret?.secret ?? ''}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : 'Copy'}>
                  <ActionIcon variant="light" size="lg" onClick={copy} aria-label="Copy API key" color={copied ? 'green' : undefined}>
                    {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
          </Group>
          <Group justify="flex-end">
            <Button onClick={() => setSecret(null)}>Done</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

interface CreatedKey {
  name: string;
  secret: string;
  scopes: ApiKeyScope[];
}

function CreateKeyModal({ opened, onClose, onCreated }: {
  opened: boolean;
  onClose: () => void;
  onCreated: (s: CreatedKey) => void;
}) {
  const [{ fetching }, create] = useMutation(CreateAPIKeyMutation);
  const form = useForm({
    initialValues: { name: '', access: 'READ_WRITE' as Access },
    validate: { name: (v) => (v.trim() ? null : 'Give the key a name') },
  });
  const submit = form.onSubmit(async ({ name, access }) => {
    const res = await create({ input: { name: name.trim(), scopes: accessScopes[access] } }, listContext);
    if (showError(res.error, { form, title: "Couldn't create the key" }) || !res.data) return;
    form.reset();
    const { apiKey, secret } = res.data.createAPIKey;
    onCreated({ name: apiKey.name, secret, scopes: apiKey.scopes });
  });
  return (
    <Modal
      opened={opened}
      onClose={() => {
        form.reset();
        onClose();
      }}
      title="Create API key"
      centered
      size={540}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Name"
            description="To recognise the key later."
            placeholder="Shop integration"
            data-autofocus
            {...form.getInputProps('name')}
          />
          <Radio.Group label="Access" {...form.getInputProps('access')}>
            <Stack gap="sm" mt={6}>
              <Radio
                value="READ_WRITE"
                label="Read and write"
                description="Queries and live updates, and also create, issue, send and record payments."
              />
              <Radio
                value="READ"
                label="Read only"
                description="Queries and live updates only: the key can't create or change anything."
              />
            </Stack>
          </Radio.Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={fetching}>
              Create key
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
