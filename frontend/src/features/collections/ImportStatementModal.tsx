import {
  Alert,
  Button,
  Checkbox,
  FileInput,
  Group,
  Input,
  List,
  Loader,
  Modal,
  MultiSelect,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconCircleCheck, IconFileUpload } from '@tabler/icons-react';
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { graphql } from '../../gql';
import type {
  ImportStatementMutation,
  PreviewStatementMutation,
  StatementFormat,
  StatementMappingInput,
} from '../../gql/graphql';
import { errorCode, errorField, inlineMessage, showError } from '../../lib/errors';

const ImportStatementSetupQuery = graphql(`
  query ImportStatementSetup {
    currencies
    viewer {
      merchant {
        id
        defaultCurrency
      }
    }
  }
`);

const PreviewStatementDoc = graphql(`
  mutation PreviewStatement($file: Upload!) {
    previewStatement(file: $file) {
      headers
      rows
      mapping {
        date
        amount
        credit
        debit
        currency
        fixedCurrency
        text
        payerName
        payerAccount
        externalID
        dateFormat
        decimalComma
      }
    }
  }
`);

const ImportStatementDoc = graphql(`
  mutation ImportStatement($file: Upload!, $format: StatementFormat!, $mapping: StatementMappingInput) {
    importStatement(file: $file, format: $format, mapping: $mapping) {
      lines
      created
      alreadyImported
      matched
      partial
      unmatched
    }
  }
`);

// The result holds no collection, so say which lists it changes.
type StatementPreview = PreviewStatementMutation['previewStatement'];
type ImportStatementResult = ImportStatementMutation['importStatement'];

const importContext = { additionalTypenames: ['Collection', 'Invoice', 'Payment'] };

/** Rows of the file shown to check the mapping against. */
const PREVIEW_ROWS = 5;

interface MappingValues {
  date: string | null;
  /** One signed amount column, or money in and out in two. */
  amountMode: 'amount' | 'credit';
  amount: string | null;
  credit: string | null;
  debit: string | null;
  /** A currency column, or one currency for the whole file. */
  currencyMode: 'column' | 'fixed';
  currency: string | null;
  fixedCurrency: string | null;
  text: string[];
  payerName: string | null;
  payerAccount: string | null;
  externalID: string | null;
  dateFormat: string;
  decimalComma: boolean;
}

const noMapping: StatementPreview['mapping'] = {
  date: '',
  amount: '',
  credit: '',
  debit: '',
  currency: '',
  fixedCurrency: '',
  text: [],
  payerName: '',
  payerAccount: '',
  externalID: '',
  dateFormat: '',
  decimalComma: false,
};

/** camt.053 is XML; anything else is taken for a CSV export. */
function formatOf(file: File): StatementFormat {
  return /\.xml$/i.test(file.name) ? 'CAMT053' : 'CSV';
}

function valuesOf(m: StatementPreview['mapping'], defaultCurrency: string): MappingValues {
  const orNull = (s: string) => s || null;
  const currencyMode = m.currency ? 'column' : 'fixed';
  return {
    date: orNull(m.date),
    amountMode: !m.amount && m.credit ? 'credit' : 'amount',
    amount: orNull(m.amount),
    credit: orNull(m.credit),
    debit: orNull(m.debit),
    currencyMode,
    currency: orNull(m.currency),
    fixedCurrency: m.fixedCurrency || (currencyMode === 'fixed' ? defaultCurrency : null),
    text: m.text,
    payerName: orNull(m.payerName),
    payerAccount: orNull(m.payerAccount),
    externalID: orNull(m.externalID),
    dateFormat: m.dateFormat,
    decimalComma: m.decimalComma,
  };
}

function mappingOf(v: MappingValues): StatementMappingInput {
  const credit = v.amountMode === 'credit';
  const fixed = v.currencyMode === 'fixed';
  return {
    date: v.date ?? '',
    amount: credit ? null : v.amount,
    credit: credit ? v.credit : null,
    debit: credit ? v.debit : null,
    currency: fixed ? null : v.currency,
    fixedCurrency: fixed ? v.fixedCurrency : null,
    text: v.text,
    payerName: v.payerName,
    payerAccount: v.payerAccount,
    externalID: v.externalID,
    dateFormat: v.dateFormat.trim() || null,
    decimalComma: v.decimalComma,
  };
}

/** What each column is read as, to label the preview's headers. */
function roles(v: MappingValues): Map<string, string> {
  const out = new Map<string, string>();
  const put = (col: string | null, role: string) => {
    if (col) out.set(col, out.has(col) ? `${out.get(col)}, ${role}` : role);
  };
  put(v.date, 'Date');
  if (v.amountMode === 'amount') put(v.amount, 'Amount');
  else {
    put(v.credit, 'Credit');
    put(v.debit, 'Debit');
  }
  if (v.currencyMode === 'column') put(v.currency, 'Currency');
  for (const t of v.text) put(t, 'Memo');
  put(v.payerName, 'Payer');
  put(v.payerAccount, 'Account');
  put(v.externalID, 'Transaction id');
  return out;
}

/**
 * The problems the server found in a file, one per line. It sends them as one
 * message, "line 7, amount: …; line 9, date: …", whose reasons may contain
 * "; " themselves: split only where the next problem names its place.
 */
function fileProblems(error: CombinedError): string[] | null {
  const e = error.graphQLErrors.find((g) => errorCode(g) === 'VALIDATION' && errorField(g)?.match(/^(file|mapping)/));
  if (!e) return null;
  const message = inlineMessage(e.message, errorField(e) ?? '');
  return message
    .split(/; (?=(?:line|entry) \d+[,:]|stopped after )/)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1));
}

/** "42 payments: 38 matched, 3 partly, 1 to review; 0 already imported." */
function importSummary(r: ImportStatementResult): string {
  const noun = r.lines === 1 ? 'payment' : 'payments';
  return `${r.lines} ${noun}: ${r.matched} matched, ${r.partial} partly, ${r.unmatched} to review; ${r.alreadyImported} already imported.`;
}

/**
 * "Import statement": a bank's CSV export, with its columns mapped (Tally
 * suggests the mapping and remembers it), or a camt.053 file. Every incoming
 * payment on it is recorded and matched; a file with mistakes is refused as
 * a whole, naming every line to fix.
 */
export function ImportStatementModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [{ data: setup }] = useQuery({ query: ImportStatementSetupQuery, pause: !opened });
  const [{ fetching: previewing }, preview] = useMutation(PreviewStatementDoc);
  const [{ fetching: importing }, importStatement] = useMutation(ImportStatementDoc);
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<StatementFormat>('CSV');
  const [previewed, setPreviewed] = useState<{ file: File; preview: StatementPreview } | null>(null);
  const [problems, setProblems] = useState<string[] | null>(null);
  const [result, setResult] = useState<ImportStatementResult | null>(null);
  const defaultCurrency = setup?.viewer?.merchant.defaultCurrency ?? 'USD';

  const form = useForm<MappingValues>({
    initialValues: valuesOf(noMapping, defaultCurrency),
    validate: {
      date: (v) => (v ? null : 'Choose the column with the booking date'),
      amount: (v, values) => (values.amountMode === 'amount' && !v ? 'Choose the amount column' : null),
      credit: (v, values) => (values.amountMode === 'credit' && !v ? 'Choose the column with money received' : null),
      currency: (v, values) => (values.currencyMode === 'column' && !v ? 'Choose the currency column' : null),
      fixedCurrency: (v, values) => (values.currencyMode === 'fixed' && !v ? 'Choose the currency' : null),
    },
  });

  const reset = () => {
    setFile(null);
    setFormat('CSV');
    setPreviewed(null);
    setProblems(null);
    setResult(null);
  };

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- starts afresh when the modal opens; a key would remount the Modal and cut its closing transition
    if (opened) reset();
  }, [opened]);

  const runPreview = async (f: File) => {
    setPreviewed(null);
    setProblems(null);
    const res = await preview({ file: f });
    if (res.error) {
      const listed = fileProblems(res.error);
      if (listed) setProblems(listed);
      else showError(res.error, { title: "Couldn't read the file" });
      return;
    }
    if (!res.data) return;
    const p = res.data.previewStatement;
    const values = valuesOf(p.mapping, defaultCurrency);
    form.setValues(values);
    form.clearErrors();
    setPreviewed({ file: f, preview: p });
  };

  const choose = (f: File | null) => {
    setFile(f);
    setResult(null);
    setProblems(null);
    setPreviewed(null);
    if (!f) return;
    const fmt = formatOf(f);
    setFormat(fmt);
    if (fmt === 'CSV') void runPreview(f);
  };

  const changeFormat = (fmt: StatementFormat) => {
    setFormat(fmt);
    setProblems(null);
    if (fmt === 'CSV' && file && previewed?.file !== file) void runPreview(file);
  };

  const runImport = async (mapping: StatementMappingInput | null) => {
    if (!file) return;
    setProblems(null);
    const res = await importStatement({ file, format, mapping }, importContext);
    if (res.error) {
      const listed = fileProblems(res.error);
      if (listed) setProblems(listed);
      else showError(res.error, { title: "Couldn't import the statement" });
      return;
    }
    if (res.data) setResult(res.data.importStatement);
  };

  const csvReady = format === 'CSV' && !!previewed && previewed.file === file;
  const submitMapping = form.onSubmit((values) => runImport(mappingOf(values)));
  // A CSV import sends the mapping on screen; camt.053 needs none.
  const submit = (e: FormEvent<HTMLFormElement>) => {
    if (csvReady) return submitMapping(e);
    e.preventDefault();
    void runImport(null);
  };
  const columns = previewed?.preview.headers ?? [];
  const columnData = columns.map((h) => ({ value: h, label: h }));

  return (
    <Modal opened={opened} onClose={onClose} title="Import a bank statement" centered size={csvReady && !result ? 'xl' : 'lg'}>
      {result ? (
        <Stack gap="md">
          <Alert color="green" variant="light" icon={<IconCircleCheck size={18} />} title="Statement imported" data-testid="import-result">
            <Text size="sm">{importSummary(result)}</Text>
            {result.created === 0 && result.alreadyImported > 0 && (
              <Text size="sm" mt={4}>
                Nothing new: this statement was imported before.
              </Text>
            )}
            {result.unmatched + result.partial > 0 && (
              <Text size="sm" mt={4}>
                What Tally couldn't place is in the review queue.
              </Text>
            )}
          </Alert>
          <Group justify="flex-end">
            <Button variant="default" onClick={reset}>
              Import another
            </Button>
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Import a bank statement">
          <Stack gap="md">
            <Text size="sm">
              Every incoming payment on the statement is recorded and matched to your invoices. Importing the same
              statement again adds nothing twice.
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <FileInput
                label="Statement file"
                placeholder="Choose a .csv or .xml file"
                accept=".csv,.txt,.xml,text/csv,text/xml,application/xml"
                leftSection={<IconFileUpload size={16} />}
                value={file}
                onChange={choose}
                clearable
              />
              <Input.Wrapper label="Format" labelElement="div">
                <SegmentedControl
                  fullWidth
                  mt={4}
                  aria-label="Format"
                  data={[
                    { value: 'CSV', label: 'CSV export' },
                    { value: 'CAMT053', label: 'camt.053 (XML)' },
                  ]}
                  value={format}
                  onChange={(v) => changeFormat(v as StatementFormat)}
                />
              </Input.Wrapper>
            </SimpleGrid>

            {problems && (
              <Alert
                color="red"
                variant="light"
                icon={<IconAlertTriangle size={18} />}
                title={problems.length === 1 ? 'This file can’t be imported' : `This file can’t be imported: ${problems.length} problems`}
                data-testid="import-problems"
              >
                <Text size="sm" mb={6}>
                  Nothing was imported. Fix {problems.length === 1 ? 'this' : 'these'} in the file, or the column mapping, and try again.
                </Text>
                <List size="sm" spacing={2} style={{ overflowWrap: 'anywhere' }}>
                  {problems.map((p, i) => (
                    <List.Item key={i}>{p}</List.Item>
                  ))}
                </List>
              </Alert>
            )}

            {format === 'CSV' && file && previewing && (
              <Group gap="xs">
                <Loader size="xs" />
                <Text size="sm" c="dimmed">
                  Reading the file…
                </Text>
              </Group>
            )}

            {csvReady && previewed && (
              <>
                <PreviewTable preview={previewed.preview} roles={roles(form.values)} />
                <Stack gap="sm">
                  <div>
                    <Title order={6}>Columns</Title>
                    <Text size="xs" c="dimmed">
                      Tally guessed these from the header; it remembers what you import with for next time.
                    </Text>
                  </div>
                  <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
                    <Select label="Date" withAsterisk data={columnData} {...form.getInputProps('date')} allowDeselect={false} />
                    <Stack gap={4}>
                      <Input.Wrapper label="Amount" labelElement="div" withAsterisk>
                        <SegmentedControl
                          fullWidth
                          size="xs"
                          mt={4}
                          aria-label="Amount columns"
                          data={[
                            { value: 'amount', label: 'One column' },
                            { value: 'credit', label: 'Credit / debit' },
                          ]}
                          value={form.values.amountMode}
                          onChange={(v) => form.setFieldValue('amountMode', v as MappingValues['amountMode'])}
                        />
                      </Input.Wrapper>
                      {form.values.amountMode === 'amount' ? (
                        <Select aria-label="Amount column" placeholder="Signed amount" data={columnData} {...form.getInputProps('amount')} />
                      ) : (
                        <Group gap={6} grow>
                          <Select aria-label="Credit column" placeholder="Credit (in)" data={columnData} {...form.getInputProps('credit')} />
                          <Select aria-label="Debit column" placeholder="Debit (out)" data={columnData} clearable {...form.getInputProps('debit')} />
                        </Group>
                      )}
                    </Stack>
                    <Stack gap={4}>
                      <Input.Wrapper label="Currency" labelElement="div" withAsterisk>
                        <SegmentedControl
                          fullWidth
                          size="xs"
                          mt={4}
                          aria-label="Currency source"
                          data={[
                            { value: 'column', label: 'Column' },
                            { value: 'fixed', label: 'Fixed' },
                          ]}
                          value={form.values.currencyMode}
                          onChange={(v) => form.setFieldValue('currencyMode', v as MappingValues['currencyMode'])}
                        />
                      </Input.Wrapper>
                      {form.values.currencyMode === 'column' ? (
                        <Select aria-label="Currency column" placeholder="Currency column" data={columnData} {...form.getInputProps('currency')} />
                      ) : (
                        <Select
                          aria-label="Currency of the file"
                          searchable
                          data={setup?.currencies ?? [defaultCurrency]}
                          {...form.getInputProps('fixedCurrency')}
                        />
                      )}
                    </Stack>
                  </SimpleGrid>
                  <MultiSelect
                    label="Memo"
                    description="The columns with the payment's reference or message; read together, in this order."
                    data={columnData}
                    {...form.getInputProps('text')}
                  />
                  <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
                    <Select label="Payer name" placeholder="None" data={columnData} clearable {...form.getInputProps('payerName')} />
                    <Select label="Payer account" placeholder="None" data={columnData} clearable {...form.getInputProps('payerAccount')} />
                    <Select
                      label="Transaction id"
                      placeholder="None"
                      data={columnData}
                      clearable
                      {...form.getInputProps('externalID')}
                    />
                  </SimpleGrid>
                  <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                    <TextInput
                      label="Date format"
                      placeholder="Detected"
                      description="Only if dates are misread: 31.03.2024 is written 02.01.2006"
                      {...form.getInputProps('dateFormat')}
                    />
                    <Checkbox
                      mt={{ base: 0, sm: 28 }}
                      label="Amounts use a decimal comma (1.234,56)"
                      description="Otherwise the file's amounts decide"
                      {...form.getInputProps('decimalComma', { type: 'checkbox' })}
                    />
                  </SimpleGrid>
                </Stack>
              </>
            )}

            <Group justify="flex-end" mt="xs">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={importing} disabled={!file || previewing || (format === 'CSV' && !csvReady)}>
                Import
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** The file's first rows under its header, each column labelled with what it is read as. */
function PreviewTable({ preview, roles }: { preview: StatementPreview; roles: Map<string, string> }) {
  const rows = preview.rows.slice(0, PREVIEW_ROWS);
  return (
    <Stack gap={4}>
      <Text size="xs" c="dimmed">
        The first {rows.length} {rows.length === 1 ? 'row' : 'rows'} of the file
      </Text>
      <Paper withBorder radius="sm">
        <Table.ScrollContainer minWidth={480} type="native">
          <Table verticalSpacing={4} horizontalSpacing="xs" fz="xs" striped data-testid="statement-preview">
            <Table.Thead>
              <Table.Tr>
                {preview.headers.map((h, i) => (
                  <Table.Th key={i} style={{ whiteSpace: 'nowrap', verticalAlign: 'bottom' }}>
                    <Text size="xs" c={roles.has(h) ? 'indigo.7' : 'dimmed'} fw={500}>
                      {roles.get(h) ?? 'Not used'}
                    </Text>
                    {h}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row, i) => (
                <Table.Tr key={i}>
                  {preview.headers.map((h, j) => (
                    <Table.Td key={j} style={{ maxWidth: 240, overflowWrap: 'anywhere' }} c={roles.has(h) ? undefined : 'dimmed'}>
                      {row[j] ?? ''}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </Stack>
  );
}
