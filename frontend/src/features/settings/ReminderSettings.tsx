import {
  Alert,
  Badge,
  Button,
  CloseButton,
  Divider,
  Group,
  Input,
  NumberInput,
  Paper,
  SegmentedControl,
  Skeleton,
  Stack,
  Switch,
  Text,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconPlus } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import type { ReminderSettingsFragment, UpdateMerchantInput } from '../../gql/graphql';
import { showError } from '../../lib/errors';
import {
  normalizeSteps,
  reminderPresets,
  reminderScheduleSentence,
  reminderStepLabel,
  reminderStepMax,
  reminderStepMin,
  reminderStepsMax,
} from '../../lib/schedule';

graphql(`
  fragment ReminderSettings on Merchant {
    id
    remindersEnabled
    reminderSchedule
    sendReceipts
    notifyPayments
  }
`);

const ReminderSettingsQuery = graphql(`
  query ReminderSettingsPage {
    viewer {
      merchant {
        ...ReminderSettings
      }
    }
  }
`);

const UpdateReminderSettingsMutation = graphql(`
  mutation UpdateReminderSettings($input: UpdateMerchantInput!) {
    updateMerchant(input: $input) {
      ...ReminderSettings
    }
  }
`);

interface ReminderValues {
  remindersEnabled: boolean;
  reminderSchedule: number[];
  sendReceipts: boolean;
  notifyPayments: boolean;
}

function valuesOf(m: ReminderSettingsFragment): ReminderValues {
  return {
    remindersEnabled: m.remindersEnabled,
    reminderSchedule: normalizeSteps(m.reminderSchedule ?? []),
    sendReceipts: m.sendReceipts,
    notifyPayments: m.notifyPayments,
  };
}

type Side = 'before' | 'on' | 'after';

// The server names a bad step by its index ("reminderSchedule[2]"); the
// message belongs under the whole list.
const stepFields = Object.fromEntries(
  Array.from({ length: reminderStepsMax + 1 }, (_, i) => [`reminderSchedule[${i}]`, 'reminderSchedule']),
);

/**
 * Settings -> "Reminders & receipts": whether open invoices are reminded,
 * when (steps in days relative to the due date), and the emails a payment
 * sends. Saved on its own, apart from the business details.
 */
export function ReminderSettings() {
  const [{ data, error }] = useQuery({ query: ReminderSettingsQuery });
  const [{ fetching: saving }, save] = useMutation(UpdateReminderSettingsMutation);
  const form = useForm<ReminderValues>({
    initialValues: { remindersEnabled: true, reminderSchedule: [], sendReceipts: true, notifyPayments: true },
  });
  const [ready, setReady] = useState(false);
  // The step being added: how many days, and on which side of the due date.
  const [days, setDays] = useState<string | number>(30);
  const [side, setSide] = useState<Side>('after');
  const merchant = data?.viewer?.merchant;

  useEffect(() => {
    if (!merchant || (ready && form.isDirty())) return;
    const v = valuesOf(merchant);
    form.setInitialValues(v);
    form.setValues(v);
    form.resetDirty(v);
    // eslint-disable-next-line react-hooks/set-state-in-effect -- marks the form filled from the server's values, which arrive over the network
    setReady(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- follows the server's values; form is a new object every render
  }, [merchant]);

  const steps = form.values.reminderSchedule;
  const newStep = side === 'on' ? 0 : (side === 'before' ? -1 : 1) * Number(days || 0);
  const stepError = (() => {
    if (side !== 'on' && (!Number.isInteger(Number(days)) || Number(days) < 1)) return 'Enter a number of days';
    if (newStep < reminderStepMin) return `At most ${-reminderStepMin} days before`;
    if (newStep > reminderStepMax) return `At most ${reminderStepMax} days after`;
    if (steps.includes(newStep)) return 'Already in the schedule';
    if (steps.length >= reminderStepsMax) return `At most ${reminderStepsMax} reminders`;
    return null;
  })();

  const setSteps = (next: number[]) => {
    form.setFieldValue('reminderSchedule', normalizeSteps(next));
    form.clearFieldError('reminderSchedule');
  };

  const submit = form.onSubmit(async (values) => {
    const input: UpdateMerchantInput = {};
    if (form.isDirty('remindersEnabled')) input.remindersEnabled = values.remindersEnabled;
    if (form.isDirty('reminderSchedule')) input.reminderSchedule = values.reminderSchedule;
    if (form.isDirty('sendReceipts')) input.sendReceipts = values.sendReceipts;
    if (form.isDirty('notifyPayments')) input.notifyPayments = values.notifyPayments;
    const res = await save({ input });
    if (showError(res.error, { form, fields: stepFields, title: "Couldn't save your reminder settings" }) || !res.data) return;
    const saved = valuesOf(res.data.updateMerchant);
    form.setInitialValues(saved);
    form.setValues(saved);
    form.resetDirty(saved);
    notifications.show({
      color: 'green',
      icon: <IconCheck size={18} />,
      title: 'Reminder settings saved',
      message: saved.remindersEnabled ? `Open invoices are reminded: ${reminderScheduleSentence(saved.reminderSchedule).toLowerCase()}.` : 'Automatic reminders are off.',
    });
  });

  const dirty = form.isDirty();
  const v = form.values;

  return (
    <Paper withBorder p={{ base: 'md', sm: 'xl' }} component="section" aria-labelledby="settings-reminders">
      <Title order={2} size="h4" id="settings-reminders">
        Reminders &amp; receipts
      </Title>
      <Text size="sm" c="dimmed" mt={2}>
        Tally chases open invoices by email and confirms payments, so you don't have to.
      </Text>
      {error && !data ? (
        <Alert color="red" mt="md" title="Couldn't load your reminder settings">
          {error.graphQLErrors[0]?.message ?? 'Check your connection and try again.'}
        </Alert>
      ) : !ready ? (
        <Stack gap="sm" mt="md">
          <Skeleton h={24} w={240} />
          <Skeleton h={60} />
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Reminders and receipts">
          <Stack gap="lg" mt="md">
            <Switch
              label="Send automatic reminders"
              description="Emails the customer the invoice again with what is still due and the payment link, on the schedule below. Never for paid, void or uncollectible invoices, nor to an address that bounces. Single invoices can opt out."
              {...form.getInputProps('remindersEnabled', { type: 'checkbox' })}
            />

            <Input.Wrapper
              label="Reminder schedule"
              labelElement="div"
              description={reminderScheduleSentence(steps)}
              error={form.errors.reminderSchedule}
              inputWrapperOrder={['label', 'description', 'input', 'error']}
              opacity={v.remindersEnabled ? 1 : 0.6}
            >
              <Group gap={6} mt={8} role="list" aria-label="Reminder steps" data-testid="reminder-steps">
                {steps.length === 0 && (
                  <Text size="sm" c="dimmed">
                    No reminders: add a step or pick a preset.
                  </Text>
                )}
                {steps.map((d) => (
                  <Badge
                    key={d}
                    role="listitem"
                    size="lg"
                    radius="xl"
                    variant="light"
                    color="gray"
                    tt="none"
                    fw={500}
                    pr={4}
                    data-step={d}
                    rightSection={
                      // A real button with a name: Mantine's Pill hides its remove button from assistive technology.
                      <CloseButton
                        size="xs"
                        radius="xl"
                        onClick={() => setSteps(steps.filter((s) => s !== d))}
                        aria-label={`Remove "${reminderStepLabel(d)}"`}
                      />
                    }
                  >
                    {reminderStepLabel(d)}
                  </Badge>
                ))}
              </Group>
            </Input.Wrapper>

            <Group gap="sm" align="flex-end" wrap="wrap">
              {side !== 'on' && (
                <NumberInput
                  label="Days"
                  w={90}
                  min={1}
                  max={side === 'before' ? -reminderStepMin : reminderStepMax}
                  allowDecimal={false}
                  allowNegative={false}
                  value={days}
                  onChange={setDays}
                />
              )}
              <Input.Wrapper label="When" labelElement="div">
                <SegmentedControl
                  display="flex"
                  mt={4}
                  aria-label="When, relative to the due date"
                  data={[
                    { value: 'before', label: 'Before' },
                    { value: 'on', label: 'On due date' },
                    { value: 'after', label: 'After' },
                  ]}
                  value={side}
                  onChange={(s) => setSide(s as Side)}
                />
              </Input.Wrapper>
              <Button
                variant="light"
                leftSection={<IconPlus size={16} />}
                disabled={stepError !== null}
                onClick={() => setSteps([...steps, newStep])}
                title={stepError ?? undefined}
              >
                Add {stepError === null ? `"${reminderStepLabel(newStep).toLowerCase()}"` : 'step'}
              </Button>
            </Group>
            {stepError && steps.length > 0 && (
              <Text size="xs" c="dimmed" mt={-8}>
                {stepError}
              </Text>
            )}

            <Group gap={6}>
              <Text size="sm" c="dimmed">
                Presets:
              </Text>
              {reminderPresets.map((p) => (
                <Button
                  key={p.label}
                  size="compact-sm"
                  variant={p.steps.join() === steps.join() ? 'filled' : 'default'}
                  onClick={() => setSteps(p.steps)}
                  title={reminderScheduleSentence(p.steps)}
                  aria-pressed={p.steps.join() === steps.join()}
                >
                  {p.label}
                </Button>
              ))}
            </Group>

            <Divider />

            <Switch
              label="Send receipts"
              description="Emails the customer a receipt with a PDF for each payment: amount, method, date, reference and what is still due."
              {...form.getInputProps('sendReceipts', { type: 'checkbox' })}
            />
            <Switch
              label="Notify me of payments"
              description={'Emails you "you got paid" for each payment.'}
              {...form.getInputProps('notifyPayments', { type: 'checkbox' })}
            />

            <Group justify="flex-end" gap="sm">
              {dirty && (
                <Button variant="default" onClick={() => form.reset()} disabled={saving}>
                  Discard changes
                </Button>
              )}
              <Button type="submit" loading={saving} disabled={!dirty}>
                Save reminders
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Paper>
  );
}
