import { Alert, Button, Group, Modal, Paper, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconCheck } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useMutation, useQuery } from 'urql';
import { receivedOnError } from '../../components/ReceivedFields';
import { graphql } from '../../gql';
import type { RefundChannel } from '../../gql/graphql';
import { showError } from '../../lib/errors';
import { receivedTime, today } from '../../lib/format';
import { amountError, compareAmounts, formatMoney, minorUnits } from '../../lib/money';

const OpenInvoicesQuery = graphql(`
  query CustomerOpenInvoices($customerID: ID!) {
    invoices(first: 100, where: { customerID: $customerID, statusIn: [OPEN, PARTIALLY_PAID] }, orderBy: { field: CREATED_AT, direction: ASC }) {
      edges {
        node {
          id
          number
          currency
          amountDue
          dueDate
        }
      }
    }
  }
`);

const ApplyCreditMutation = graphql(`
  mutation ApplyCustomerCredit($input: ApplyCustomerCreditInput!) {
    applyCustomerCredit(input: $input) {
      id
      number
      status
      amountPaid
      amountDue
      version
    }
  }
`);

const RecordRefundMutation = graphql(`
  mutation RecordRefund($input: RecordRefundInput!) {
    recordRefund(input: $input) {
      id
      amount
      currency
    }
  }
`);

// The balances, the ledger and the invoices all change.
const creditContext = { additionalTypenames: ['Customer', 'CustomerCredit', 'Invoice'] };

export const refundChannelLabel: Record<RefundChannel, string> = {
  BANK_TRANSFER: 'Bank transfer',
  CASH: 'Cash',
  CRYPTO: 'Stablecoins',
  CARD: 'Card (through the provider)',
  OTHER: 'Other',
};

export interface Balance {
  currency: string;
  amount: string;
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={500} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" fw={600}>
        {value}
      </Text>
    </div>
  );
}

/** "Apply credit": pays one of the customer's open invoices in the credit's currency from the balance. */
export function ApplyCreditModal({ customer, balance, opened, onClose }: {
  customer: { id: string; name: string };
  balance: Balance | null;
  opened: boolean;
  onClose: () => void;
}) {
  const currency = balance?.currency ?? 'USD';
  const [{ data, fetching: loading }] = useQuery({
    query: OpenInvoicesQuery,
    variables: { customerID: customer.id },
    pause: !opened,
    requestPolicy: 'cache-and-network',
  });
  const [{ fetching }, apply] = useMutation(ApplyCreditMutation);
  const invoices = (data?.invoices.edges ?? [])
    .flatMap((e) => (e?.node ? [e.node] : []))
    .filter((i) => i.currency === currency);

  const form = useForm({
    initialValues: { invoiceID: null as string | null, amount: '' },
    validate: {
      invoiceID: (v) => (v ? null : 'Choose the invoice to pay'),
      amount: (v) => {
        if (!v.trim()) return null;
        const err = amountError(v, currency);
        if (err) return err;
        if (balance && compareAmounts(v.trim(), balance.amount) > 0) return `At most the balance, ${formatMoney(balance.amount, currency)}`;
        return null;
      },
    },
  });

  useEffect(() => {
    if (!opened) return;
    form.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- resets the form when the modal opens, not whenever the (new each render) form object changes
  }, [opened]);

  // The first open invoice is chosen once they load.
  useEffect(() => {
    if (opened && !form.values.invoiceID && invoices.length > 0) form.setFieldValue('invoiceID', invoices[0].id);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- follows the loaded invoices
  }, [opened, invoices.length]);

  const chosen = invoices.find((i) => i.id === form.values.invoiceID);
  const defaultAmount = chosen && balance ? (compareAmounts(chosen.amountDue, balance.amount) < 0 ? chosen.amountDue : balance.amount) : null;

  const submit = form.onSubmit(async (v) => {
    const res = await apply({ input: { invoiceID: v.invoiceID ?? '', amount: v.amount.trim() || null } }, creditContext);
    if (showError(res.error, { form, title: "Couldn't apply the credit" }) || !res.data) return;
    const inv = res.data.applyCustomerCredit;
    onClose();
    notifications.show({
      color: 'green',
      icon: <IconCheck size={18} />,
      title: 'Credit applied',
      message:
        inv.status === 'PAID'
          ? `${inv.number ?? 'The invoice'} is paid.`
          : `${formatMoney(inv.amountDue, currency)} is still due on ${inv.number ?? 'the invoice'}.`,
    });
  });

  return (
    <Modal opened={opened} onClose={onClose} title={`Apply ${customer.name}'s credit`} centered size="lg">
      <form onSubmit={submit} noValidate aria-label="Apply credit">
        <Stack gap="md">
          <Paper withBorder p="sm" bg="gray.0">
            <SimpleGrid cols={2} spacing="sm">
              <Figure label="Credit balance" value={balance ? formatMoney(balance.amount, currency) : '—'} />
              <Figure label="Invoice due" value={chosen ? formatMoney(chosen.amountDue, currency) : '—'} />
            </SimpleGrid>
          </Paper>
          {!loading && data && invoices.length === 0 ? (
            <Alert color="gray" title={`No open ${currency} invoices`}>
              {customer.name} owes nothing in {currency}. The credit can be applied to their next invoice, or recorded as
              refunded.
            </Alert>
          ) : (
            <Select
              label="Invoice to pay"
              withAsterisk
              placeholder={loading ? 'Loading…' : 'Choose an invoice'}
              data={invoices.map((i) => ({
                value: i.id,
                label: `${i.number ?? 'Invoice'} · ${formatMoney(i.amountDue, currency)} due`,
              }))}
              allowDeselect={false}
              {...form.getInputProps('invoiceID')}
            />
          )}
          <TextInput
            label="Amount"
            inputMode="decimal"
            placeholder={defaultAmount ?? (0).toFixed(minorUnits(currency))}
            leftSection={<Text size="xs" c="dimmed">{currency}</Text>}
            leftSectionWidth={currency.length > 3 ? 48 : 42}
            description={defaultAmount ? `Leave empty for ${formatMoney(defaultAmount, currency)}: the smaller of the balance and what is due.` : undefined}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            {...form.getInputProps('amount')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={fetching} disabled={invoices.length === 0}>
              Apply credit
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

interface RefundValues {
  amount: string;
  channel: RefundChannel;
  refundedAt: string | null;
  note: string;
}

/** "Record refund": notes that credit was paid back outside Tally (no money moves), with how and when. */
export function RecordRefundModal({ customer, balance, opened, onClose }: {
  customer: { id: string; name: string };
  balance: Balance | null;
  opened: boolean;
  onClose: () => void;
}) {
  const currency = balance?.currency ?? 'USD';
  const [{ fetching }, record] = useMutation(RecordRefundMutation);
  const form = useForm<RefundValues>({
    initialValues: { amount: '', channel: 'BANK_TRANSFER', refundedAt: today(), note: '' },
    validate: {
      amount: (v) => {
        const err = amountError(v, currency);
        if (err) return err;
        if (balance && compareAmounts(v.trim(), balance.amount) > 0) return `At most the balance, ${formatMoney(balance.amount, currency)}`;
        return null;
      },
      refundedAt: receivedOnError,
      note: (v) => (v.length > 1000 ? 'At most 1,000 characters' : null),
    },
  });

  useEffect(() => {
    if (!opened) return;
    const initial: RefundValues = { amount: balance?.amount ?? '', channel: 'BANK_TRANSFER', refundedAt: today(), note: '' };
    form.setInitialValues(initial);
    form.setValues(initial);
    form.clearErrors();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- resets the form when the modal opens, not whenever the (new each render) form object changes
  }, [opened]);

  const submit = form.onSubmit(async (v) => {
    const res = await record(
      {
        input: {
          customerID: customer.id,
          currency,
          amount: v.amount.trim(),
          channel: v.channel,
          refundedAt: receivedTime(v.refundedAt),
          note: v.note.trim() || null,
        },
      },
      creditContext,
    );
    if (showError(res.error, { form, title: "Couldn't record the refund" })) return;
    onClose();
    notifications.show({
      color: 'green',
      icon: <IconCheck size={18} />,
      title: 'Refund recorded',
      message: `${formatMoney(v.amount.trim(), currency)} paid back to ${customer.name} · ${refundChannelLabel[v.channel]}.`,
    });
  });

  return (
    <Modal opened={opened} onClose={onClose} title={`Record a refund to ${customer.name}`} centered size="lg">
      <form onSubmit={submit} noValidate aria-label="Record refund">
        <Stack gap="md">
          <Text size="sm">
            For credit you paid back yourself: Tally moves no money, it records how and when, and lowers the balance.
            Balance: <b>{balance ? formatMoney(balance.amount, currency) : '—'}</b>.
          </Text>
          <TextInput
            label="Amount refunded"
            withAsterisk
            inputMode="decimal"
            leftSection={<Text size="xs" c="dimmed">{currency}</Text>}
            leftSectionWidth={currency.length > 3 ? 48 : 42}
            data-autofocus
            {...form.getInputProps('amount')}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <Select
              label="Paid back by"
              withAsterisk
              data={(Object.keys(refundChannelLabel) as RefundChannel[]).map((c) => ({ value: c, label: refundChannelLabel[c] }))}
              allowDeselect={false}
              {...form.getInputProps('channel')}
            />
            <DateInput label="Refunded on" withAsterisk valueFormat="MMM D, YYYY" maxDate={new Date()} {...form.getInputProps('refundedAt')} />
          </SimpleGrid>
          <Textarea
            label="Note"
            placeholder="e.g. the bank transfer reference"
            autosize
            minRows={2}
            maxRows={5}
            {...form.getInputProps('note')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={fetching}>
              Record refund
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
