import { Anchor, Badge, Group, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRepeat } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import type { RecurringInterval, RecurringStatus } from '../../gql/graphql';
import { showError } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { everyLabel, recurringStatusColor, recurringStatusLabel, reminderScheduleSentence } from '../../lib/schedule';

const ReminderDefaultsQuery = graphql(`
  query InvoiceReminderDefaults {
    viewer {
      merchant {
        id
        remindersEnabled
        reminderSchedule
      }
    }
  }
`);

const SetInvoiceRemindersMutation = graphql(`
  mutation SetInvoiceReminders($id: ID!, $remind: Boolean!) {
    setInvoiceReminders(id: $id, remind: $remind) {
      id
      remind
      version
    }
  }
`);

export interface AutomatedInvoice {
  id: string;
  status: string;
  remind: boolean;
  recurringSchedule?: {
    id: string;
    interval: RecurringInterval;
    intervalCount: number;
    status: RecurringStatus;
    nextRunAt?: string | null;
  } | null;
}

/**
 * The invoice's automation, beside its timeline: whether Tally reminds the
 * customer on the merchant's schedule ("Automatic reminders"), and the
 * recurring schedule that made it.
 */
export function InvoiceAutomation({ invoice }: { invoice: AutomatedInvoice }) {
  const [{ data }] = useQuery({ query: ReminderDefaultsQuery });
  const [{ fetching }, setReminders] = useMutation(SetInvoiceRemindersMutation);
  const merchant = data?.viewer?.merchant;
  const owed = invoice.status === 'OPEN' || invoice.status === 'PARTIALLY_PAID' || invoice.status === 'DRAFT';
  const schedule = invoice.recurringSchedule;

  const onToggle = async (remind: boolean) => {
    const res = await setReminders({ id: invoice.id, remind });
    if (showError(res.error, { title: "Couldn't change the reminders" })) return;
    notifications.show({
      message: remind ? 'Automatic reminders are on for this invoice.' : "This invoice won't be reminded automatically.",
    });
  };

  const hint = !owed
    ? 'Only open invoices are reminded.'
    : merchant && !merchant.remindersEnabled
      ? 'Automatic reminders are off for every invoice in Settings.'
      : merchant
        ? `${reminderScheduleSentence(merchant.reminderSchedule ?? [])} (from Settings). Each reminder goes once; "Send reminder" still works by hand.`
        : '';

  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="invoice-automation">
      <Stack gap="sm">
        <Title order={2} size="h5" id="invoice-automation">
          Automation
        </Title>
        <Switch
          label="Automatic reminders"
          description={hint}
          checked={invoice.remind}
          disabled={fetching || !owed}
          onChange={(e) => onToggle(e.currentTarget.checked)}
          data-testid="invoice-remind"
        />
        {schedule && (
          <Group gap="xs" wrap="nowrap" align="flex-start" data-testid="invoice-recurring">
            <IconRepeat size={18} stroke={1.6} style={{ flexShrink: 0, marginTop: 2 }} aria-hidden />
            <div>
              <Text size="sm">
                Made by a recurring schedule:{' '}
                <Anchor component={Link} to={`/recurring/${schedule.id}`} size="sm" fw={500}>
                  {everyLabel(schedule.interval, schedule.intervalCount).toLowerCase()}
                </Anchor>
              </Text>
              <Group gap={6} mt={2}>
                <Badge size="sm" radius="sm" variant="light" color={recurringStatusColor[schedule.status]}>
                  {recurringStatusLabel[schedule.status] ?? schedule.status}
                </Badge>
                {schedule.nextRunAt && (
                  <Text size="xs" c="dimmed">
                    Next invoice {formatDate(schedule.nextRunAt)}
                  </Text>
                )}
              </Group>
            </div>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
