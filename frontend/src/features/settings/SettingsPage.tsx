import {
  Alert,
  Box,
  Button,
  Divider,
  Grid,
  Group,
  Input,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Textarea,
  TextInput,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconFileText, IconMail, IconRefresh } from '@tabler/icons-react';
import { useEffect, useState, type ReactNode } from 'react';
import { useMutation, useQuery } from 'urql';
import { LanguageSelect } from '../../components/LanguageSelect';
import {
  addressInput,
  addressValues,
  formatAddress,
  PostalAddressFields,
  type AddressValues,
} from '../../components/PostalAddressFields';
import { graphql } from '../../gql';
import type { BankAccountInput, BusinessSettingsFragment, PaperSize, UpdateMerchantInput } from '../../gql/graphql';
import { showError } from '../../lib/errors';
import { paymentTermPresets, paymentTermsLabel } from '../../lib/paymentTerms';
import { LogoSettings } from './LogoSettings';
import { ReminderSettings } from './ReminderSettings';
import { TestClockPanel } from './TestClockPanel';

// Everything this page shows; the mutations return it, so urql's document
// cache refetches every query that holds a Merchant: the header's name, the
// wizard's default currency and terms, the setup checklist.
graphql(`
  fragment BusinessSettings on Merchant {
    id
    name
    address
    legalName
    taxID
    postalAddress {
      lines
      city
      postalCode
      region
      country
    }
    bankAccount {
      accountName
      bankName
      iban
      bic
      accountNumber
      routingNumber
    }
    paymentTermsDays
    footer
    language
    defaultCurrency
    paperSize
    logo {
      dataURL
      width
      height
    }
  }
`);

const BusinessSettingsQuery = graphql(`
  query BusinessSettings {
    currencies
    viewer {
      merchant {
        ...BusinessSettings
      }
    }
  }
`);

const UpdateBusinessSettingsMutation = graphql(`
  mutation UpdateBusinessSettings($input: UpdateMerchantInput!) {
    updateMerchant(input: $input) {
      ...BusinessSettings
    }
  }
`);

// Invoice documents (previewHTML, the PDF) are rendered with the merchant's
// current details, so cached invoices are stale once these change.
const saveContext = { additionalTypenames: ['Invoice'] };

const paperSizes: { value: PaperSize; label: string; size: string }[] = [
  { value: 'A4', label: 'A4', size: '210 × 297 mm' },
  { value: 'LETTER', label: 'US Letter', size: '8.5 × 11 in' },
];

interface BankValues {
  accountName: string;
  bankName: string;
  iban: string;
  bic: string;
  accountNumber: string;
  routingNumber: string;
}

interface SettingsValues {
  name: string;
  legalName: string;
  taxID: string;
  postalAddress: AddressValues;
  /** Which kind of account the bank details are: IBAN + BIC, or account + routing number. */
  bankMode: 'iban' | 'account';
  bankAccount: BankValues;
  /** Days as a string, 'custom' (paymentTermsCustom days) or 'none'. */
  paymentTerms: string;
  paymentTermsCustom: string;
  footer: string;
  language: string | null;
  defaultCurrency: string;
  paperSize: PaperSize;
}

function valuesOf(m: BusinessSettingsFragment): SettingsValues {
  const b = m.bankAccount;
  const days = m.paymentTermsDays;
  const preset = days === null || days === undefined ? 'none' : paymentTermPresets.some((p) => p.days === days) ? `${days}` : 'custom';
  return {
    name: m.name,
    legalName: m.legalName ?? '',
    taxID: m.taxID ?? '',
    postalAddress: addressValues(m.postalAddress),
    bankMode: b && !b.iban && b.accountNumber ? 'account' : 'iban',
    bankAccount: {
      accountName: b?.accountName ?? '',
      bankName: b?.bankName ?? '',
      iban: b?.iban ?? '',
      bic: b?.bic ?? '',
      accountNumber: b?.accountNumber ?? '',
      routingNumber: b?.routingNumber ?? '',
    },
    paymentTerms: preset,
    paymentTermsCustom: preset === 'custom' ? `${days}` : '',
    footer: m.footer,
    language: m.language,
    defaultCurrency: m.defaultCurrency,
    paperSize: m.paperSize,
  };
}

/** The bank details to save, by kind; null when every field is blank (which removes them). */
function bankInput(v: SettingsValues): BankAccountInput | null {
  const t = (s: string) => s.trim() || null;
  const b = v.bankAccount;
  const input: BankAccountInput =
    v.bankMode === 'iban'
      ? { accountName: t(b.accountName), bankName: t(b.bankName), iban: t(b.iban), bic: t(b.bic) }
      : { accountName: t(b.accountName), bankName: t(b.bankName), accountNumber: t(b.accountNumber), routingNumber: t(b.routingNumber) };
  return Object.values(input).some((x) => x) ? input : null;
}

function termsDays(v: SettingsValues): number | null {
  if (v.paymentTerms === 'none') return null;
  return Number(v.paymentTerms === 'custom' ? v.paymentTermsCustom.trim() : v.paymentTerms);
}

const termOptions = [
  ...paymentTermPresets.map((p) => ({ value: `${p.days}`, label: p.label })),
  { value: 'custom', label: 'Other number of days' },
  { value: 'none', label: 'No due date' },
];

/** A titled group of fields in the settings form. */
function Section({ title, description, children, id }: { title: string; description?: string; children: ReactNode; id: string }) {
  return (
    <Box component="fieldset" aria-labelledby={id} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
      <Title order={2} size="h4" id={id}>
        {title}
      </Title>
      {description && (
        <Text size="sm" c="dimmed" mt={2}>
          {description}
        </Text>
      )}
      <Stack gap="md" mt="md">
        {children}
      </Stack>
    </Box>
  );
}

export function SettingsPage() {
  const [{ data, error }, refetch] = useQuery({ query: BusinessSettingsQuery });
  const [{ fetching: saving }, save] = useMutation(UpdateBusinessSettingsMutation);
  const form = useForm<SettingsValues>({
    initialValues: {
      name: '',
      legalName: '',
      taxID: '',
      postalAddress: addressValues(null),
      bankMode: 'iban',
      bankAccount: { accountName: '', bankName: '', iban: '', bic: '', accountNumber: '', routingNumber: '' },
      paymentTerms: 'none',
      paymentTermsCustom: '',
      footer: '',
      language: null,
      defaultCurrency: '',
      paperSize: 'A4',
    },
    validate: {
      name: (v) => (v.trim() ? null : 'Enter your business name'),
      paymentTermsCustom: (v, values) =>
        values.paymentTerms !== 'custom' || (/^\d+$/.test(v.trim()) && Number(v) <= 365) ? null : 'Enter a number of days from 0 to 365',
      footer: (v) => (v.length > 2000 ? 'At most 2,000 characters' : null),
    },
  });

  const merchant = data?.viewer?.merchant;
  // Whether the form holds the server's values yet: until then it shows a
  // skeleton rather than empty fields.
  const [ready, setReady] = useState(false);

  // Take the server's values whenever they (re)load, unless the user is
  // midway through an edit.
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

  const submit = form.onSubmit(async (values) => {
    // Only what changed: omitted fields stay as they are on the server.
    const input: UpdateMerchantInput = {};
    if (form.isDirty('name')) input.name = values.name.trim();
    if (form.isDirty('legalName')) input.legalName = values.legalName.trim() || null;
    if (form.isDirty('taxID')) input.taxID = values.taxID.trim() || null;
    if (form.isDirty('postalAddress')) input.postalAddress = addressInput(values.postalAddress);
    if (form.isDirty('bankAccount') || form.isDirty('bankMode')) input.bankAccount = bankInput(values);
    if (form.isDirty('paymentTerms') || form.isDirty('paymentTermsCustom')) input.paymentTermsDays = termsDays(values);
    if (form.isDirty('footer')) input.footer = values.footer.trim();
    if (form.isDirty('language') && values.language) input.language = values.language;
    if (form.isDirty('defaultCurrency')) input.defaultCurrency = values.defaultCurrency;
    if (form.isDirty('paperSize')) input.paperSize = values.paperSize;
    const res = await save({ input }, saveContext);
    const fields = { paymentTermsDays: values.paymentTerms === 'custom' ? 'paymentTermsCustom' : 'paymentTerms' };
    if (showError(res.error, { form, fields, title: "Couldn't save your settings" }) || !res.data) return;
    const saved = valuesOf(res.data.updateMerchant);
    form.setInitialValues(saved);
    form.setValues(saved);
    form.resetDirty(saved);
    notifications.show({
      color: 'green',
      icon: <IconCheck size={18} />,
      title: 'Settings saved',
      message: 'Your invoices now show these details.',
    });
  });

  const dirty = form.isDirty();
  const currencies = data?.currencies ?? (form.values.defaultCurrency ? [form.values.defaultCurrency] : []);
  const paper = paperSizes.find((p) => p.value === form.values.paperSize) ?? paperSizes[0];
  const v = form.values;
  const legacyAddress = merchant && !merchant.postalAddress && merchant.address.trim() ? merchant.address.trim() : null;

  return (
    <Stack gap="lg">
      <div>
        <Title order={1} size="h2">Business settings</Title>
        <Text c="dimmed" size="sm" mt={4}>
          Who is billing: how your business appears on the invoices you send, and how customers pay you.
        </Text>
      </div>

      {error && !data ? (
        <Alert color="red" title="Couldn't load your settings">
          <Stack gap="sm" align="flex-start">
            <Text size="sm">
              {error.graphQLErrors[0]?.message
                ? `The server said: ${error.graphQLErrors[0].message}.`
                : 'Check your connection and try again.'}
            </Text>
            <Button size="xs" variant="light" color="red" leftSection={<IconRefresh size={14} />} onClick={() => refetch({ requestPolicy: 'network-only' })}>
              Try again
            </Button>
          </Stack>
        </Alert>
      ) : (
        <Grid gutter="lg" align="flex-start">
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Paper withBorder p={{ base: 'md', sm: 'xl' }}>
              {!ready ? (
                <FormSkeleton />
              ) : (
                <form onSubmit={submit} noValidate aria-label="Business settings">
                  <Stack gap="xl">
                    <Section title="Identity" id="settings-identity" description="Printed at the top of every invoice.">
                      <TextInput
                        label="Business name"
                        description="Your trading name, as customers know it"
                        withAsterisk
                        autoComplete="organization"
                        {...form.getInputProps('name')}
                      />
                      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
                        <TextInput
                          label="Legal name"
                          description="Registered name, if it differs"
                          placeholder="e.g. Harbour Tea Lda."
                          {...form.getInputProps('legalName')}
                        />
                        <TextInput
                          label="Tax ID"
                          description="VAT, GST or other tax number"
                          placeholder="e.g. PT123456789"
                          {...form.getInputProps('taxID')}
                        />
                      </SimpleGrid>
                    </Section>

                    <Divider />

                    <Section title="Address" id="settings-address" description="Where your business is registered.">
                      {legacyAddress && (
                        <Alert color="indigo" variant="light" title="Your address, as you typed it before">
                          <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
                            {legacyAddress}
                          </Text>
                          <Text size="sm" mt={4}>
                            Enter it in the fields below; invoices print the structured address once it is saved.
                          </Text>
                        </Alert>
                      )}
                      <PostalAddressFields form={form} />
                    </Section>

                    <Divider />

                    <Section title="Bank details" id="settings-bank" description="Printed on invoices so customers can pay by bank transfer.">
                      <SegmentedControl
                        aria-label="Kind of bank account"
                        fullWidth
                        data={[
                          { value: 'iban', label: 'IBAN + BIC' },
                          { value: 'account', label: 'Account number' },
                        ]}
                        value={v.bankMode}
                        onChange={(mode) => form.setFieldValue('bankMode', mode as 'iban' | 'account')}
                      />
                      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
                        <TextInput label="Account holder" {...form.getInputProps('bankAccount.accountName')} />
                        <TextInput label="Bank name" {...form.getInputProps('bankAccount.bankName')} />
                        {v.bankMode === 'iban' ? (
                          <>
                            <TextInput
                              label="IBAN"
                              placeholder="e.g. DE89 3704 0044 0532 0130 00"
                              autoComplete="off"
                              spellCheck={false}
                              {...form.getInputProps('bankAccount.iban')}
                            />
                            <TextInput
                              label="BIC / SWIFT"
                              placeholder="e.g. COBADEFFXXX"
                              autoComplete="off"
                              spellCheck={false}
                              {...form.getInputProps('bankAccount.bic')}
                            />
                          </>
                        ) : (
                          <>
                            <TextInput label="Account number" autoComplete="off" {...form.getInputProps('bankAccount.accountNumber')} />
                            <TextInput
                              label="Routing number or sort code"
                              autoComplete="off"
                              {...form.getInputProps('bankAccount.routingNumber')}
                            />
                          </>
                        )}
                      </SimpleGrid>
                    </Section>

                    <Divider />

                    <Section title="Invoices" id="settings-invoices" description="Defaults for new invoices and how documents print.">
                      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="md">
                        <Select
                          label="Default payment terms"
                          description="When new invoices are due"
                          data={termOptions}
                          allowDeselect={false}
                          {...form.getInputProps('paymentTerms')}
                        />
                        {v.paymentTerms === 'custom' && (
                          <TextInput
                            label="Days after issue"
                            description={/^\d+$/.test(v.paymentTermsCustom.trim()) ? paymentTermsLabel(Number(v.paymentTermsCustom)) : 'From 0 to 365'}
                            inputMode="numeric"
                            {...form.getInputProps('paymentTermsCustom')}
                          />
                        )}
                        <LanguageSelect
                          label="Invoice language"
                          description="Unless a customer has their own"
                          allowDeselect={false}
                          {...form.getInputProps('language')}
                        />
                        <Select
                          label="Default currency"
                          description="New invoices start in this currency"
                          data={currencies}
                          searchable
                          allowDeselect={false}
                          nothingFoundMessage="No such currency"
                          maxDropdownHeight={260}
                          {...form.getInputProps('defaultCurrency')}
                        />
                        <Input.Wrapper label="Paper size" description="Size of invoice PDFs" labelElement="div" error={form.errors.paperSize}>
                          <SegmentedControl
                            fullWidth
                            mt={5}
                            aria-label="Paper size"
                            data={paperSizes.map((p) => ({ value: p.value, label: p.label }))}
                            value={v.paperSize}
                            onChange={(p) => form.setFieldValue('paperSize', p as PaperSize)}
                          />
                          <Text size="xs" c="dimmed" mt={6} data-testid="paper-dimensions">
                            {paper.size}
                          </Text>
                        </Input.Wrapper>
                      </SimpleGrid>
                      <Textarea
                        label="Footer"
                        description="Printed at the bottom of every invoice: terms, late-fee note, registration details"
                        placeholder="e.g. Payment within 30 days. Late payments incur 1% interest per month."
                        autosize
                        minRows={2}
                        maxRows={8}
                        {...form.getInputProps('footer')}
                      />
                    </Section>

                    <Divider />

                    <Group justify="flex-end" gap="sm">
                      {dirty && (
                        <Button variant="default" onClick={() => form.reset()} disabled={saving}>
                          Discard changes
                        </Button>
                      )}
                      <Button type="submit" loading={saving} disabled={!dirty}>
                        Save changes
                      </Button>
                    </Group>
                  </Stack>
                </form>
              )}
            </Paper>
            <Box mt="lg">
              <ReminderSettings />
            </Box>
          </Grid.Col>

          <Grid.Col span={{ base: 12, md: 5 }}>
            <Stack gap="lg">
              <LogoSettings logo={merchant?.logo ?? null} loading={!ready} />
              <WhereThisAppears
                name={v.name}
                legalName={v.legalName}
                taxID={v.taxID}
                address={formatAddress(addressInput(v.postalAddress))}
                logo={merchant?.logo?.dataURL ?? null}
                paper={paper.label}
                loading={!ready}
              />
              <TestClockPanel />
            </Stack>
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}

function FormSkeleton() {
  return (
    <Stack gap="lg" data-testid="settings-loading">
      {[36, 84, 36].map((h, i) => (
        <Stack key={i} gap={6}>
          <Skeleton h={12} w={120} />
          <Skeleton h={h} />
        </Stack>
      ))}
    </Stack>
  );
}

/** Where the name and address end up, with a sketch of an invoice's header drawn from the form as it is typed. */
function WhereThisAppears({ name, legalName, taxID, address, logo, paper, loading }: {
  name: string;
  legalName: string;
  taxID: string;
  address: string;
  logo: string | null;
  paper: string;
  loading: boolean;
}) {
  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="where-this-appears">
      <Stack gap="md">
        <div>
          <Title order={2} size="h5" id="where-this-appears">
            Where this appears
          </Title>
          <Text size="sm" c="dimmed" mt={4}>
            Your logo, name, address and tax ID head every invoice document: the email your customer receives and the PDF.
          </Text>
        </div>

        <Box
          aria-hidden
          p="md"
          bg="gray.0"
          style={{ borderRadius: 'var(--mantine-radius-md)', border: '1px solid var(--mantine-color-gray-2)' }}
        >
          <Box bg="white" p="md" style={{ borderRadius: 'var(--mantine-radius-sm)', boxShadow: 'var(--mantine-shadow-xs)' }}>
            <Group justify="space-between" align="flex-start" wrap="nowrap" gap="md">
              <Box miw={0}>
                {logo && <img src={logo} alt="" style={{ display: 'block', maxWidth: 120, maxHeight: 48, marginBottom: 8 }} />}
                {loading ? (
                  <Skeleton h={16} w={140} />
                ) : (
                  <Text fw={700} size="md" lh={1.3} lineClamp={3} style={{ overflowWrap: 'anywhere' }}>
                    {name.trim() || 'Your business'}
                  </Text>
                )}
                {legalName.trim() && legalName.trim() !== name.trim() && (
                  <Text size="xs" c="gray.7">
                    {legalName.trim()}
                  </Text>
                )}
                {address.trim() ? (
                  <Text size="xs" c="gray.7" mt={4} style={{ whiteSpace: 'pre-line', overflowWrap: 'anywhere' }}>
                    {address.trim()}
                  </Text>
                ) : (
                  !loading && (
                    <Text size="xs" c="dimmed" fs="italic" mt={4}>
                      No address yet
                    </Text>
                  )
                )}
                {taxID.trim() && (
                  <Text size="xs" c="gray.7" mt={4}>
                    Tax ID {taxID.trim()}
                  </Text>
                )}
              </Box>
              <Text size="xs" fw={600} c="dimmed" tt="uppercase" style={{ letterSpacing: 1, flexShrink: 0 }}>
                Invoice
              </Text>
            </Group>
            <Stack gap={6} mt="md">
              <Skeleton h={6} w="55%" animate={false} />
              <Skeleton h={6} w="80%" animate={false} />
              <Skeleton h={6} w="70%" animate={false} />
            </Stack>
          </Box>
        </Box>

        <Stack gap="sm">
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <ThemeIcon variant="light" size={28} radius="md">
              <IconMail size={16} />
            </ThemeIcon>
            <Text size="sm">
              <b>Invoice emails</b>: at the top of every invoice you send.
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <ThemeIcon variant="light" size={28} radius="md">
              <IconFileText size={16} />
            </ThemeIcon>
            <Text size="sm">
              <b>PDF invoices</b>: on the first page, printed on {paper} paper.
            </Text>
          </Group>
        </Stack>

        <Text size="xs" c="dimmed">
          Changes apply to every invoice, including ones already issued, the next time it is viewed, sent or downloaded.
        </Text>
      </Stack>
    </Paper>
  );
}
