import {
  ActionIcon,
  Badge,
  Button,
  Divider,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  ThemeIcon,
  Title,
  Tooltip,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconCheck, IconPlus, IconTrash, IconWallet } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { showError } from '../../lib/errors';
import { assetsOn, networkLabel, networks } from './networks';

const SetCryptoWalletsMutation = graphql(`
  mutation SetCryptoWallets($wallets: [CryptoWalletInput!]!) {
    setCryptoWallets(wallets: $wallets) {
      ...PaymentSettings
    }
  }
`);

interface WalletRow {
  /** Stable React key; never sent to the server. */
  key: string;
  network: string;
  asset: string;
  address: string;
}

interface WalletValues {
  wallets: WalletRow[];
}

interface SavedWallet {
  id: string;
  network: string;
  asset: string;
  address: string;
}

let nextKey = 0;
function row(w: Partial<Omit<WalletRow, 'key'>> = {}): WalletRow {
  nextKey += 1;
  return { key: `wallet-${nextKey}`, network: 'ETHEREUM', asset: 'USDT', address: '', ...w };
}

function rowsOf(wallets: SavedWallet[]): WalletRow[] {
  return wallets.map((w) => row({ network: w.network, asset: w.asset, address: w.address }));
}

/** The first network/asset pair not yet listed, for a new row. */
function unusedPair(rows: WalletRow[]): { network: string; asset: string } {
  for (const n of networks) {
    for (const asset of assetsOn(n.value)) {
      if (!rows.some((r) => r.network === n.value && r.asset === asset)) return { network: n.value, asset };
    }
  }
  return { network: 'ETHEREUM', asset: 'USDT' };
}

/** The merchant's own USDT/USDC receiving addresses, one per network and coin, saved as a whole list. */
export function WalletSettings({ wallets }: { wallets: SavedWallet[] }) {
  const [{ fetching: saving }, save] = useMutation(SetCryptoWalletsMutation);
  const form = useForm<WalletValues>({
    initialValues: { wallets: rowsOf(wallets) },
    validate: {
      wallets: {
        address: (v) => (v.trim() ? null : 'Enter the receiving address'),
        asset: (v, values, path) => {
          const i = Number(path.split('.')[1]);
          const r = values.wallets[i];
          const earlier = values.wallets.slice(0, i).some((o) => o.network === r.network && o.asset === v);
          return earlier ? `${v} on ${networkLabel[r.network]} is already listed` : null;
        },
      },
    },
  });

  // Take the server's list when it changes, unless the user is editing.
  const serverKey = JSON.stringify(wallets.map((w) => [w.network, w.asset, w.address]));
  useEffect(() => {
    if (form.isDirty()) return;
    const rows = rowsOf(wallets);
    form.setInitialValues({ wallets: rows });
    form.setValues({ wallets: rows });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- serverKey stands for wallets (compared by content); form is a new object every render
  }, [serverKey]);

  const submit = form.onSubmit(async (values) => {
    const res = await save({
      wallets: values.wallets.map((w) => ({ network: w.network, asset: w.asset, address: w.address.trim() })),
    });
    if (showError(res.error, { form, title: "Couldn't save the wallets" }) || !res.data) return;
    const rows = rowsOf(res.data.setCryptoWallets.cryptoWallets);
    form.setInitialValues({ wallets: rows });
    form.setValues({ wallets: rows });
    form.resetDirty({ wallets: rows });
    notifications.show({
      color: 'green',
      icon: <IconCheck size={18} />,
      title: 'Wallets saved',
      message:
        rows.length === 0
          ? 'Direct stablecoin payments are off.'
          : `Customers can pay USD invoices to ${rows.length === 1 ? 'this address' : `these ${rows.length} addresses`}.`,
    });
  });

  const rows = form.values.wallets;
  const dirty = form.isDirty();

  const setNetwork = (i: number, network: string) => {
    form.setFieldValue(`wallets.${i}.network`, network);
    // Keep the pair valid: Tron has no USDC.
    if (!assetsOn(network).includes(rows[i].asset)) form.setFieldValue(`wallets.${i}.asset`, assetsOn(network)[0]);
  };

  return (
    <Paper withBorder p="xl" component="section" aria-labelledby="wallets-title">
      <form onSubmit={submit} noValidate aria-label="Stablecoin wallets">
        <Stack gap="lg">
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <ThemeIcon variant="light" size={36} radius="md">
              <IconWallet size={20} />
            </ThemeIcon>
            <div style={{ flex: 1 }}>
              <Group gap="sm">
                <Title order={2} size="h4" id="wallets-title">
                  Stablecoin wallets (direct)
                </Title>
                <Badge color={wallets.length ? 'green' : 'gray'} variant="light" radius="sm">
                  {wallets.length ? `${wallets.length} saved` : 'None'}
                </Badge>
              </Group>
              <Text size="sm" c="dimmed" mt={4}>
                Your customer sends USDT or USDC straight to your own address, with no one in between; each checkout
                asks for a unique amount so Tally can match the transfer and mark the invoice paid. For USD invoices.
              </Text>
            </div>
          </Group>

          {rows.length === 0 ? (
            <Text size="sm" c="dimmed" data-testid="wallets-empty">
              No wallets yet. Add the addresses you want to be paid at: one per network and coin.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={640} type="native">
              <Table verticalSpacing="xs" horizontalSpacing="xs" withRowBorders={false}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={190}>Network</Table.Th>
                    <Table.Th w={110}>Coin</Table.Th>
                    <Table.Th>Receiving address</Table.Th>
                    <Table.Th w={44} />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((w, i) => (
                    <Table.Tr key={w.key} data-wallet-row={i} style={{ verticalAlign: 'top' }}>
                      <Table.Td>
                        <Select
                          aria-label={`Wallet ${i + 1} network`}
                          data={networks.map((n) => ({ value: n.value, label: n.label }))}
                          allowDeselect={false}
                          {...form.getInputProps(`wallets.${i}.network`)}
                          onChange={(v) => v && setNetwork(i, v)}
                        />
                      </Table.Td>
                      <Table.Td>
                        <Select
                          aria-label={`Wallet ${i + 1} coin`}
                          data={['USDT', 'USDC'].map((a) => ({
                            value: a,
                            label: a,
                            disabled: !assetsOn(w.network).includes(a),
                          }))}
                          allowDeselect={false}
                          {...form.getInputProps(`wallets.${i}.asset`)}
                        />
                      </Table.Td>
                      <Table.Td>
                        <TextInput
                          aria-label={`Wallet ${i + 1} address`}
                          placeholder={networks.find((n) => n.value === w.network)?.placeholder}
                          spellCheck={false}
                          autoComplete="off"
                          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-sm)' } }}
                          {...form.getInputProps(`wallets.${i}.address`)}
                        />
                      </Table.Td>
                      <Table.Td>
                        <Tooltip label="Remove wallet" withArrow>
                          <ActionIcon
                            variant="subtle"
                            color="gray"
                            size={36}
                            aria-label={`Remove wallet ${i + 1}`}
                            onClick={() => form.removeListItem('wallets', i)}
                          >
                            <IconTrash size={16} />
                          </ActionIcon>
                        </Tooltip>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}

          <Group gap={6} wrap="nowrap" align="flex-start">
            <IconAlertTriangle size={16} color="var(--mantine-color-orange-6)" style={{ flexShrink: 0, marginTop: 2 }} />
            <Text size="xs" c="dimmed">
              Copy each address from your wallet app and check it twice: money sent to a wrong address cannot be
              recovered.
            </Text>
          </Group>

          <Divider />

          <Group justify="space-between">
            <Button
              variant="light"
              leftSection={<IconPlus size={16} />}
              onClick={() => form.insertListItem('wallets', row(unusedPair(rows)))}
            >
              Add wallet
            </Button>
            <Group gap="sm">
              {dirty && (
                <Button variant="default" onClick={() => form.reset()} disabled={saving}>
                  Discard changes
                </Button>
              )}
              <Button type="submit" loading={saving} disabled={!dirty}>
                Save wallets
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
