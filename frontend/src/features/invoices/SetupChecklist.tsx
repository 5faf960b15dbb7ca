import { Anchor, Badge, Group, List, Paper, Progress, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconCircleCheck, IconCircleDashed } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../gql';

const SetupQuery = graphql(`
  query SetupChecklist {
    viewer {
      merchant {
        id
        name
        taxID
        postalAddress {
          country
        }
        bankAccount {
          iban
          accountNumber
        }
        logo {
          width
        }
      }
    }
    taxRates(first: 1) {
      totalCount
    }
    invoices(first: 1) {
      totalCount
    }
  }
`);

const context = { additionalTypenames: ['Merchant', 'TaxRate', 'Invoice'] };

interface Step {
  label: string;
  hint: string;
  done: boolean;
  to: string;
  optional?: boolean;
}

/**
 * First run: what an invoice needs to be one a business can send (name,
 * address, tax ID) and what makes it better. Shown until the essentials are
 * done or the merchant has an invoice.
 */
export function SetupChecklist() {
  const [{ data }] = useQuery({ query: SetupQuery, context });
  const m = data?.viewer?.merchant;
  if (!data || !m || data.invoices.totalCount > 0) return null;
  const steps: Step[] = [
    { label: 'Business name', hint: 'How customers know you', done: !!m.name.trim(), to: '/settings' },
    { label: 'Business address', hint: 'Printed on every invoice', done: !!m.postalAddress, to: '/settings' },
    { label: 'Tax ID', hint: 'Your VAT, GST or other tax number', done: !!m.taxID, to: '/settings' },
    { label: 'A tax rate', hint: 'If you charge VAT, GST or sales tax', done: data.taxRates.totalCount > 0, to: '/settings/taxes', optional: true },
    {
      label: 'Bank details',
      hint: 'So customers can pay by transfer',
      done: !!(m.bankAccount?.iban || m.bankAccount?.accountNumber),
      to: '/settings',
      optional: true,
    },
    { label: 'Logo', hint: 'Shown at the top of your invoices', done: !!m.logo, to: '/settings', optional: true },
  ];
  const essentials = steps.filter((s) => !s.optional);
  const essentialsDone = essentials.filter((s) => s.done).length;
  if (essentialsDone === essentials.length) return null;

  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="setup-title" data-testid="setup-checklist">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={2} size="h4" id="setup-title">
              Set up your business
            </Title>
            <Text size="sm" c="dimmed">
              Invoices need your name, address and tax ID before you send the first one.
            </Text>
          </div>
          <Text size="sm" c="dimmed">
            {essentialsDone} of {essentials.length} essentials done
          </Text>
        </Group>
        <Progress value={(essentialsDone / essentials.length) * 100} size="sm" aria-hidden />
        <List spacing="xs" center>
          {steps.map((s) => (
            <List.Item
              key={s.label}
              data-done={s.done}
              icon={
                <ThemeIcon size={22} radius="xl" variant={s.done ? 'filled' : 'light'} color={s.done ? 'green' : 'gray'}>
                  {s.done ? <IconCircleCheck size={14} aria-label="Done" /> : <IconCircleDashed size={14} aria-label="To do" />}
                </ThemeIcon>
              }
            >
              <Group gap={8} wrap="wrap">
                {s.done ? (
                  <Text size="sm" td="line-through" c="dimmed">
                    {s.label}
                  </Text>
                ) : (
                  <Anchor component={Link} to={s.to} size="sm" fw={500}>
                    {s.label}
                  </Anchor>
                )}
                {s.optional && (
                  <Badge size="xs" variant="light" color="gray">
                    Optional
                  </Badge>
                )}
                <Text size="xs" c="dimmed">
                  {s.hint}
                </Text>
              </Group>
            </List.Item>
          ))}
        </List>
      </Stack>
    </Paper>
  );
}
