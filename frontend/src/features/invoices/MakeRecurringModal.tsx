import {
  Alert,
  Button,
  Input,
  Group,
  List,
  Modal,
  NumberInput,
  Radio,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { IconCheck, IconRepeat } from '@tabler/icons-react';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import type { CreateRecurringScheduleInput, MakeRecurringMutation, RecurringInterval } from '../../gql/graphql';
import { showError } from '../../lib/errors';
import { dayToTime, formatDate } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { everyLabel } from '../../lib/schedule';

const MerchantNowQuery = graphql(`
  query RecurringMerchantNow {
    testClock {
      now
    }
  }
`);

const MakeRecurringDocument = graphql(`
  mutation MakeRecurring($input: CreateRecurringScheduleInput!) {
    createRecurringSchedule(input: $input) {
      id
      interval
      intervalCount
      startDate
      status
      autoSend
      total
      currency
      nextRunAt
      upcoming
    }
  }
`);

// The new schedule is listed on the Recurring page.
const createContext = { additionalTypenames: ['RecurringSchedule'] };

interface RecurringValues {
  interval: RecurringInterval;
  intervalCount: number | string;
  /** "YYYY-MM-DD". */
  startDate: string | null;
  end: 'never' | 'count' | 'date';
  endAfterCount: number | string;
  endDate: string | null;
  autoSend: 'send' | 'draft';
}

type Created = MakeRecurringMutation['createRecurringSchedule'];

/**
 * The first run's time for a start day: noon UTC keeps the day of the month
 * the same in every time zone near UTC; today after noon is "now" by the
 * merchant's clock, so it is never in the past.
 */
function startTime(day: string, now: string): string {
  const noon = `${day}T12:00:00Z`;
  return new Date(noon) < new Date(now) ? now : noon;
}

/**
 * "Make recurring": a schedule that copies this invoice every N days, weeks
 * or months from a start date, until a count or a date, issuing and emailing
 * each copy or leaving it as a draft. Afterwards it shows the next dates.
 */
export function MakeRecurringModal({ invoice, opened, onClose }: {
  invoice: { id: string; number?: string | null; total: string; currency: string; customer: { name: string } };
  opened: boolean;
  onClose: () => void;
}) {
  // The merchant's clock: on a development server it may be ahead of the browser's.
  const [{ data: clock }] = useQuery({ query: MerchantNowQuery, pause: !opened, requestPolicy: 'network-only' });
  const [{ fetching }, create] = useMutation(MakeRecurringDocument);
  const [created, setCreated] = useState<Created | null>(null);
  const now = clock?.testClock.now ?? new Date().toISOString();
  const today = dayjs(now).format('YYYY-MM-DD');

  const form = useForm<RecurringValues>({
    initialValues: {
      interval: 'MONTH',
      intervalCount: 1,
      startDate: today,
      end: 'never',
      endAfterCount: 12,
      endDate: null,
      autoSend: 'send',
    },
    validate: {
      intervalCount: (v) => (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 365 ? null : 'From 1 to 365'),
      startDate: (v) => (!v ? 'Pick the first invoice’s date' : v < today ? 'Today or later' : null),
      endAfterCount: (v, values) =>
        values.end !== 'count' || (Number.isInteger(Number(v)) && Number(v) >= 1) ? null : 'At least 1 invoice',
      endDate: (v, values) =>
        values.end !== 'date' ? null : !v ? 'Pick the last day' : values.startDate && v < values.startDate ? 'On or after the start date' : null,
    },
  });

  useEffect(() => {
    if (!opened) return;
    form.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- resets the form when the modal opens, not whenever the (new each render) form object changes
  }, [opened]);

  // The merchant's today arrives after the modal opens.
  useEffect(() => {
    if (opened && !form.isDirty('startDate')) {
      form.setFieldValue('startDate', today);
      form.resetDirty();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- follows the merchant's clock once loaded
  }, [today, opened]);

  const submit = form.onSubmit(async (v) => {
    const input: CreateRecurringScheduleInput = {
      invoiceID: invoice.id,
      interval: v.interval,
      intervalCount: Number(v.intervalCount),
      startDate: startTime(v.startDate ?? today, now),
      endAfterCount: v.end === 'count' ? Number(v.endAfterCount) : null,
      endDate: v.end === 'date' ? dayToTime(v.endDate) : null,
      autoSend: v.autoSend === 'send',
    };
    const res = await create({ input }, createContext);
    if (showError(res.error, { form, fields: { invoiceID: 'startDate' }, title: "Couldn't make the invoice recurring" }) || !res.data) return;
    setCreated(res.data.createRecurringSchedule);
  });

  const v = form.values;
  const count = Number(v.intervalCount) || 1;

  return (
    <Modal opened={opened} onClose={onClose} title={created ? 'Recurring schedule created' : 'Make recurring'} onExitTransitionEnd={() => setCreated(null)} centered size="lg">
      {created ? (
        <Stack gap="md" data-testid="recurring-result">
          <Alert color="green" icon={<IconCheck size={18} />} title={`${everyLabel(created.interval, created.intervalCount)}, ${formatMoney(created.total, created.currency)}`}>
            {created.autoSend
              ? `Each invoice is issued and emailed to ${invoice.customer.name}.`
              : 'Each run leaves a draft for you to check and issue.'}
          </Alert>
          <div>
            <Text size="sm" fw={500} id="recurring-upcoming">
              Next invoices
            </Text>
            {created.upcoming.length === 0 ? (
              <Text size="sm" c="dimmed">
                None scheduled.
              </Text>
            ) : (
              <List size="sm" mt={4} aria-labelledby="recurring-upcoming" data-testid="recurring-upcoming">
                {created.upcoming.map((d) => (
                  <List.Item key={d}>{formatDate(d)}</List.Item>
                ))}
              </List>
            )}
          </div>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button component={Link} to={`/recurring/${created.id}`} leftSection={<IconRepeat size={16} />}>
              Open schedule
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Make recurring">
          <Stack gap="md">
            <Text size="sm">
              Tally copies {invoice.number ?? 'this invoice'} ({formatMoney(invoice.total, invoice.currency)}) for{' '}
              {invoice.customer.name} every period: same items, taxes and payment methods, each with its own number
              and payment reference.
            </Text>
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md">
              <NumberInput
                label="Every"
                min={1}
                max={365}
                allowDecimal={false}
                allowNegative={false}
                {...form.getInputProps('intervalCount')}
              />
              <Input.Wrapper label="Period" labelElement="div">
                <SegmentedControl
                  mt={4}
                  fullWidth
                  aria-label="Period"
                  data={[
                    { value: 'DAY', label: count === 1 ? 'Day' : 'Days' },
                    { value: 'WEEK', label: count === 1 ? 'Week' : 'Weeks' },
                    { value: 'MONTH', label: count === 1 ? 'Month' : 'Months' },
                  ]}
                  value={v.interval}
                  onChange={(i) => form.setFieldValue('interval', i as RecurringInterval)}
                />
              </Input.Wrapper>
            </SimpleGrid>
            <DateInput
              label="First invoice on"
              withAsterisk
              valueFormat="MMM D, YYYY"
              minDate={today}
              description={
                v.interval === 'MONTH' && v.startDate && Number(v.startDate.slice(8)) > 28
                  ? 'In shorter months, the invoice is made on the last day.'
                  : everyLabel(v.interval, count) + (v.startDate ? ` from ${formatDate(`${v.startDate}T12:00:00Z`)}` : '')
              }
              {...form.getInputProps('startDate')}
            />
            <Radio.Group label="Ends" {...form.getInputProps('end')}>
              <Stack gap="xs" mt={6}>
                <Radio value="never" label="Never (until you cancel it)" />
                <Group gap="xs" wrap="nowrap" align="center">
                  <Radio value="count" label="After" />
                  <NumberInput
                    aria-label="Number of invoices"
                    w={90}
                    size="xs"
                    min={1}
                    allowDecimal={false}
                    allowNegative={false}
                    disabled={v.end !== 'count'}
                    {...form.getInputProps('endAfterCount')}
                  />
                  <Text size="sm">invoices</Text>
                </Group>
                <Group gap="xs" wrap="nowrap" align="center">
                  <Radio value="date" label="On" />
                  <DateInput
                    aria-label="Last day"
                    size="xs"
                    w={160}
                    valueFormat="MMM D, YYYY"
                    minDate={v.startDate ?? today}
                    disabled={v.end !== 'date'}
                    placeholder="Pick a day"
                    {...form.getInputProps('endDate')}
                  />
                </Group>
              </Stack>
            </Radio.Group>
            <Radio.Group label="Each invoice" {...form.getInputProps('autoSend')}>
              <Stack gap="xs" mt={6}>
                <Radio value="send" label="Issue and email it" description="The customer gets it on the day, with the payment link." />
                <Radio value="draft" label="Create a draft for me" description="You check it and issue it yourself." />
              </Stack>
            </Radio.Group>
            <Group justify="flex-end" mt="xs">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={fetching} leftSection={<IconRepeat size={16} />}>
                Make recurring
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
