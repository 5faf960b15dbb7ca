import {
  Alert,
  Anchor,
  Box,
  Button,
  Code,
  CopyButton,
  Divider,
  Grid,
  Group,
  Menu,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  Timeline,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import {
  IconAlertOctagon,
  IconAlertTriangle,
  IconArrowBackUp,
  IconArrowLeft,
  IconBan,
  IconCash,
  IconCheck,
  IconChevronDown,
  IconClockExclamation,
  IconCopy,
  IconFileCheck,
  IconFilePlus,
  IconLink,
  IconMailCheck,
  IconMailForward,
  IconMailOff,
  IconPencil,
  IconReceiptRefund,
  IconRepeat,
  IconSend,
  IconTrash,
  IconWallet,
} from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import { PageSkeleton } from '../../components/PageSkeleton';
import { EmailBouncingBadge } from '../../components/EmailBouncingBadge';
import { LineItemsTable, TaxSummaryRows, TotalRow } from '../../components/LineItems';
import { usePollWhile } from '../../lib/usePollWhile';
import { showError } from '../../lib/errors';
import { formatDate, formatDateTime, formatDueDate } from '../../lib/format';
import { formatMoney, isZeroAmount } from '../../lib/money';
import { DownloadPdfButton, InvoicePreview } from './InvoicePreview';
import { InvoiceEmails } from './emails/InvoiceEmails';
import { InvoicePayments } from './InvoicePayments';
import { InvoiceStatusBadge } from '../../components/InvoiceStatusBadge';
import { MarkPaidModal } from './MarkPaidModal';
import { CreditNoteModal } from './CreditNoteModal';
import { InvoiceAutomation } from './InvoiceAutomation';
import { InvoiceCreditNotes } from './InvoiceCreditNotes';
import { MakeRecurringModal } from './MakeRecurringModal';
import { SendInvoiceModal } from './SendInvoiceModal';
import { paymentMethodLabel, statusLabel } from '../../components/invoiceStatus';
import { useInvoiceStatusChanges } from '../../lib/useInvoiceStatusChanges';

const InvoiceDetailQuery = graphql(`
  query InvoiceDetail($id: ID!) {
    node(id: $id) {
      __typename
      ... on Invoice {
        id
        number
        reference
        status
        overdue
        currency
        description
        dueDate
        issuedAt
        createdAt
        sendRequested
        sentAt
        voidReason
        paymentMethods
        pdfURL
        checkoutURL
        subtotal
        discount {
          percent
          amount
          reason
        }
        totalDiscount
        totalTax
        taxBreakdown {
          taxRate {
            id
            name
            percentage
            inclusive
            category
          }
          taxableAmount
          amount
        }
        total
        amountPaid
        amountDue
        amountOverpaid
        amountCredited
        remind
        version
        recurringSchedule {
          id
          interval
          intervalCount
          status
          nextRunAt
        }
        creditNotes {
          id
          number
          total
          creditedToCustomer
          currency
          reason
          issuedAt
          pdfURL
        }
        customer {
          id
          name
          email
          emailBouncing
        }
        emails {
          ...EmailSummary
        }
        items {
          name
          quantity
          unitPrice
          discountPercent
          discountAmount
          amount
          taxRates {
            id
            name
            percentage
            inclusive
          }
        }
        payments {
          id
          amount
          currency
          channel
          provider
          externalID
          note
          receivedAt
          recordedBy
          late
          rule
          confidence
          undoneAt
          collection {
            id
          }
        }
        events {
          id
          type
          at
          actor
          fromStatus
          toStatus
          note
        }
        ...InvoiceDocument
      }
    }
  }
`);

const VoidInvoiceMutation = graphql(`
  mutation VoidInvoice($id: ID!, $reason: String) {
    voidInvoice(id: $id, reason: $reason) {
      id
      status
      voidReason
      amountDue
      version
      events {
        id
        type
        at
        actor
        fromStatus
        toStatus
        note
      }
    }
  }
`);

const DeleteDraftMutation = graphql(`
  mutation DeleteInvoiceDraft($id: ID!) {
    deleteInvoiceDraft(id: $id)
  }
`);

const DuplicateInvoiceMutation = graphql(`
  mutation DuplicateInvoice($id: ID!) {
    duplicateInvoice(id: $id) {
      id
      draftStep
    }
  }
`);

const eventLabel: Record<string, string> = {
  CREATED: 'Draft created',
  UPDATED: 'Updated',
  ISSUED: 'Issued',
  VOIDED: 'Voided',
  PAYMENT_RECEIVED: 'Payment received',
  PAYMENT_UNDONE: 'Payment undone',
  MARKED_UNCOLLECTIBLE: 'Marked uncollectible',
  EMAIL_QUEUED: 'Email queued',
  EMAIL_SENT: 'Email sent',
  EMAIL_FAILED: 'Email failed',
  EMAIL_DELIVERED: 'Email delivered',
  EMAIL_BOUNCED: 'Email bounced',
  OVERDUE: 'Overdue',
  CREDIT_NOTE_CREATED: 'Credit note issued',
  CREDIT_APPLIED: "Paid with the customer's credit",
  REFUND_RECORDED: 'Refund recorded',
};

/** Each event's bullet on the timeline: an icon and its color. */
const eventBullet: Record<string, { icon: typeof IconSend; color: string }> = {
  CREATED: { icon: IconFilePlus, color: 'gray' },
  UPDATED: { icon: IconPencil, color: 'gray' },
  ISSUED: { icon: IconFileCheck, color: 'indigo' },
  VOIDED: { icon: IconBan, color: 'dark' },
  PAYMENT_RECEIVED: { icon: IconCash, color: 'green' },
  PAYMENT_UNDONE: { icon: IconArrowBackUp, color: 'orange' },
  MARKED_UNCOLLECTIBLE: { icon: IconAlertOctagon, color: 'red' },
  EMAIL_QUEUED: { icon: IconMailForward, color: 'gray' },
  EMAIL_SENT: { icon: IconSend, color: 'blue' },
  EMAIL_FAILED: { icon: IconAlertTriangle, color: 'orange' },
  EMAIL_DELIVERED: { icon: IconMailCheck, color: 'green' },
  EMAIL_BOUNCED: { icon: IconMailOff, color: 'red' },
  OVERDUE: { icon: IconClockExclamation, color: 'red' },
  CREDIT_NOTE_CREATED: { icon: IconReceiptRefund, color: 'grape' },
  CREDIT_APPLIED: { icon: IconWallet, color: 'green' },
  REFUND_RECORDED: { icon: IconArrowBackUp, color: 'grape' },
};

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={500} tt="uppercase" mb={2}>
        {label}
      </Text>
      <div>{children}</div>
    </div>
  );
}

export function InvoicePage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [{ data, fetching, error }, refetch] = useQuery({ query: InvoiceDetailQuery, variables: { id } });
  const [{ fetching: voiding }, voidInvoice] = useMutation(VoidInvoiceMutation);
  const [, deleteDraft] = useMutation(DeleteDraftMutation);
  const [{ fetching: duplicating }, duplicate] = useMutation(DuplicateInvoiceMutation);
  const [creditOpen, creditModal] = useDisclosure(false);
  const [recurringOpen, recurringModal] = useDisclosure(false);
  const [voidOpen, voidModal] = useDisclosure(false);
  const [sendOpen, sendModal] = useDisclosure(false);
  const [paidOpen, paidModal] = useDisclosure(false);
  const [reason, setReason] = useState('');

  // While an email is on its way, follow its status: the worker sends it
  // within seconds; after a failed attempt it retries later, so poll slower.
  const loaded = data?.node?.__typename === 'Invoice' ? data.node : null;
  const queued = (loaded?.emails ?? []).filter((e) => e.status === 'QUEUED');
  usePollWhile(
    queued.length > 0,
    () => refetch({ requestPolicy: 'network-only' }),
    queued.some((e) => e.lastError) ? 10_000 : 2_000,
  );

  // Paid through the payment link, marked paid in another tab: reload when
  // this invoice moves past the version shown.
  useInvoiceStatusChanges({
    onChange: (change) => {
      if (change.invoice.id === id && change.version > (loaded?.version ?? 0)) refetch({ requestPolicy: 'network-only' });
    },
    onResync: () => refetch({ requestPolicy: 'network-only' }),
  });

  if (fetching && !data) {
    return <PageSkeleton blocks={3} label="Loading the invoice" />;
  }
  const inv = loaded;
  if (!inv) {
    return (
      <Stack align="center" py={80} gap="sm">
        <Title order={1} size="h3">Invoice not found</Title>
        <Text c="dimmed">{error ? error.message : "It may have been deleted, or the link is wrong."}</Text>
        <Button component={Link} to="/invoices" variant="light">
          Back to invoices
        </Button>
      </Stack>
    );
  }

  const title = inv.number ?? 'Draft invoice';
  const canVoid = inv.status === 'OPEN' || inv.status === 'PARTIALLY_PAID';
  const isDraft = inv.status === 'DRAFT';
  // Sending is for an invoice that is still owed; a reminder once it was sent.
  const canSend = canVoid;
  const canMarkPaid = canVoid || inv.status === 'UNCOLLECTIBLE';
  const sending = queued.length > 0;
  // When the invoice was first sent. The invoice row and its emails are
  // read by two statements, so a poll that lands on the worker's commit can
  // see the email SENT before the invoice's sentAt: the first sent invoice
  // or reminder email says the same.
  const sentAt =
    inv.sentAt ??
    (inv.emails ?? [])
      .filter((e) => (e.kind === 'INVOICE' || e.kind === 'REMINDER') && e.sentAt)
      .map((e) => e.sentAt as string)
      .sort()[0] ??
    null;
  // Credit notes correct an issued invoice that is not voided.
  const canCredit = inv.status === 'OPEN' || inv.status === 'PARTIALLY_PAID' || inv.status === 'PAID' || inv.status === 'UNCOLLECTIBLE';
  const canRecur = inv.status !== 'VOID' && inv.items.length > 0;

  const onDuplicate = async () => {
    const res = await duplicate({ id: inv.id }, { additionalTypenames: ['Invoice'] });
    if (showError(res.error, { title: "Couldn't duplicate the invoice" }) || !res.data) return;
    notifications.show({ color: 'green', message: `A new draft copied from ${title}: check it and issue it.` });
    navigate(`/invoices/${res.data.duplicateInvoice.id}/edit`);
  };

  const onVoid = async () => {
    const res = await voidInvoice({ id: inv.id, reason: reason.trim() || null });
    if (showError(res.error, { title: "Couldn't void the invoice" })) return;
    voidModal.close();
    setReason('');
    notifications.show({ color: 'green', message: `${title} was voided.` });
  };

  const onDelete = () =>
    modals.openConfirmModal({
      title: 'Delete this draft?',
      children: <Text size="sm">The draft and its items will be removed. This can't be undone.</Text>,
      labels: { confirm: 'Delete draft', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: async () => {
        const res = await deleteDraft({ id: inv.id }, { additionalTypenames: ['Invoice'] });
        if (showError(res.error, { title: "Couldn't delete the draft" })) return;
        notifications.show({ message: 'Draft deleted.' });
        navigate('/invoices', { replace: true });
      },
    });

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/invoices" size="sm" c="dimmed">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Invoices
        </Group>
      </Anchor>

      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={1} size="h2" data-testid="invoice-number">
              {title}
            </Title>
            <InvoiceStatusBadge status={inv.status} overdue={inv.overdue} />
          </Group>
          <Text c="dimmed" mt={4}>
            {formatMoney(inv.total, inv.currency)} {inv.currency} · billed to {inv.customer.name}
          </Text>
        </div>
        <Group gap="sm">
          <DownloadPdfButton pdfURL={inv.pdfURL} version={inv.version} />
          {inv.checkoutURL && (
            <CopyButton value={inv.checkoutURL}>
              {({ copied, copy }) => (
                <Button
                  variant="default"
                  onClick={copy}
                  leftSection={copied ? <IconCheck size={16} /> : <IconLink size={16} />}
                  color={copied ? 'green' : undefined}
                >
                  {copied ? 'Link copied' : 'Copy payment link'}
                </Button>
              )}
            </CopyButton>
          )}
          {isDraft && (
            <>
              <Button variant="default" color="red" leftSection={<IconTrash size={16} />} onClick={onDelete}>
                Delete draft
              </Button>
              <Button component={Link} to={`/invoices/${inv.id}/edit`} leftSection={<IconPencil size={16} />}>
                Continue editing
              </Button>
            </>
          )}
          {canVoid && (
            <Button variant="default" leftSection={<IconBan size={16} />} onClick={voidModal.open}>
              Void
            </Button>
          )}
          <Menu position="bottom-end" shadow="md" width={220}>
            <Menu.Target>
              <Button variant="default" rightSection={<IconChevronDown size={16} />} loading={duplicating}>
                More
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconCopy size={16} />} onClick={onDuplicate}>
                Duplicate
              </Menu.Item>
              {canRecur && (
                <Menu.Item leftSection={<IconRepeat size={16} />} onClick={recurringModal.open}>
                  Make recurring
                </Menu.Item>
              )}
              {canCredit && (
                <Menu.Item leftSection={<IconReceiptRefund size={16} />} onClick={creditModal.open}>
                  Create credit note
                </Menu.Item>
              )}
            </Menu.Dropdown>
          </Menu>
          {canMarkPaid && (
            <Button variant="default" leftSection={<IconCash size={16} />} onClick={paidModal.open}>
              Mark as paid
            </Button>
          )}
          {canSend && (
            <Tooltip label={`An email to ${queued[0]?.to ?? inv.customer.email} is on its way`} disabled={!sending} withArrow>
              {/* A disabled button gets no pointer events; the wrapper shows the tooltip. */}
              <div>
                <Button leftSection={<IconSend size={16} />} onClick={sendModal.open} disabled={sending}>
                  {sentAt ? 'Send reminder' : 'Send'}
                </Button>
              </div>
            </Tooltip>
          )}
        </Group>
      </Group>

      {inv.status === 'VOID' && inv.voidReason && (
        <Alert color="gray" title="Voided">
          {inv.voidReason}
        </Alert>
      )}

      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="lg">
            <Paper withBorder p="lg">
              <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="lg">
                <Field label="Customer">
                  <Anchor component={Link} to={`/customers/${inv.customer.id}`} size="sm" fw={500}>
                    {inv.customer.name}
                  </Anchor>
                  <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                    {inv.customer.email}
                  </Text>
                  {inv.customer.emailBouncing && (
                    <Box mt={4}>
                      <EmailBouncingBadge email={inv.customer.email} />
                    </Box>
                  )}
                </Field>
                <Field label="Payment reference">
                  {inv.reference ? <Code fz="sm">{inv.reference}</Code> : <Text size="sm" c="dimmed">Assigned on issue</Text>}
                </Field>
                <Field label="Currency">
                  <Text size="sm">{inv.currency}</Text>
                </Field>
                <Field label="Issued">
                  <Text size="sm">{formatDate(inv.issuedAt)}</Text>
                </Field>
                <Field label="Due">
                  <Text size="sm" c={inv.overdue ? 'red' : undefined}>
                    {formatDueDate(inv.dueDate)}
                  </Text>
                </Field>
                <Field label="Sent">
                  <Text size="sm" c={sentAt ? undefined : 'dimmed'} data-testid="invoice-sent-at">
                    {sentAt ? formatDateTime(sentAt) : sending ? 'Sending…' : 'Not sent'}
                  </Text>
                </Field>
              </SimpleGrid>
            </Paper>

            <LineItemsTable items={inv.items} currency={inv.currency}>
              <TaxSummaryRows totals={inv} testIdPrefix="invoice" />
              <TotalRow label="Total" value={formatMoney(inv.total, inv.currency)} tone="strong" testId="invoice-total" />
              {!isZeroAmount(inv.amountCredited) && (
                <TotalRow label="Credited" value={`−${formatMoney(inv.amountCredited, inv.currency)}`} tone="muted" testId="invoice-amount-credited" />
              )}
              <TotalRow label="Amount paid" value={formatMoney(inv.amountPaid, inv.currency)} tone="muted" />
              <Divider />
              <TotalRow label="Amount due" value={formatMoney(inv.amountDue, inv.currency)} tone="strong" size="md" testId="invoice-total-due" />
              {!isZeroAmount(inv.amountOverpaid) && (
                <TotalRow label="Overpaid (customer's credit)" value={formatMoney(inv.amountOverpaid, inv.currency)} tone="warning" />
              )}
            </LineItemsTable>

            <InvoicePayments invoice={inv} />

            <InvoiceCreditNotes notes={inv.creditNotes ?? []} customerEmail={inv.customer.email} />

            <InvoiceEmails emails={inv.emails ?? []} status={inv.status} customerEmail={inv.customer.email} />

            <Paper withBorder p="lg">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
                <Field label="Description">
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} c={inv.description ? undefined : 'dimmed'}>
                    {inv.description || 'None'}
                  </Text>
                </Field>
                <Field label="Accepted payment methods">
                  {inv.paymentMethods.length === 0 ? (
                    <Text size="sm" c="dimmed">None</Text>
                  ) : (
                    inv.paymentMethods.map((m) => (
                      <Text size="sm" key={m}>
                        {paymentMethodLabel[m] ?? m}
                      </Text>
                    ))
                  )}
                </Field>
              </SimpleGrid>
            </Paper>

            <Stack gap="xs" component="section" aria-label="Invoice document">
              <Title order={2} size="h5">Invoice document</Title>
              <InvoicePreview invoice={inv} withDownload={false} />
            </Stack>
          </Stack>
        </Grid.Col>

        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="lg">
          {inv.status !== 'VOID' && <InvoiceAutomation invoice={inv} />}
          <Paper withBorder p="lg">
            <Title order={2} size="h5" mb="md">
              Timeline
            </Title>
            {(inv.events ?? []).length === 0 ? (
              <Text size="sm" c="dimmed">No events yet.</Text>
            ) : (
              <Timeline bulletSize={24} lineWidth={2} active={(inv.events ?? []).length}>
                {(inv.events ?? []).map((ev) => {
                  const bullet = eventBullet[ev.type] ?? { icon: IconCheck, color: 'gray' };
                  return (
                    <Timeline.Item
                      key={ev.id}
                      bullet={<bullet.icon size={13} />}
                      color={bullet.color}
                      data-event={ev.type}
                      title={<Text size="sm" fw={500}>{eventLabel[ev.type] ?? ev.type}</Text>}
                    >
                      {ev.fromStatus && ev.toStatus && ev.fromStatus !== ev.toStatus && (
                        <Text size="xs">
                          {statusLabel[ev.fromStatus]} → {statusLabel[ev.toStatus]}
                        </Text>
                      )}
                      {ev.note && <Text size="xs" c="dimmed">{ev.note}</Text>}
                      <Text size="xs" c="dimmed">
                        {formatDateTime(ev.at)} · {ev.actor}
                      </Text>
                    </Timeline.Item>
                  );
                })}
              </Timeline>
            )}
          </Paper>
          </Stack>
        </Grid.Col>
      </Grid>

      {canSend && <SendInvoiceModal invoice={inv} opened={sendOpen} onClose={sendModal.close} />}
      {canMarkPaid && <MarkPaidModal invoice={inv} opened={paidOpen} onClose={paidModal.close} />}
      {canCredit && <CreditNoteModal invoice={inv} opened={creditOpen} onClose={creditModal.close} />}
      {canRecur && <MakeRecurringModal invoice={inv} opened={recurringOpen} onClose={recurringModal.close} />}

      <Modal opened={voidOpen} onClose={voidModal.close} title={`Void ${title}?`} centered>
        <Stack>
          <Text size="sm">
            A voided invoice can no longer be paid. This can't be undone.
          </Text>
          <Textarea
            label="Reason"
            placeholder="e.g. Issued by mistake"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={2}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={voidModal.close}>
              Cancel
            </Button>
            <Button color="red" loading={voiding} onClick={onVoid}>
              Void invoice
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
