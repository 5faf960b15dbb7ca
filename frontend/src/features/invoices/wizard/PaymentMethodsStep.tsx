import { Anchor, Checkbox, Group, SimpleGrid, Skeleton, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconCreditCard, IconCurrencyBitcoin, IconSettings } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../../gql';
import type { PaymentMethod } from '../../../gql/graphql';
import type { WizardForm } from './form';

// What the merchant can offer, as the server sees it from their payment
// settings: an Infini account (sandbox or their own) and stablecoin wallets.
const WizardPaymentMethodsQuery = graphql(`
  query WizardPaymentMethods {
    viewer {
      merchant {
        id
        paymentMethods {
          method
          available
          detail
        }
      }
    }
  }
`);

const methods: { value: PaymentMethod; label: string; icon: typeof IconCreditCard }[] = [
  { value: 'CRYPTO', label: 'Cryptocurrency (stablecoins)', icon: IconCurrencyBitcoin },
  { value: 'INFINI_CARD', label: 'Infini Corporate Card', icon: IconCreditCard },
];

interface Offer {
  available: boolean;
  detail: string;
}

/**
 * The server checks this again on save; saying it here keeps the merchant
 * from picking a method that would only be refused.
 */
function offerOf(method: PaymentMethod, currency: string, server?: { available: boolean; detail: string }): Offer | null {
  if (!server) return null;
  if (!server.available) return { available: false, detail: server.detail };
  if (method === 'CRYPTO' && currency !== 'USD') {
    return {
      available: false,
      detail: `Stablecoins are dollars, so crypto is offered on USD invoices only; this invoice is in ${currency}.`,
    };
  }
  return { available: true, detail: server.detail };
}

export function PaymentMethodsStep({ form }: { form: WizardForm }) {
  const [{ data, fetching }] = useQuery({ query: WizardPaymentMethodsQuery, requestPolicy: 'cache-and-network' });
  const { error, ...props } = form.getInputProps('methods');
  const { currency, methods: chosen } = form.values;
  const server = data?.viewer?.merchant.paymentMethods;
  // Unknown (the query failed): offer everything and let the server decide on save.
  const unknown = !server && !fetching;

  return (
    <Stack gap="sm">
      <Checkbox.Group {...props} error={error}>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {methods.map((m) => {
            if (!server && !unknown) return <Skeleton key={m.value} h={92} radius="md" />;
            const offer = unknown ? { available: true, detail: '' } : offerOf(m.value, currency, server?.find((s) => s.method === m.value));
            // A method can still be unticked after it stopped being available (e.g. a saved draft).
            const disabled = !offer?.available && !chosen.includes(m.value);
            return (
              <Checkbox.Card
                key={m.value}
                value={m.value}
                radius="md"
                p="md"
                aria-label={m.label}
                disabled={disabled}
                data-available={offer?.available ? 'true' : 'false'}
                style={disabled ? { cursor: 'not-allowed', background: 'var(--mantine-color-gray-0)' } : undefined}
              >
                <Group wrap="nowrap" align="flex-start">
                  <Checkbox.Indicator mt={2} disabled={disabled} />
                  <ThemeIcon variant="light" size={34} radius="md" color={offer?.available ? undefined : 'gray'}>
                    <m.icon size={20} />
                  </ThemeIcon>
                  <div style={{ minWidth: 0 }}>
                    <Text fw={500} size="sm" c={offer?.available ? undefined : 'dimmed'}>
                      {m.label}
                    </Text>
                    {offer?.detail && (
                      <Text size="xs" c={offer.available ? 'dimmed' : 'orange.8'} data-testid={`method-detail-${m.value}`}>
                        {offer.detail}
                      </Text>
                    )}
                  </div>
                </Group>
              </Checkbox.Card>
            );
          })}
        </SimpleGrid>
      </Checkbox.Group>
      {server?.some((s) => !s.available) && (
        <Group gap={6}>
          <IconSettings size={14} color="var(--mantine-color-dimmed)" />
          <Text size="sm" c="dimmed">
            Set up more ways to get paid in{' '}
            <Anchor component={Link} to="/settings/payments" size="sm">
              Settings → Payments
            </Anchor>
            . Your draft is saved; come back to it from the invoices list.
          </Text>
        </Group>
      )}
    </Stack>
  );
}
