import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconCheck, IconReceiptRefund } from '@tabler/icons-react';
import Decimal from 'decimal.js';
import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import type { CreateCreditNoteInput, CreateCreditNoteMutation as CreatedNote } from '../../gql/graphql';
import { showError } from '../../lib/errors';
import { amountError, compareAmounts, formatMoney, isZeroAmount, minorUnits, parseDecimal, subtractAmounts } from '../../lib/money';

// Answers with the invoice too, so urql refetches every query holding it:
// the invoice page (totals, credit notes, timeline) and the lists.
const CreateCreditNoteMutation = graphql(`
  mutation CreateCreditNote($input: CreateCreditNoteInput!) {
    createCreditNote(input: $input) {
      id
      number
      total
      creditedToCustomer
      currency
      invoice {
        id
        status
        total
        amountCredited
        amountPaid
        amountDue
        version
      }
    }
  }
`);

export interface CreditableInvoice {
  id: string;
  number?: string | null;
  currency: string;
  total: string;
  amountPaid: string;
  amountDue: string;
  amountCredited: string;
  customer: { email: string; emailBouncing: boolean };
  items: { name: string; quantity: string; amount: string }[];
}

interface LineValues {
  selected: boolean;
  quantity: string;
}

interface CreditNoteValues {
  mode: 'lines' | 'amount';
  lines: LineValues[];
  amount: string;
  reason: string;
  send: boolean;
}

type Created = CreatedNote['createCreditNote'];

/** What the invoice still carries after earlier credit notes: total - amountCredited. */
function creditable(inv: CreditableInvoice): string {
  return subtractAmounts(inv.total, inv.amountCredited, inv.currency);
}

function quantityError(input: string, invoiced: string): string | null {
  const q = parseDecimal(input);
  if (!q) return 'Enter a quantity';
  if (q.isZero()) return 'More than 0';
  if (q.gt(invoiced)) return `At most ${new Decimal(invoiced).toFixed()}`;
  return null;
}

/**
 * "Create credit note": credits some of the invoice's lines (with their
 * taxes) or an amount, with a reason printed on the note, and optionally
 * emails it. Afterwards it shows what the server made of it: the credit
 * note's total, the invoice's new amount due, and any credit the customer got.
 */
export function CreditNoteModal({ invoice, opened, onClose }: {
  invoice: CreditableInvoice;
  opened: boolean;
  onClose: () => void;
}) {
  const [{ fetching }, create] = useMutation(CreateCreditNoteMutation);
  const [created, setCreated] = useState<Created | null>(null);
  const { currency } = invoice;
  const left = creditable(invoice);
  const number = invoice.number ?? 'this invoice';

  const form = useForm<CreditNoteValues>({
    initialValues: { mode: 'lines', lines: [], amount: '', reason: '', send: true },
    validate: {
      amount: (v, values) => {
        if (values.mode !== 'amount') return null;
        const err = amountError(v, currency);
        if (err) return err;
        return compareAmounts(v.trim(), left) > 0 ? `At most ${formatMoney(left, currency)}, what the invoice still carries` : null;
      },
      lines: {
        quantity: (v, values, path) => {
          const i = Number(path.split('.')[1]);
          if (values.mode !== 'lines' || !values.lines[i]?.selected) return null;
          return quantityError(v, invoice.items[i]?.quantity ?? '0');
        },
      },
      reason: (v) => (!v.trim() ? 'Say why, e.g. "Two hours billed twice"' : v.length > 1000 ? 'At most 1,000 characters' : null),
    },
  });

  useEffect(() => {
    if (!opened) return;
    const initial: CreditNoteValues = {
      mode: 'lines',
      lines: invoice.items.map((it) => ({ selected: false, quantity: new Decimal(it.quantity).toFixed() })),
      amount: '',
      reason: '',
      send: !invoice.customer.emailBouncing,
    };
    form.setInitialValues(initial);
    form.setValues(initial);
    form.clearErrors();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- resets the form when the modal opens, not whenever the (new each render) form object changes
  }, [opened]);

  const v = form.values;
  const chosen = v.lines.map((l, i) => ({ ...l, i })).filter((l) => l.selected);
  const nothingChosen = v.mode === 'lines' && chosen.length === 0;

  const submit = form.onSubmit(async (values) => {
    const input: CreateCreditNoteInput = { invoiceID: invoice.id, reason: values.reason.trim(), send: values.send };
    // The server names a line by its place in the list sent: lines[0] is the first chosen line.
    const fields: Record<string, string> = {};
    if (values.mode === 'amount') {
      input.amount = values.amount.trim();
    } else {
      input.lines = chosen.map((l, k) => {
        fields[`lines[${k}].quantity`] = `lines.${l.i}.quantity`;
        fields[`lines[${k}].line`] = `lines.${l.i}.quantity`;
        const whole = new Decimal(l.quantity.trim()).eq(invoice.items[l.i].quantity);
        return whole ? { line: l.i } : { line: l.i, quantity: l.quantity.trim() };
      });
    }
    const res = await create({ input });
    if (showError(res.error, { form, fields, title: "Couldn't create the credit note" }) || !res.data) return;
    setCreated(res.data.createCreditNote);
  });

  // For an amount the result is known before asking the server.
  const amountPreview = (() => {
    if (v.mode !== 'amount' || amountError(v.amount, currency) || compareAmounts(v.amount.trim(), left) > 0) return null;
    const newTotal = subtractAmounts(left, v.amount.trim(), currency);
    const due = subtractAmounts(newTotal, invoice.amountPaid, currency);
    const negative = due.startsWith('-');
    return { newTotal, due: negative ? (0).toFixed(minorUnits(currency)) : due, credit: negative ? due.slice(1) : null };
  })();

  return (
    <Modal opened={opened} onClose={onClose} title={created ? `${created.number} created` : `Credit ${number}`} onExitTransitionEnd={() => setCreated(null)} centered size="lg">
      {created ? (
        <Stack gap="md" data-testid="credit-note-result">
          <Alert color="green" icon={<IconCheck size={18} />} title={`${created.number}: ${formatMoney(created.total, currency)} credited`}>
            {v.send ? `It is on its way to ${invoice.customer.email}.` : 'It was not emailed; you can send it from the invoice page.'}
          </Alert>
          <Paper withBorder p="sm" bg="gray.0">
            <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>
              <Figure label="Invoice total now" value={formatMoney(subtractAmounts(created.invoice.total, created.invoice.amountCredited, currency), currency)} />
              <Figure label="Paid" value={formatMoney(created.invoice.amountPaid, currency)} />
              <Figure label="Amount due now" value={formatMoney(created.invoice.amountDue, currency)} strong testId="credit-note-new-due" />
            </SimpleGrid>
          </Paper>
          {!isZeroAmount(created.creditedToCustomer) && (
            <Text size="sm">
              {formatMoney(created.creditedToCustomer, currency)} had already been paid beyond the new total and is now the
              customer's credit: apply it to another invoice or record a refund from the customer's page.
            </Text>
          )}
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Create credit note">
          <Stack gap="md">
            <Text size="sm">
              A credit note corrects an issued invoice: it lowers what is due, in its own numbered series. What was
              already paid beyond the new total becomes the customer's credit.
            </Text>
            <SegmentedControl
              aria-label="What to credit"
              fullWidth
              data={[
                { value: 'lines', label: 'Some lines' },
                { value: 'amount', label: 'An amount' },
              ]}
              {...form.getInputProps('mode')}
            />

            {v.mode === 'lines' ? (
              <Paper withBorder style={{ overflow: 'hidden' }}>
                <Table.ScrollContainer minWidth={360} type="native">
                  <Table aria-label="Lines to credit" verticalSpacing="xs">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th w={40} />
                        <Table.Th>Line</Table.Th>
                        <Table.Th w={120}>Quantity</Table.Th>
                        <Table.Th ta="right">Amount</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {invoice.items.map((it, i) => (
                        <Table.Tr key={i}>
                          <Table.Td>
                            <Checkbox
                              aria-label={`Credit "${it.name}"`}
                              {...form.getInputProps(`lines.${i}.selected`, { type: 'checkbox' })}
                            />
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                              {it.name}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <TextInput
                              size="xs"
                              inputMode="decimal"
                              aria-label={`Quantity of "${it.name}" to credit`}
                              disabled={!v.lines[i]?.selected}
                              rightSection={<Text size="xs" c="dimmed">/ {new Decimal(it.quantity).toFixed()}</Text>}
                              rightSectionWidth={48}
                              {...form.getInputProps(`lines.${i}.quantity`)}
                            />
                          </Table.Td>
                          <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                            <Text size="sm">{formatMoney(it.amount, currency)}</Text>
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                <Text size="xs" c="dimmed" px="sm" py={6}>
                  Each line is credited with its taxes; the credit note shows the exact figures.
                </Text>
              </Paper>
            ) : (
              <TextInput
                label="Amount to credit, tax included"
                withAsterisk
                inputMode="decimal"
                placeholder={(0).toFixed(minorUnits(currency))}
                leftSection={<Text size="xs" c="dimmed">{currency}</Text>}
                leftSectionWidth={currency.length > 3 ? 48 : 42}
                description={`At most ${formatMoney(left, currency)}; spread over the invoice's tax rates in proportion.`}
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                data-autofocus
                {...form.getInputProps('amount')}
              />
            )}

            <Paper withBorder p="sm" bg="gray.0" aria-live="polite">
              <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>
                <Figure label="Invoice total" value={formatMoney(left, currency)} />
                <Figure label="New total" value={amountPreview ? formatMoney(amountPreview.newTotal, currency) : '—'} />
                <Figure label="New amount due" value={amountPreview ? formatMoney(amountPreview.due, currency) : '—'} strong />
              </SimpleGrid>
              {amountPreview?.credit && (
                <Text size="xs" mt={6}>
                  {formatMoney(amountPreview.credit, currency)} already paid becomes the customer's credit.
                </Text>
              )}
              {v.mode === 'lines' && (
                <Text size="xs" c="dimmed" mt={6}>
                  The new total and amount due are shown once the credit note is made.
                </Text>
              )}
            </Paper>

            <Textarea
              label="Reason"
              withAsterisk
              description="Printed on the credit note."
              placeholder="e.g. Two hours billed twice"
              autosize
              minRows={2}
              maxRows={6}
              {...form.getInputProps('reason')}
            />
            <Checkbox
              label={`Email the credit note to ${invoice.customer.email}`}
              {...form.getInputProps('send', { type: 'checkbox' })}
            />

            <Group justify="flex-end" mt="xs">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={fetching} disabled={nothingChosen} leftSection={<IconReceiptRefund size={16} />}>
                Create credit note
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function Figure({ label, value, strong, testId }: { label: string; value: string; strong?: boolean; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={500} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" fw={strong ? 600 : undefined} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}
