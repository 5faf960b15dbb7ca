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
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import type { PaperSize, UpdateMerchantInput } from '../../gql/graphql';
import { showError } from '../../lib/errors';

const BusinessSettingsQuery = graphql(`
  query BusinessSettings {
    currencies
    viewer {
      merchant {
        id
        name
        address
        defaultCurrency
        paperSize
      }
    }
  }
`);

// Returns the Merchant, so urql's document cache refetches every query that
// holds one: the header's merchant name and the wizard's default currency.
const UpdateBusinessSettingsMutation = graphql(`
  mutation UpdateBusinessSettings($input: UpdateMerchantInput!) {
    updateMerchant(input: $input) {
      id
      name
      address
      defaultCurrency
      paperSize
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

interface SettingsValues {
  name: string;
  address: string;
  defaultCurrency: string;
  paperSize: PaperSize;
}

function valuesOf(m: SettingsValues): SettingsValues {
  return { name: m.name, address: m.address, defaultCurrency: m.defaultCurrency, paperSize: m.paperSize };
}

export function SettingsPage() {
  const [{ data, error }, refetch] = useQuery({ query: BusinessSettingsQuery });
  const [{ fetching: saving }, save] = useMutation(UpdateBusinessSettingsMutation);
  const form = useForm<SettingsValues>({
    initialValues: { name: '', address: '', defaultCurrency: '', paperSize: 'A4' },
    validate: {
      name: (v) => (v.trim() ? null : 'Enter your business name'),
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
    if (form.isDirty('address')) input.address = values.address.trim();
    if (form.isDirty('defaultCurrency')) input.defaultCurrency = values.defaultCurrency;
    if (form.isDirty('paperSize')) input.paperSize = values.paperSize;
    const res = await save({ input }, saveContext);
    if (showError(res.error, { form, title: "Couldn't save your settings" }) || !res.data) return;
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

  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>Business settings</Title>
        <Text c="dimmed" size="sm" mt={4}>
          How your business appears to the customers you bill.
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
            <Paper withBorder p="xl">
              {!ready ? (
                <FormSkeleton />
              ) : (
                <form onSubmit={submit} noValidate aria-label="Business settings">
                  <Stack gap="lg">
                    <TextInput
                      label="Business name"
                      description="Your trading name, as customers know it"
                      withAsterisk
                      autoComplete="organization"
                      {...form.getInputProps('name')}
                    />
                    <Textarea
                      label="Address"
                      description="Printed under your name on every invoice"
                      placeholder={'Street and number\nPostcode and city\nCountry'}
                      autosize
                      minRows={3}
                      maxRows={8}
                      autoComplete="street-address"
                      {...form.getInputProps('address')}
                    />
                    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg" verticalSpacing="lg">
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
                          value={form.values.paperSize}
                          onChange={(v) => form.setFieldValue('paperSize', v as PaperSize)}
                        />
                        <Text size="xs" c="dimmed" mt={6} data-testid="paper-dimensions">
                          {paper.size}
                        </Text>
                      </Input.Wrapper>
                    </SimpleGrid>

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
          </Grid.Col>

          <Grid.Col span={{ base: 12, md: 5 }}>
            <WhereThisAppears name={form.values.name} address={form.values.address} paper={paper.label} loading={!ready} />
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
function WhereThisAppears({ name, address, paper, loading }: { name: string; address: string; paper: string; loading: boolean }) {
  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="where-this-appears">
      <Stack gap="md">
        <div>
          <Title order={5} id="where-this-appears">
            Where this appears
          </Title>
          <Text size="sm" c="dimmed" mt={4}>
            Your name and address head every invoice document: the email your customer receives and the PDF.
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
                {loading ? (
                  <Skeleton h={16} w={140} />
                ) : (
                  <Text fw={700} size="md" lh={1.3} lineClamp={3} style={{ overflowWrap: 'anywhere' }}>
                    {name.trim() || 'Your business'}
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
