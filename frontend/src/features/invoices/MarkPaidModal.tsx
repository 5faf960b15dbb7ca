import { Button, Group, Modal, Paper, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconCheck } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import type { PaymentChannel } from '../../gql/graphql';
import { ReceivedFields, receivedOnError } from '../../components/ReceivedFields';
import { showError } from '../../lib/errors';
import { receivedTime, today } from '../../lib/format';
import { amountError, formatMoney, minorUnits, parseDecimal, subtractAmounts } from '../../lib/money';
import { notifyPaidOnce, paymentChannelLabel } from '../../lib/payments';

// Returns the Invoice, so urql refetches every query holding one: this
// page, with its payments and timeline, and the invoices list.
const MarkInvoicePaidMutation = graphql(`
  mutation MarkInvoicePaid($id: ID!, $input: MarkInvoicePaidInput!) {
    markInvoicePaid(id: $id, input: $input) {
      id
      number
      status
      version
      amountPaid
      amountDue
      amountOverpaid
    }
  }
`);

interface MarkPaidValues {
  amount: string;
  channel: PaymentChannel;
  reference: string;
  note: string;
  /** "YYYY-MM-DD", a day in the browser's time zone. */
  receivedAt: string | null;
}

export interface PayableInvoice {
  id: string;
  number?: string | null;
  currency: string;
  total: string;
  amountPaid: string;
  amountDue: string;
}

/** What the typed amount does to the invoice, under the amount field. */
function amountEffect(amount: string, invoice: PayableInvoice): string {
  const { currency, amountDue } = invoice;
  const value = parseDecimal(amount);
  if (!value || amountError(amount, currency)) return `Amount due: ${formatMoney(amountDue, currency)}`;
  const cmp = value.cmp(amountDue);
  if (cmp === 0) return 'Pays the amount due in full.';
  if (cmp < 0) {
    return `${formatMoney(subtractAmounts(amountDue, amount, currency), currency)} stays due; the invoice becomes partially paid.`;
  }
  return `${formatMoney(subtractAmounts(amount, amountDue, currency), currency)} more than due, kept as the customer's credit.`;
}

/**
 * "Mark as paid": records money received by bank transfer, in cash or
 * otherwise. The amount starts at what is due; less leaves the invoice
 * partially paid.
 */
export function MarkPaidModal({ invoice, opened, onClose }: {
  invoice: PayableInvoice;
  opened: boolean;
  onClose: () => void;
}) {
  const [{ fetching }, markPaid] = useMutation(MarkInvoicePaidMutation);
  const { currency } = invoice;
  const number = invoice.number ?? 'this invoice';

  const form = useForm<MarkPaidValues>({
    initialValues: { amount: '', channel: 'BANK_TRANSFER', reference: '', note: '', receivedAt: today() },
    validate: {
      amount: (v) => amountError(v, currency),
      receivedAt: receivedOnError,
    },
  });

  // Start from what is due now each time the modal opens.
  useEffect(() => {
    if (!opened) return;
    const initial: MarkPaidValues = {
      amount: invoice.amountDue,
      channel: 'BANK_TRANSFER',
      reference: '',
      note: '',
      receivedAt: today(),
    };
    form.setInitialValues(initial);
    form.setValues(initial);
    form.clearErrors();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- resets the form when the modal opens, not whenever the (new each render) form object changes
  }, [opened]);

  const submit = form.onSubmit(async (values) => {
    const res = await markPaid({
      id: invoice.id,
      input: {
        amount: values.amount.trim(),
        channel: values.channel,
        reference: values.reference.trim() || null,
        note: values.note.trim() || null,
        receivedAt: receivedTime(values.receivedAt),
      },
    });
    if (showError(res.error, { form, title: "Couldn't record the payment" }) || !res.data) return;
    const paid = res.data.markInvoicePaid;
    onClose();
    const amount = formatMoney(values.amount.trim(), currency);
    if (paid.status === 'PAID') {
      // The same change also arrives as a live event: one notification for both.
      notifyPaidOnce(paid.id, paid.version, {
        title: `${paid.number ?? number} was paid`,
        message: `${amount} received · ${paymentChannelLabel[values.channel]}`,
      });
    } else {
      notifications.show({
        color: 'green',
        icon: <IconCheck size={18} />,
        title: 'Payment recorded',
        message: `${amount} received · ${paymentChannelLabel[values.channel]}. ${formatMoney(paid.amountDue, currency)} is still due on ${paid.number ?? number}.`,
      });
    }
  });

  const full = (() => {
    const v = parseDecimal(form.values.amount);
    return v !== null && v.cmp(invoice.amountDue) >= 0;
  })();

  return (
    <Modal opened={opened} onClose={onClose} title={`Record a payment for ${number}`} centered size="lg">
      <form onSubmit={submit} noValidate aria-label="Record a payment">
        <Stack gap="md">
          <Text size="sm">
            For money that reached you outside Tally's checkout, such as a bank transfer or cash. Card and crypto
            payments through the payment link are recorded on their own.
          </Text>

          <Paper withBorder p="sm" bg="gray.0">
            <SimpleGrid cols={3} spacing="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>
              <Figure label="Total" value={formatMoney(invoice.total, currency)} />
              <Figure label="Paid so far" value={formatMoney(invoice.amountPaid, currency)} />
              <Figure label="Amount due" value={formatMoney(invoice.amountDue, currency)} strong />
            </SimpleGrid>
          </Paper>

          <TextInput
            label="Amount received"
            withAsterisk
            inputMode="decimal"
            placeholder={(0).toFixed(minorUnits(currency))}
            leftSection={<Text size="xs" c="dimmed">{currency}</Text>}
            leftSectionWidth={currency.length > 3 ? 48 : 42}
            description={amountEffect(form.values.amount, invoice)}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            data-autofocus
            {...form.getInputProps('amount')}
          />

          <ReceivedFields
            channel={form.values.channel}
            onChannelChange={(c) => form.setFieldValue('channel', c)}
            channelError={form.errors.channel}
            receivedOn={form.getInputProps('receivedAt')}
          />

          <TextInput
            label="Reference"
            placeholder={form.values.channel === 'CASH' ? 'e.g. Receipt 0042' : 'e.g. the bank transfer reference'}
            description="Shown with the payment, to find it again in your records."
            maxLength={200}
            {...form.getInputProps('reference')}
          />
          <Textarea label="Note" placeholder="Optional" autosize minRows={2} maxRows={6} {...form.getInputProps('note')} />

          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={fetching} leftSection={<IconCheck size={16} />}>
              {full ? 'Mark as paid' : 'Record partial payment'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function Figure({ label, value, strong }: { label: string; value: string; strong?: boolean }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={500} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" fw={strong ? 600 : undefined}>
        {value}
      </Text>
    </div>
  );
}
