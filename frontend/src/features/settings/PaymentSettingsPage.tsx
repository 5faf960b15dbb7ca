import { Alert, Badge, Button, Group, Paper, SimpleGrid, Skeleton, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconCreditCard, IconCurrencyBitcoin, IconRefresh } from '@tabler/icons-react';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import type { PaymentSettingsFragment } from '../../gql/graphql';
import { InfiniSettings } from './InfiniSettings';
import { MatchingSettings } from './MatchingSettings';
import { WalletSettings } from './WalletSettings';

// Everything this page shows. The mutations return it too, so the page (and
// the wizard's list of methods, which holds a Merchant) refresh on save.
graphql(`
  fragment PaymentSettings on Merchant {
    id
    infini {
      configured
      sandbox
      baseURL
      keyID
      webhookURL
    }
    cryptoWallets {
      id
      network
      asset
      address
    }
    paymentMethods {
      method
      available
      detail
    }
    autoMatchConfidence
  }
`);

const PaymentSettingsQuery = graphql(`
  query PaymentSettingsPage {
    viewer {
      merchant {
        ...PaymentSettings
      }
    }
  }
`);

const methodInfo: Record<string, { label: string; icon: typeof IconCreditCard }> = {
  INFINI_CARD: { label: 'Card', icon: IconCreditCard },
  CRYPTO: { label: 'Crypto (stablecoins)', icon: IconCurrencyBitcoin },
};

export function PaymentSettingsPage() {
  const [{ data, error }, refetch] = useQuery({ query: PaymentSettingsQuery });
  const merchant = data?.viewer?.merchant ?? null;

  return (
    <Stack gap="lg">
      <div>
        <Title order={1} size="h2">Payments</Title>
        <Text c="dimmed" size="sm" mt={4}>
          How your customers can pay your invoices from the payment link, and how the money you receive is matched to them.
        </Text>
      </div>

      {error && !data ? (
        <Alert color="red" title="Couldn't load your payment settings">
          <Stack gap="sm" align="flex-start">
            <Text size="sm">
              {error.graphQLErrors[0]?.message
                ? `The server said: ${error.graphQLErrors[0].message}.`
                : 'Check your connection and try again.'}
            </Text>
            <Button size="xs" variant="light" color="red" leftSection={<IconRefresh size={14} />} onClick={() => refetch({ requestPolicy: 'network-only' })}>
              Try again
            </Button>
          </Stack>
        </Alert>
      ) : (
        <>
          <MethodsSummary merchant={merchant} />
          {merchant ? <InfiniSettings infini={merchant.infini} /> : <SectionSkeleton />}
          {merchant ? <WalletSettings wallets={merchant.cryptoWallets} /> : <SectionSkeleton />}
          {merchant ? <MatchingSettings confidence={merchant.autoMatchConfidence} /> : <SectionSkeleton />}
        </>
      )}
    </Stack>
  );
}

function SectionSkeleton() {
  return (
    <Paper withBorder p="xl" data-testid="payments-loading">
      <Stack gap="md">
        <Skeleton h={20} w={260} />
        <Skeleton h={12} w="80%" />
        <Skeleton h={72} />
      </Stack>
    </Paper>
  );
}

/** What the wizard will offer on a new invoice, as the server decides it from the settings below. */
function MethodsSummary({ merchant }: { merchant: PaymentSettingsFragment | null }) {
  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="methods-summary">
      <Stack gap="md">
        <div>
          <Title order={2} size="h5" id="methods-summary">
            On new invoices
          </Title>
          <Text size="sm" c="dimmed" mt={2}>
            You choose the methods for each invoice when you create it; these are the ones you can choose from.
          </Text>
        </div>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
          {!merchant
            ? [0, 1].map((i) => <Skeleton key={i} h={48} />)
            : merchant.paymentMethods.map((m) => {
                const info = methodInfo[m.method] ?? { label: m.method, icon: IconCreditCard };
                return (
                  <Group key={m.method} gap="sm" wrap="nowrap" align="flex-start" data-method={m.method}>
                    <ThemeIcon variant="light" size={32} radius="md" color={m.available ? undefined : 'gray'}>
                      <info.icon size={18} />
                    </ThemeIcon>
                    <div style={{ minWidth: 0 }}>
                      <Group gap={8}>
                        <Text size="sm" fw={500}>
                          {info.label}
                        </Text>
                        <Badge size="sm" radius="sm" variant="light" color={m.available ? 'green' : 'gray'}>
                          {m.available ? 'Available' : 'Not available'}
                        </Badge>
                      </Group>
                      <Text size="xs" c="dimmed" mt={2}>
                        {m.detail}
                      </Text>
                    </div>
                  </Group>
                );
              })}
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}
