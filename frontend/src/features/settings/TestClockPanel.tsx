import { Alert, Badge, Button, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { IconClockPlay } from '@tabler/icons-react';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import type { AdvanceTestClockMutation as Advanced } from '../../gql/graphql';
import { errorCode, showError } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';

const TestClockQuery = graphql(`
  query TestClock {
    testClock {
      now
      offsetHours
    }
  }
`);

const AdvanceTestClockMutation = graphql(`
  mutation AdvanceTestClock($input: AdvanceTestClockInput!) {
    advanceTestClock(input: $input) {
      now
      offsetHours
      ran {
        job
        count
      }
    }
  }
`);

// What an advance may have changed: lists and pages holding these refetch.
const advanceContext = {
  additionalTypenames: ['Invoice', 'Email', 'RecurringSchedule', 'WebhookDelivery', 'WebhookEndpoint', 'Customer'],
};

const jobLabel: Record<string, string> = {
  overdue: 'Invoices marked overdue',
  reminders: 'Reminders queued',
  recurring: 'Recurring invoices made',
  webhooks: 'Webhook deliveries attempted',
};

const steps = [
  { hours: 24, label: '+1 day' },
  { hours: 24 * 7, label: '+7 days' },
  { hours: 24 * 30, label: '+30 days' },
];

/** "+0 h", "+26 h (1 day 2 h)". */
function offsetLabel(hours: number): string {
  if (hours < 24) return `+${hours} h`;
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return `+${hours} h (${d} ${d === 1 ? 'day' : 'days'}${h ? ` ${h} h` : ''})`;
}

/**
 * Development servers only: the merchant's test clock, moved forward a day,
 * a week or a month, running what became due (reminders, overdue, recurring
 * invoices, webhook retries) before it answers. A production server answers
 * FORBIDDEN, and the panel is not shown.
 */
export function TestClockPanel() {
  const [{ data, error }] = useQuery({ query: TestClockQuery });
  const [{ fetching }, advance] = useMutation(AdvanceTestClockMutation);
  const [ran, setRan] = useState<{ label: string; work: Advanced['advanceTestClock']['ran'] } | null>(null);
  const [moving, setMoving] = useState<number | null>(null);
  const [latest, setLatest] = useState<{ now: string; offsetHours: number } | null>(null);

  const forbidden = error?.graphQLErrors.some((e) => errorCode(e) === 'FORBIDDEN');
  if (forbidden) return null;
  // A clock that can't be read on a development server is not worth a page
  // of alarm: the panel stays out of the way.
  if (error && !data) return null;
  // The last advance's answer is newer than the query's until it refetches.
  const clock = latest ?? data?.testClock;

  const onAdvance = async (hours: number, label: string) => {
    setMoving(hours);
    const res = await advance({ input: { hours } }, advanceContext);
    setMoving(null);
    if (showError(res.error, { title: "Couldn't move the test clock" }) || !res.data) return;
    const { now, offsetHours, ran: work } = res.data.advanceTestClock;
    setLatest({ now, offsetHours });
    setRan({ label, work });
  };

  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="test-clock">
      <Stack gap="sm">
        <Group gap="xs" justify="space-between">
          <Group gap="xs">
            <IconClockPlay size={18} stroke={1.6} />
            <Title order={2} size="h5" id="test-clock">
              Test clock
            </Title>
          </Group>
          <Badge variant="light" color="orange" radius="sm">
            Development
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          Move your account's time forward to see reminders, overdue invoices, recurring invoices and webhook
          retries happen now, instead of waiting. Only on a development server.
        </Text>
        <Text size="sm" data-testid="test-clock-now" aria-live="polite">
          Test clock: <b>{clock ? formatDateTime(clock.now) : '…'}</b>{' '}
          {clock && (
            <Text span c="dimmed" size="sm">
              ({offsetLabel(clock.offsetHours)})
            </Text>
          )}
        </Text>
        <Group gap="xs" role="group" aria-label="Move the test clock forward">
          {steps.map((s) => (
            <Button
              key={s.hours}
              size="xs"
              variant="default"
              loading={moving === s.hours}
              disabled={fetching && moving !== s.hours}
              onClick={() => onAdvance(s.hours, s.label)}
            >
              {s.label}
            </Button>
          ))}
        </Group>
        {ran && (
          <Alert variant="light" color="indigo" p="sm" title={`Ran after ${ran.label}`} data-testid="test-clock-ran">
            {ran.work.filter((w) => w.count > 0).length === 0 ? (
              <Text size="sm">Nothing was due.</Text>
            ) : (
              <List size="sm" spacing={2}>
                {ran.work
                  .filter((w) => w.count > 0)
                  .map((w) => (
                    <List.Item key={w.job}>
                      {jobLabel[w.job] ?? w.job}: <b>{w.count}</b>
                    </List.Item>
                  ))}
              </List>
            )}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
