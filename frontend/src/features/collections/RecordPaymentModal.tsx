import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertTriangle, IconCircleCheck, IconHourglass } from '@tabler/icons-react';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import type { PaymentChannel, RecordCollectionMutation } from '../../gql/graphql';
import { ReceivedFields, receivedOnError } from '../../components/ReceivedFields';
import { showError } from '../../lib/errors';
import { receivedTime, today } from '../../lib/format';
import { amountError, formatMoney, isZeroAmount, minorUnits } from '../../lib/money';
import { AllocationRuleBadge } from '../../lib/payments';
import { describeFlag } from './collection';

const RecordPaymentSetupQuery = graphql(`
  query RecordPaymentSetup {
    currencies
    viewer {
      merchant {
        id
        defaultCurrency
      }
    }
  }
`);

const PayerCustomersQuery = graphql(`
  query PayerCustomers($search: String) {
    customers(first: 30, where: { search: $search }, orderBy: { field: NAME, direction: ASC }) {
      edges {
        node {
          id
          name
          email
        }
      }
    }
  }
`);

// Returns the collection and the invoices it paid, so the queue, the
// matched list and every query holding one of those invoices refetch.
const RecordCollectionMutationDoc = graphql(`
  mutation RecordCollection($input: RecordCollectionInput!) {
    recordCollection(input: $input) {
      unallocated
      collection {
        ...CollectionItem
      }
      allocations {
        id
        amount
        rule
        confidence
        invoice {
          id
          number
          status
          amountPaid
          amountDue
          version
          customer {
            id
            name
          }
        }
      }
    }
  }
`);

interface RecordValues {
  amount: string;
  currency: string;
  channel: PaymentChannel;
  /** "YYYY-MM-DD", a day in the browser's time zone. */
  receivedAt: string | null;
  text: string;
  customerID: string | null;
}

type Recorded = RecordCollectionMutation['recordCollection'];

/**
 * "Record payment": money received by bank transfer, in cash or otherwise,
 * for whichever invoice it pays. Tally matches it at once and says where it
 * went, or that it waits for review.
 */
export function RecordPaymentModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [{ data: setup }] = useQuery({ query: RecordPaymentSetupQuery, pause: !opened });
  const [{ fetching }, record] = useMutation(RecordCollectionMutationDoc);
  const [outcome, setOutcome] = useState<Recorded | null>(null);
  const defaultCurrency = setup?.viewer?.merchant.defaultCurrency ?? 'USD';

  const form = useForm<RecordValues>({
    initialValues: fresh(defaultCurrency, 'BANK_TRANSFER'),
    validate: {
      amount: (v, values) => amountError(v, values.currency),
      currency: (v) => (v ? null : 'Choose the currency'),
      receivedAt: receivedOnError,
    },
  });

  // Start afresh each time it opens.
  useEffect(() => {
    if (!opened) return;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- starts afresh when the modal opens; a key would remount the Modal and cut its closing transition
    setOutcome(null);
    form.setValues(fresh(defaultCurrency, 'BANK_TRANSFER'));
    form.resetTouched();
    form.clearErrors();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- resets the form when the modal opens, not whenever the (new each render) form object changes
  }, [opened]);

  // In the merchant's currency once that has loaded, unless one was chosen.
  useEffect(() => {
    if (opened && !form.isTouched('currency')) form.setFieldValue('currency', defaultCurrency);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the merchant's currency arrives, and only if none was chosen
  }, [defaultCurrency]);

  const again = () => {
    setOutcome(null);
    form.setValues(fresh(form.values.currency, form.values.channel));
    form.clearErrors();
  };

  const submit = form.onSubmit(async (values) => {
    const res = await record({
      input: {
        amount: values.amount.trim(),
        currency: values.currency,
        channel: values.channel,
        receivedAt: receivedTime(values.receivedAt),
        text: values.text.trim() || null,
        customerID: values.customerID,
      },
    });
    if (showError(res.error, { form, title: "Couldn't record the payment" }) || !res.data) return;
    setOutcome(res.data.recordCollection);
  });

  const { currency } = form.values;

  return (
    <Modal opened={opened} onClose={onClose} title="Record a payment" centered size="lg">
      {outcome ? (
        <Stack gap="md">
          <Outcome outcome={outcome} onNavigate={onClose} />
          <Group justify="flex-end">
            <Button variant="default" onClick={again}>
              Record another
            </Button>
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Record a payment">
          <Stack gap="md">
            <Text size="sm">
              For money that reached you outside Tally's checkout, such as a bank transfer or cash. Tally finds the
              invoice it pays from the reference or invoice number in the memo, or from the amount a customer owes;
              what it can't place waits for you in the review queue.
            </Text>

            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <TextInput
                label="Amount received"
                withAsterisk
                inputMode="decimal"
                placeholder={(0).toFixed(minorUnits(currency))}
                data-autofocus
                {...form.getInputProps('amount')}
              />
              <Select
                label="Currency"
                withAsterisk
                searchable
                data={setup?.currencies ?? [currency]}
                nothingFoundMessage="No such currency"
                allowDeselect={false}
                {...form.getInputProps('currency')}
              />
            </SimpleGrid>

            <ReceivedFields
              channel={form.values.channel}
              onChannelChange={(c) => form.setFieldValue('channel', c)}
              channelError={form.errors.channel}
              receivedOn={form.getInputProps('receivedAt')}
            />

            <Textarea
              label="Memo"
              description="The transfer's reference or message, as the bank shows it. RF references and invoice numbers are found anywhere in it."
              placeholder="e.g. RF18 5390 0754 7034"
              autosize
              minRows={2}
              maxRows={6}
              {...form.getInputProps('text')}
            />

            <CustomerSelect
              value={form.values.customerID}
              onChange={(id) => form.setFieldValue('customerID', id)}
              error={form.errors.customerID}
            />

            <Group justify="flex-end" mt="xs">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={fetching}>
                Record payment
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function fresh(currency: string, channel: PaymentChannel): RecordValues {
  return { amount: '', currency, channel, receivedAt: today(), text: '', customerID: null };
}

/** Who paid, when the merchant knows: lets Tally match by the amount that customer owes. */
function CustomerSelect({ value, onChange, error }: {
  value: string | null;
  onChange: (id: string | null) => void;
  error?: ReactNode;
}) {
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<{ id: string; name: string; email: string } | null>(null);
  const typed = picked && search === picked.name ? '' : search.trim();
  const [debounced] = useDebouncedValue(typed, 250);
  const [{ data }] = useQuery({ query: PayerCustomersQuery, variables: { search: debounced || null } });
  const customers = useMemo(() => {
    const list = (data?.customers.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
    if (picked && !list.some((c) => c.id === picked.id)) list.unshift(picked);
    return list;
  }, [data, picked]);
  const byID = useMemo(() => new Map(customers.map((c) => [c.id, c])), [customers]);

  return (
    <Select
      label="Customer"
      description="Optional. Who paid, if you know: Tally then also looks at what they owe."
      placeholder="Search customers"
      searchable
      clearable
      data={customers.map((c) => ({ value: c.id, label: c.name }))}
      value={value}
      searchValue={search}
      onSearchChange={setSearch}
      onChange={(id) => {
        setPicked(id ? (byID.get(id) ?? null) : null);
        onChange(id);
      }}
      filter={({ options }) => options}
      renderOption={({ option }) => (
        <div>
          <Text size="sm">{option.label}</Text>
          <Text size="xs" c="dimmed">
            {byID.get(option.value)?.email}
          </Text>
        </div>
      )}
      nothingFoundMessage="No customer matches"
      error={error}
    />
  );
}

/** Where the money went: the invoices it paid, or why it waits for review. */
function Outcome({ outcome, onNavigate }: { outcome: Recorded; onNavigate: () => void }) {
  const { collection, allocations } = outcome;
  const { currency } = collection;
  const numbers = allocations.map((a) => a.invoice.number ?? 'an invoice').join(', ');
  const left = !isZeroAmount(outcome.unallocated);
  const received = `${formatMoney(collection.amount, currency)} recorded.`;

  if (allocations.length === 0) {
    return (
      <Alert color="orange" variant="light" icon={<IconHourglass size={18} />} title="Waiting for review" data-testid="record-outcome">
        <Stack gap="xs">
          <Text size="sm">
            {received} No invoice could be matched with confidence, so it waits in the review queue for you to allocate.
          </Text>
          {collection.flag && (
            <Group>
              <Badge color="orange" variant="light" radius="sm" tt="none" leftSection={<IconAlertTriangle size={12} />}>
                {describeFlag(collection.flag)}
              </Badge>
            </Group>
          )}
          {collection.reviewReason && <Text size="sm">{collection.reviewReason}</Text>}
        </Stack>
      </Alert>
    );
  }

  return (
    <Alert
      color={left ? 'yellow' : 'green'}
      variant="light"
      icon={<IconCircleCheck size={18} />}
      title={left ? `Partly matched to ${numbers}` : `Matched to ${numbers}`}
      data-testid="record-outcome"
    >
      <Stack gap="xs">
        <Text size="sm">{received}</Text>
        <Table verticalSpacing={4} horizontalSpacing="xs" fz="sm">
          <Table.Tbody>
            {allocations.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                  {formatMoney(a.amount, currency)}
                </Table.Td>
                <Table.Td>
                  to{' '}
                  <Anchor component={Link} to={`/invoices/${a.invoice.id}`} onClick={onNavigate} size="sm" fw={500}>
                    {a.invoice.number}
                  </Anchor>{' '}
                  <Text span size="sm" c="dimmed">
                    · {a.invoice.customer.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <AllocationRuleBadge rule={a.rule} confidence={a.confidence} />
                </Table.Td>
                <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {a.invoice.status === 'PAID' ? 'Paid in full' : `${formatMoney(a.invoice.amountDue, currency)} still due`}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {left && (
          <Text size="sm">
            {formatMoney(outcome.unallocated, currency)} was left over and waits in the review queue.
            {collection.reviewReason && ` ${collection.reviewReason}`}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}
