import { Checkbox, Group, SimpleGrid, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconCreditCard, IconCurrencyBitcoin } from '@tabler/icons-react';
import type { PaymentMethod } from '../../../gql/graphql';
import type { WizardForm } from './form';

const methods: { value: PaymentMethod; label: string; description: string; icon: typeof IconCreditCard }[] = [
  {
    value: 'CRYPTO',
    label: 'Cryptocurrency (stablecoins)',
    description: 'Your customer pays in USDT or USDC.',
    icon: IconCurrencyBitcoin,
  },
  {
    value: 'INFINI_CARD',
    label: 'Infini Corporate Card',
    description: 'Your customer pays by card through the hosted checkout.',
    icon: IconCreditCard,
  },
];

export function PaymentMethodsStep({ form }: { form: WizardForm }) {
  const { error, ...props } = form.getInputProps('methods');
  return (
    <Stack gap="sm">
      <Checkbox.Group {...props} error={error}>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {methods.map((m) => (
            <Checkbox.Card key={m.value} value={m.value} radius="md" p="md" aria-label={m.label}>
              <Group wrap="nowrap" align="flex-start">
                <Checkbox.Indicator mt={2} />
                <ThemeIcon variant="light" size={34} radius="md">
                  <m.icon size={20} />
                </ThemeIcon>
                <div>
                  <Text fw={500} size="sm">
                    {m.label}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {m.description}
                  </Text>
                </div>
              </Group>
            </Checkbox.Card>
          ))}
        </SimpleGrid>
      </Checkbox.Group>
    </Stack>
  );
}
