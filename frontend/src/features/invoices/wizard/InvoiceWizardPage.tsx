import {
  Anchor,
  Box,
  Button,
  Center,
  Divider,
  Group,
  Paper,
  Stack,
  Stepper,
  Text,
  Textarea,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconCheck, IconFileInvoice, IconSend } from '@tabler/icons-react';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import type { CombinedError } from 'urql';
import { useQuery } from 'urql';
import type { EditableCustomer } from '../../../components/CustomerFormModal';
import { PageSkeleton } from '../../../components/PageSkeleton';
import type { WizardInvoiceFragment } from '../../../gql/graphql';
import { useEmailProvider } from '../emails/email';
import { errorCode, errorField, showError } from '../../../lib/errors';
import { timeToDay } from '../../../lib/format';
import { InvoicePreview } from '../InvoicePreview';
import { ConfirmStep } from './ConfirmStep';
import { CreateAndSendModal } from './CreateAndSendModal';
import { discountOf, dueChoiceOf, rowsOf } from './items';
import { CustomerStep } from './CustomerStep';
import { newItem, steps, type WizardValues } from './form';
import { formPathOf, ItemsStep } from './ItemsStep';
import { WizardDraftQuery, WizardPresetCustomerQuery, WizardSetupQuery } from './operations';
import { PaymentMethodsStep } from './PaymentMethodsStep';
import {
  useAutosaveDescription,
  useIssueInvoice,
  useSaveCustomer,
  useSaveDescription,
  useSaveItems,
  useSavePaymentMethods,
  type Failed,
  type SaveResult,
} from './useSaveStep';

const headings = [
  { title: 'Who are you billing?', hint: 'Select a customer, or add a new one from the list.' },
  { title: 'What are you charging for?', hint: 'Add one row per item. Amounts are calculated as you type.' },
  { title: 'Payment description', hint: 'Optional. Shown to your customer on the invoice and in the email.' },
  { title: 'How can your customer pay?', hint: 'Choose the methods you accept; select at least one. Your customer pays with one of them.' },
  { title: 'Review and create', hint: 'Check the details below. Once created, the invoice gets its number and can no longer be edited.' },
];

/** Two columns (form | preview) from Mantine's xl breakpoint; below it the preview follows the form. */
const WIDE = '(min-width: 88em)';
/** Room for the steps' descriptions: a one-column page from 80em (1280px). */
const ROOMY = '(min-width: 80em)';
/** The sticky preview panel sits this far below the top of the window (the 56px header + a gap). */
const PANEL_TOP = 56 + 32;

function PreviewEmpty() {
  return (
    <Center h="100%" mih={320} p="xl">
      <Stack align="center" gap="xs" maw={300} ta="center">
        <ThemeIcon size={48} radius="xl" variant="light">
          <IconFileInvoice size={26} stroke={1.6} />
        </ThemeIcon>
        <Text fw={500} mt={4}>
          Your invoice will appear here
        </Text>
        <Text size="sm" c="dimmed">
          Choose a customer and continue. You'll see the invoice as your customer gets it, by email and as a PDF, and it
          follows every step.
        </Text>
      </Stack>
    </Center>
  );
}

/** Which wizard step shows a server input field, e.g. "items[1].quantity" -> 1. */
function stepOfField(field: string): number | null {
  if (/^(customerID|currency|dueDate|paymentTermsDays)$/.test(field)) return 0;
  if (field.startsWith('items') || field.startsWith('discount')) return 1;
  if (field === 'description') return 2;
  if (field === 'methods') return 3;
  return null;
}

function firstFieldStep(error: CombinedError | undefined): number | null {
  for (const e of error?.graphQLErrors ?? []) {
    const f = errorField(e);
    if (errorCode(e) === 'VALIDATION' && f) return stepOfField(f);
  }
  return null;
}

/**
 * Routes /invoices/new and /invoices/:id/edit. Moving from "new" to the draft
 * just created keeps the wizard; any other change of invoice starts afresh.
 */
export function InvoiceWizardPage() {
  const { id } = useParams();
  // The draft this wizard created, and the session (the wizard's key) showing the route.
  const [created, setCreated] = useState<string | null>(null);
  const [shown, setShown] = useState({ id, session: 0 });
  if (shown.id !== id) {
    const continuing = shown.id === undefined && id !== undefined && id === created;
    setShown({ id, session: continuing ? shown.session : shown.session + 1 });
  }
  return <InvoiceWizard key={shown.session} routeID={id ?? null} onCreated={setCreated} />;
}

function InvoiceWizard({ routeID, onCreated }: { routeID: string | null; onCreated: (id: string) => void }) {
  const navigate = useNavigate();
  const wide = useMediaQuery(WIDE, window.matchMedia(WIDE).matches, { getInitialValueInEffect: false });
  const roomy = useMediaQuery(ROOMY, window.matchMedia(ROOMY).matches, { getInitialValueInEffect: false });
  // Beside the preview, or on a smaller screen, the steps take one compact row.
  const compactSteps = wide || !roomy;
  const [active, setActive] = useState(0);
  const [draft, setDraft] = useState<WizardInvoiceFragment | null>(null);
  const [customer, setCustomer] = useState<EditableCustomer | null>(null);
  const [saving, setSaving] = useState(false);
  // Opened from a saved draft (rather than started here).
  const [resumed, setResumed] = useState(false);
  const top = useRef<HTMLDivElement>(null);
  // A new step moves the keyboard's focus to its heading, which screen readers read out.
  const headingRef = useRef<HTMLHeadingElement>(null);
  const shownStep = useRef(active);
  useEffect(() => {
    if (shownStep.current === active) return;
    shownStep.current = active;
    headingRef.current?.focus({ preventScroll: true });
  }, [active]);

  const form = useForm<WizardValues>({
    initialValues: {
      customerID: null,
      currency: '',
      dueChoice: 'none',
      dueDate: null,
      items: [newItem()],
      discount: { mode: 'none', value: '', reason: '' },
      description: '',
      methods: [],
      message: '',
    },
  });
  const [sendOpen, setSendOpen] = useState(false);

  const [{ data: setup }] = useQuery({ query: WizardSetupQuery });
  const { devMailbox } = useEmailProvider();
  const defaultCurrency = setup?.viewer?.merchant.defaultCurrency;
  const merchantTerms = setup?.viewer?.merchant.paymentTermsDays ?? null;
  useEffect(() => {
    if (defaultCurrency && !form.getValues().currency) form.setFieldValue('currency', defaultCurrency);
    // A new invoice starts with the merchant's payment terms.
    if (defaultCurrency && routeID === null && !form.isDirty('dueChoice') && merchantTerms !== null) {
      form.setFieldValue('dueChoice', `${merchantTerms}`);
      form.resetDirty();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the merchant's settings arrive; form is a new object every render
  }, [defaultCurrency, merchantTerms]);

  // "Create Invoice" on a customer's page starts with that customer.
  const [params] = useSearchParams();
  const presetID = routeID === null ? params.get('customer') : null;
  const [{ data: preset }] = useQuery({ query: WizardPresetCustomerQuery, variables: { id: presetID ?? '' }, pause: !presetID });
  useEffect(() => {
    const c = preset?.node;
    if (c?.__typename !== 'Customer' || form.getValues().customerID) return;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- takes the customer the network returned, once
    setCustomer(c);
    form.setFieldValue('customerID', c.id);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per loaded customer; form is a new object every render
  }, [preset]);

  const needsLoad = routeID !== null && draft?.id !== routeID;
  const [{ data: loaded, fetching: loading, error: loadError }] = useQuery({
    query: WizardDraftQuery,
    variables: { id: routeID ?? '' },
    pause: !needsLoad,
    requestPolicy: 'network-only',
  });

  /** Takes the server's saved values as authoritative. */
  const applyServer = (inv: WizardInvoiceFragment, everything = false) => {
    setDraft(inv);
    const current = form.getValues();
    const items = rowsOf(inv, current.items);
    const next: Partial<WizardValues> = {
      currency: inv.currency,
      dueChoice: dueChoiceOf(inv),
      dueDate: timeToDay(inv.dueDate),
    };
    if (everything) {
      next.customerID = inv.customer.id;
      next.items = items.length > 0 ? items : [newItem()];
      next.discount = discountOf(inv);
      next.description = inv.description ?? '';
      next.methods = inv.paymentMethods;
    }
    form.setValues(next);
  };

  // Fill the wizard from a saved draft and open it at the step it was left on.
  useEffect(() => {
    const inv = loaded?.node;
    if (!needsLoad || !inv || inv.__typename !== 'Invoice' || inv.status !== 'DRAFT') return;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- fills the wizard from the draft the network returned, once
    applyServer(inv, true);
    setCustomer(inv.customer);
    setResumed(true);
    setActive(Math.max(0, steps.findIndex((s) => s.step === inv.draftStep)));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per loaded draft; applyServer and form are new every render
  }, [loaded]);

  /** Shows the error; when it names a field on another step, opens that step. */
  const failed: Failed = (error, title) => {
    const fields: Record<string, string> = { paymentTermsDays: 'dueChoice' };
    for (const e of error?.graphQLErrors ?? []) {
      const f = errorField(e);
      if (f?.startsWith('discount')) fields[f] = formPathOf(f);
    }
    if (!showError(error, { form, title, fields })) return false;
    const step = firstFieldStep(error);
    if (step !== null && step !== active) setActive(step);
    return true;
  };
  const saveCustomer = useSaveCustomer(form, failed);
  const saveItems = useSaveItems(form, failed);
  const saveDescription = useSaveDescription(form, failed);
  const savePaymentMethods = useSavePaymentMethods(form, failed);
  const issueInvoice = useIssueInvoice(failed);

  // The description reaches the preview as it is typed, 300 ms after the last key.
  const autosaveDescription = useAutosaveDescription();
  const [typedDescription] = useDebouncedValue(form.values.description, 300);
  const draftID = draft?.id;
  const savedDescription = draft?.description ?? '';
  useEffect(() => {
    if (!draftID || steps[active].step !== 'DESCRIPTION' || typedDescription.trim() === savedDescription.trim()) return;
    let current = true;
    void autosaveDescription(draftID, typedDescription).then((inv) => {
      if (current && inv) setDraft(inv);
    });
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- saves what was typed; autosaveDescription is new every render
  }, [typedDescription, draftID, active]);

  if (needsLoad) {
    const inv = loaded?.node;
    if (inv?.__typename === 'Invoice' && inv.status !== 'DRAFT') {
      return <Navigate to={`/invoices/${inv.id}`} replace />;
    }
    if (loading || !loaded || inv?.__typename === 'Invoice') {
      if (loadError) showError(loadError);
      return loadError ? (
        <Center py={80}>
          <Text c="dimmed">Couldn't load this draft.</Text>
        </Center>
      ) : (
        <PageSkeleton blocks={2} label="Loading the draft" />
      );
    }
    return (
      <Stack align="center" py={80} gap="sm">
        <Title order={1} size="h3">Draft not found</Title>
        <Text c="dimmed">It may have been deleted or already issued.</Text>
        <Button component={Link} to="/invoices" variant="light">
          Back to invoices
        </Button>
      </Stack>
    );
  }

  const goTo = (step: number) => {
    setActive(step);
    top.current?.scrollIntoView({ block: 'start' });
  };

  /** Saves the step shown; false keeps the wizard on it. */
  const saveStep = async (): Promise<boolean> => {
    let res: SaveResult;
    switch (steps[active].step) {
      case 'CUSTOMER':
        res = await saveCustomer(draft);
        break;
      case 'ITEMS':
        res = await saveItems(draft!);
        break;
      case 'DESCRIPTION':
        res = await saveDescription(draft!);
        break;
      case 'PAYMENT_METHODS':
        res = await savePaymentMethods(draft!);
        break;
      default:
        return true;
    }
    if (!res.ok) return false;
    if (res.invoice) {
      applyServer(res.invoice);
      if (!draft) {
        // The draft was just created: continue it at its own address.
        onCreated(res.invoice.id);
        navigate(`/invoices/${res.invoice.id}/edit`, { replace: true });
      }
    }
    return true;
  };

  const next = async () => {
    setSaving(true);
    try {
      if (await saveStep()) goTo(Math.min(active + 1, steps.length - 1));
    } finally {
      setSaving(false);
    }
  };

  const onStepKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Enter' || e.defaultPrevented || e.shiftKey || e.nativeEvent.isComposing || saving) return;
    const t = e.target as HTMLElement;
    if (t.tagName !== 'INPUT' || t.getAttribute('aria-expanded') === 'true') return;
    if (['checkbox', 'radio', 'button', 'submit', 'file'].includes((t as HTMLInputElement).type)) return;
    e.preventDefault();
    if (step !== 'CONFIRM') void next();
  };

  const issue = async (send: boolean) => {
    if (!draft) return;
    setSaving(true);
    try {
      const inv = await issueInvoice(draft, send, form.getValues().message);
      if (!inv) return;
      notifications.show({
        color: 'green',
        icon: <IconCheck size={18} />,
        title: send ? `Invoice ${inv.number} created and sent` : `Invoice ${inv.number} created`,
        message: send ? `We're emailing it to ${inv.customer.email}.` : 'It is open and ready to be paid.',
      });
      navigate(`/invoices/${inv.id}`, { replace: true });
    } finally {
      setSaving(false);
    }
  };

  // The saved draft's customer is authoritative; the one picked in step 1 is the same.
  const recipient = draft?.customer ?? customer;

  const step = steps[active].step;
  const heading = headings[active];

  // Wide: the page in the left column, the preview panel in the right one,
  // from the top and sticky. Narrow: the preview follows the page.
  return (
    <Box
      ref={top}
      style={
        wide
          ? { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) 40%', gap: 'var(--mantine-spacing-lg)', alignItems: 'start' }
          : { display: 'flex', flexDirection: 'column', gap: 'var(--mantine-spacing-lg)' }
      }
    >
      <Stack gap="lg">
        <Anchor component={Link} to="/invoices" size="sm" c="dimmed">
          <Group gap={4}>
            <IconArrowLeft size={14} /> Invoices
          </Group>
        </Anchor>
        <Group justify="space-between">
          <Title order={1} size="h2">{resumed ? 'Continue draft invoice' : 'Create invoice'}</Title>
          {draft && (
            <Text size="sm" c="dimmed">
              Draft saved · you can leave and continue later
            </Text>
          )}
        </Group>

        <Paper withBorder p={wide ? 'lg' : 'xl'}>
          <Stepper
            active={active}
            onStepClick={(i) => i < active && goTo(i)}
            allowNextStepsSelect={false}
            size="sm"
            wrap={!wide}
            iconSize={compactSteps ? 30 : undefined}
            styles={compactSteps ? { separator: { marginInline: 8 }, stepBody: { marginInlineStart: 8 } } : undefined}
          >
            {steps.map((s) => (
              <Stepper.Step
                key={s.step}
                label={compactSteps ? (s.shortLabel ?? s.label) : s.label}
                description={compactSteps ? undefined : s.description}
              />
            ))}
          </Stepper>

          <Divider my="xl" />

          <Stack gap={4} mb="lg">
            <Title order={2} size="h4" ref={headingRef} tabIndex={-1} style={{ outline: 'none' }}>
              {heading.title}
            </Title>
            <Text size="sm" c="dimmed">
              {heading.hint}
            </Text>
          </Stack>

          {/* Enter in a field goes to the next step, as in a form; not in a
              text area (a new line), on a button or link (its own action),
              or in an open drop-down (Enter picks the option). */}
          <div data-step={step} onKeyDown={onStepKeyDown}>
            {step === 'CUSTOMER' && (
              <CustomerStep
                form={form}
                customer={customer}
                onCustomer={setCustomer}
                currencies={setup?.currencies ?? (form.values.currency ? [form.values.currency] : [])}
                merchantTerms={merchantTerms}
              />
            )}
            {step === 'ITEMS' && draft && <ItemsStep form={form} draft={draft} onPriced={setDraft} />}
            {step === 'DESCRIPTION' && (
              <Textarea
                label="Description"
                placeholder="e.g. Website redesign, phase 1 — PO #4471"
                autosize
                minRows={4}
                maxRows={12}
                {...form.getInputProps('description')}
              />
            )}
            {step === 'PAYMENT_METHODS' && <PaymentMethodsStep form={form} />}
            {step === 'CONFIRM' && draft && <ConfirmStep draft={draft} customer={draft.customer} />}
          </div>

          <Divider my="xl" />

          <Group justify="space-between">
            <Button variant="default" onClick={() => goTo(active - 1)} disabled={active === 0 || saving}>
              Back
            </Button>
            {step === 'CONFIRM' ? (
              <Group gap="sm">
                <Button variant="default" onClick={() => void issue(false)} loading={saving}>
                  Create only
                </Button>
                <Button onClick={() => setSendOpen(true)} leftSection={<IconSend size={16} />} disabled={saving || !recipient}>
                  Create and send
                </Button>
              </Group>
            ) : (
              <Button onClick={() => void next()} loading={saving}>
                Next
              </Button>
            )}
          </Group>
        </Paper>
      </Stack>

      <Box
        component="aside"
        aria-label="Invoice preview"
        style={wide ? { position: 'sticky', top: PANEL_TOP, maxHeight: `calc(100dvh - ${PANEL_TOP + 24}px)`, display: 'flex', flexDirection: 'column' } : undefined}
      >
        <InvoicePreview
          invoice={draft}
          fill={!!wide}
          updating={saving && !!draft}
          empty={<PreviewEmpty />}
          hint={
            step === 'CONFIRM'
              ? 'The number and payment link are added when you create the invoice.'
              : step === 'ITEMS' || step === 'DESCRIPTION'
                ? 'Preview updates as you type.'
                : 'Preview updates when you continue.'
          }
        />
      </Box>
      {recipient && (
        <CreateAndSendModal
          opened={sendOpen}
          onClose={() => setSendOpen(false)}
          recipient={recipient}
          bouncing={draft?.customer.emailBouncing ?? false}
          devMailbox={devMailbox}
          message={form.getInputProps('message')}
          sending={saving}
          onSend={() => {
            setSendOpen(false);
            void issue(true);
          }}
        />
      )}
    </Box>
  );
}
