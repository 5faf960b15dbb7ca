import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
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
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import { showError } from '../../lib/errors';
import { formatDate, formatDateTime } from '../../lib/format';

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

export function APIKeysPage() {
  const [{ data, fetching, error }] = useQuery({ query: APIKeysQuery, context: listContext });
  const [, revoke] = useMutation(RevokeAPIKeyMutation);
  const [createOpen, setCreateOpen] = useState(false);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);

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
          <Title order={2}>API keys</Title>
          <Text c="dimmed" size="sm" mt={4}>
            Use API keys to create and read invoices from your own systems. Send a key as{' '}
            <Code>Authorization: Bearer &lt;key&gt;</Code>.
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
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Key</Table.Th>
              <Table.Th>Created by</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Last used</Table.Th>
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
              <Table.Tr key={k.id} c={k.revokedAt ? 'dimmed' : undefined}>
                <Table.Td fw={500}>{k.name}</Table.Td>
                <Table.Td>
                  <Code>{k.prefix}…</Code>
                </Table.Td>
                <Table.Td>{k.createdBy}</Table.Td>
                <Table.Td>{formatDate(k.createdAt)}</Table.Td>
                <Table.Td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'Never'}</Table.Td>
                <Table.Td>
                  {k.revokedAt ? (
                    <Tooltip label={`Revoked ${formatDateTime(k.revokedAt)}`}>
                      <Badge color="gray" variant="light" radius="sm">
                        Revoked
                      </Badge>
                    </Tooltip>
                  ) : (
                    <Badge color="green" variant="light" radius="sm">
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

function CreateKeyModal({ opened, onClose, onCreated }: {
  opened: boolean;
  onClose: () => void;
  onCreated: (s: { name: string; secret: string }) => void;
}) {
  const [{ fetching }, create] = useMutation(CreateAPIKeyMutation);
  const form = useForm({
    initialValues: { name: '' },
    validate: { name: (v) => (v.trim() ? null : 'Give the key a name') },
  });
  const submit = form.onSubmit(async ({ name }) => {
    const res = await create({ input: { name: name.trim() } }, listContext);
    if (showError(res.error, { form, title: "Couldn't create the key" }) || !res.data) return;
    form.reset();
    onCreated({ name: res.data.createAPIKey.apiKey.name, secret: res.data.createAPIKey.secret });
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
