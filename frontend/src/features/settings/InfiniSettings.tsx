import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Divider,
  Group,
  Paper,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  ThemeIcon,
  Title,
  Tooltip,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy, IconCreditCard, IconFlask, IconInfoCircle, IconShieldCheck } from '@tabler/icons-react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import type { PaymentSettingsFragment } from '../../gql/graphql';
import { showError } from '../../lib/errors';

const SetInfiniCredentialsMutation = graphql(`
  mutation SetInfiniCredentials($input: InfiniCredentialsInput!) {
    setInfiniCredentials(input: $input) {
      ...PaymentSettings
    }
  }
`);

const ClearInfiniCredentialsMutation = graphql(`
  mutation ClearInfiniCredentials {
    clearInfiniCredentials {
      ...PaymentSettings
    }
  }
`);

type Infini = PaymentSettingsFragment['infini'];

const PRODUCTION = 'https://openapi.infini.money';
const SANDBOX = 'https://openapi-sandbox.infini.money';

const environments = [
  { value: PRODUCTION, label: 'Production (openapi.infini.money)' },
  { value: SANDBOX, label: 'Sandbox (openapi-sandbox.infini.money)' },
];

interface CredentialValues {
  keyID: string;
  secret: string;
  webhookSecret: string;
  baseURL: string;
}

type Mode = 'builtin-sandbox' | 'own-sandbox' | 'live' | 'off';

function modeOf(infini: Infini): Mode {
  if (!infini.configured) return 'off';
  if (!infini.keyID) return 'builtin-sandbox';
  return infini.sandbox ? 'own-sandbox' : 'live';
}

const modeBadge: Record<Mode, { label: string; color: string }> = {
  'builtin-sandbox': { label: 'Sandbox', color: 'yellow' },
  'own-sandbox': { label: 'Sandbox', color: 'yellow' },
  live: { label: 'Live', color: 'green' },
  off: { label: 'Not set up', color: 'gray' },
};

/** Which Infini account takes the card and Infini crypto payments, and the keys to use your own. */
export function InfiniSettings({ infini }: { infini: Infini }) {
  const [{ fetching: saving }, setCredentials] = useMutation(SetInfiniCredentialsMutation);
  const [, clearCredentials] = useMutation(ClearInfiniCredentialsMutation);
  const mode = modeOf(infini);
  const form = useForm<CredentialValues>({
    initialValues: { keyID: '', secret: '', webhookSecret: '', baseURL: PRODUCTION },
    validate: {
      keyID: (v) => (v.trim() ? null : 'Enter the API key id'),
      secret: (v) => (v.trim() ? null : 'Enter the API secret'),
    },
  });

  const submit = form.onSubmit(async (values) => {
    const res = await setCredentials({
      input: {
        keyID: values.keyID.trim(),
        secret: values.secret.trim(),
        webhookSecret: values.webhookSecret.trim() || null,
        baseURL: values.baseURL,
      },
    });
    if (showError(res.error, { form, title: "Couldn't save the Infini keys" })) return;
    form.reset();
    const sandbox = res.data?.setInfiniCredentials.infini.sandbox;
    notifications.show({
      color: 'green',
      icon: <IconCheck size={18} />,
      title: 'Infini keys saved',
      message: sandbox
        ? 'Checkouts now go to your Infini sandbox: no real money moves.'
        : 'Card and crypto checkouts now pay into your Infini account.',
    });
  });

  const onRemove = () =>
    modals.openConfirmModal({
      title: 'Remove your Infini keys?',
      centered: true,
      children: (
        <Text size="sm">
          Tally forgets the key id and secrets. A development server goes back to its built-in sandbox; in production,
          card and Infini crypto checkout stop being offered until you add keys again. Checkouts already started keep
          their orders at Infini.
        </Text>
      ),
      labels: { confirm: 'Remove keys', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: async () => {
        const res = await clearCredentials({});
        if (showError(res.error, { title: "Couldn't remove the keys" }) || !res.data) return;
        const next = modeOf(res.data.clearInfiniCredentials.infini);
        notifications.show({
          message: next === 'builtin-sandbox' ? 'Keys removed. Checkouts use the built-in sandbox.' : 'Keys removed.',
        });
      },
    });

  const badge = modeBadge[mode];

  return (
    <Paper withBorder p="xl" component="section" aria-labelledby="infini-title">
      <Stack gap="lg">
        <Group gap="sm" wrap="nowrap" align="flex-start">
          <ThemeIcon variant="light" size={36} radius="md">
            <IconCreditCard size={20} />
          </ThemeIcon>
          <div style={{ flex: 1 }}>
            <Group gap="sm">
              <Title order={2} size="h4" id="infini-title">
                Infini (card and crypto checkout)
              </Title>
              <Badge color={badge.color} variant="light" radius="sm" data-testid="infini-mode" data-mode={mode}>
                {badge.label}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed" mt={4}>
              Your customer pays by card or in crypto on Infini's hosted checkout; Infini settles the money to your
              Infini account and tells Tally, which marks the invoice paid.
            </Text>
          </div>
        </Group>

        <CurrentAccount infini={infini} mode={mode} onRemove={onRemove} />

        {infini.keyID && <WebhookURL url={infini.webhookURL} />}

        <Divider />

        <form onSubmit={submit} noValidate aria-label="Infini API keys">
          <Stack gap="md">
            <div>
              <Text fw={600}>{infini.keyID ? 'Replace your keys' : 'Use your own Infini account'}</Text>
              <Text size="sm" c="dimmed">
                From the Developer page of Infini's merchant dashboard. Tally never shows the secrets again once saved.
              </Text>
            </div>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <TextInput label="API key id" withAsterisk autoComplete="off" {...form.getInputProps('keyID')} />
              <Select
                label="Environment"
                data={environments}
                allowDeselect={false}
                {...form.getInputProps('baseURL')}
              />
              <PasswordInput label="API secret" withAsterisk autoComplete="new-password" {...form.getInputProps('secret')} />
              <PasswordInput
                label="Webhook secret"
                description="Leave empty if Infini signs webhooks with the API secret"
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                autoComplete="new-password"
                {...form.getInputProps('webhookSecret')}
              />
            </SimpleGrid>
            {!infini.keyID && <WebhookURL url={infini.webhookURL} />}
            <Group justify="flex-end" gap="sm">
              {form.isDirty() && (
                <Button variant="default" onClick={() => form.reset()} disabled={saving}>
                  Discard
                </Button>
              )}
              <Button type="submit" loading={saving} disabled={!form.isDirty()}>
                Save keys
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Paper>
  );
}

/** Where Infini payments go now: the built-in sandbox, the merchant's own keys, or nowhere. */
function CurrentAccount({ infini, mode, onRemove }: { infini: Infini; mode: Mode; onRemove: () => void }) {
  if (mode === 'off') {
    return (
      <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />} title="Not set up">
        Add your Infini API keys below to offer card and Infini crypto checkout on your invoices.
      </Alert>
    );
  }
  if (mode === 'builtin-sandbox') {
    return (
      <Alert color="yellow" variant="light" icon={<IconFlask size={18} />} title="Sandbox: no real money moves">
        This server's built-in sandbox stands in for Infini, so you can try card and crypto checkout from start to
        finish. Add your own keys below to take real payments.
      </Alert>
    );
  }
  return (
    <Alert
      color={mode === 'live' ? 'green' : 'yellow'}
      variant="light"
      icon={mode === 'live' ? <IconShieldCheck size={18} /> : <IconFlask size={18} />}
      title={mode === 'live' ? 'Live: payments go to your Infini account' : 'Sandbox: no real money moves'}
    >
      <Stack gap={6}>
        {mode === 'own-sandbox' && <Text size="sm">Your keys for Infini's sandbox: checkouts are for testing.</Text>}
        <Group gap="xs">
          <Text size="sm" w={72} c="dimmed">
            Key id
          </Text>
          <Code data-testid="infini-key-id">{infini.keyID}</Code>
        </Group>
        <Group gap="xs">
          <Text size="sm" w={72} c="dimmed">
            Base URL
          </Text>
          <Code>{infini.baseURL}</Code>
        </Group>
        <Group mt={4}>
          <Button size="xs" variant="default" color="red" onClick={onRemove}>
            Remove keys
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

/** Where Infini sends payment notifications for this merchant, ready to copy. */
function WebhookURL({ url }: { url: string }) {
  return (
    <TextInput
      label="Webhook URL"
      description="Paste it on the Developer page of Infini's merchant dashboard, so Infini tells Tally when a payment arrives."
      value={url}
      readOnly
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-sm)' } }}
      onFocus={(e) => e.currentTarget.select()}
      rightSection={
        <CopyButton value={url}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
              <ActionIcon variant="subtle" color={copied ? 'green' : 'gray'} onClick={copy} aria-label="Copy webhook URL">
                {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      }
    />
  );
}
