import {
  Alert,
  Button,
  Checkbox,
  FileInput,
  Group,
  Input,
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
import { useDebouncedCallback, useMediaQuery } from '@mantine/hooks';
import { IconCircleCheck, IconFileUpload } from '@tabler/icons-react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { graphql } from '../../gql';
import type { ImportStatementMutation, PreviewStatementMutation, StatementMappingInput } from '../../gql/graphql';
import { errorCode, errorField, inlineMessage, showError } from '../../lib/errors';
import { NoticesCallout, ProblemsCallout, SkippedLines, StatementPayments, StatementSummary } from './StatementContents';
import { mappingOf, renameColumns, roles, valuesOf, type MappingValues } from './statementMapping';

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
  mutation PreviewStatement($file: Upload!, $format: StatementFormat, $mapping: StatementMappingInput) {
    previewStatement(file: $file, format: $format, mapping: $mapping) {
      format
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
        direction
        hasHeader
        dateFormat
        decimalComma
      }
      skipped {
        line
        text
        reason
      }
      payments {
        line
        bookedAt
        amount
        currency
        text
        payerName
        payerAccount
      }
      incoming
      outgoing
      notices
      problems
    }
  }
`);

const ImportStatementDoc = graphql(`
  mutation ImportStatement($file: Upload!, $format: StatementFormat, $mapping: StatementMappingInput) {
    importStatement(file: $file, format: $format, mapping: $mapping) {
      lines
      created
      alreadyImported
      matched
      partial
      unmatched
      proposed
      outgoing
      notices
    }
  }
`);

type StatementPreview = PreviewStatementMutation['previewStatement'];
type ImportStatementResult = ImportStatementMutation['importStatement'];

// The result holds no collection, so say which lists it changes.
const importContext = { additionalTypenames: ['Collection', 'Invoice', 'Payment'] };

/** Rows of a CSV file shown to check the mapping against. */
const PREVIEW_ROWS = 5;

/** How long the mapping rests before the preview is read again with it. */
const REPREVIEW_MS = 400;

const emptyValues: MappingValues = {
  hasHeader: true,
  date: null,
  amountMode: 'amount',
  amount: null,
  direction: null,
  credit: null,
  debit: null,
  currencyMode: 'fixed',
  currency: null,
  fixedCurrency: null,
  text: [],
  payerName: null,
  payerAccount: null,
  externalID: null,
  dateFormat: '',
  decimalComma: false,
};

/**
 * The problems the server found in a file, one per line. It sends them as one
 * message, "line 7, amount: …; line 9, date: …", whose reasons may contain
 * "; " themselves: split only where the next problem names its place.
 */
function fileProblems(error: CombinedError): string[] | null {
  const e = error.graphQLErrors.find((g) => errorCode(g) === 'VALIDATION' && errorField(g)?.match(/^(file|mapping|format)/));
  if (!e) return null;
  const message = inlineMessage(e.message, errorField(e) ?? '');
  return message
    .split(/; (?=(?:line|entry) \d+[,:]|stopped after )/)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1));
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** "42 payments: 38 matched, 3 partly, 1 to review; 0 already imported." */
function importSummary(r: ImportStatementResult): string {
  const review = r.proposed > 0 ? `${r.unmatched} to review (${r.proposed} with a proposed match)` : `${r.unmatched} to review`;
  return `${count(r.lines, 'payment', 'payments')}: ${r.matched} matched, ${r.partial} partly, ${review}; ${r.alreadyImported} already imported.`;
}

/** The column names to choose from: as read, or as they will be once the header row is turned on or off. */
function columnsFor(preview: StatementPreview, hasHeader: boolean): string[] {
  if (hasHeader === preview.mapping.hasHeader) return preview.headers;
  if (!hasHeader) return preview.headers.map((_, i) => `Column ${i + 1}`);
  return preview.rows[0] ?? preview.headers;
}

/**
 * "Import statement": any statement file a bank exports (a CSV export, MT940,
 * camt.052/053/054). The server tells the format from the content and shows
 * what the import would record: the payments in, what it skips and why, what
 * it assumed and what stops it. A CSV's columns are mapped here (Tally
 * suggests the mapping and remembers it), and every change reads the file
 * again. A file with mistakes is refused as a whole, naming every line to fix.
 */
export function ImportStatementModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [{ data: setup }] = useQuery({ query: ImportStatementSetupQuery, pause: !opened });
  const [{ fetching: previewing }, preview] = useMutation(PreviewStatementDoc);
  const [{ fetching: importing }, importStatement] = useMutation(ImportStatementDoc);
  const phone = useMediaQuery('(max-width: 36em)');
  const [file, setFile] = useState<File | null>(null);
  const [previewed, setPreviewed] = useState<{ file: File; preview: StatementPreview } | null>(null);
  // Problems the server answered with an error, rather than in the preview.
  const [errorProblems, setErrorProblems] = useState<string[] | null>(null);
  const [result, setResult] = useState<ImportStatementResult | null>(null);
  const defaultCurrency = setup?.viewer?.merchant.defaultCurrency ?? 'USD';
  // The last preview asked for: an older answer arriving late is dropped.
  const asked = useRef(0);
  // The mapping the shown preview was read with, to read again only when it changes.
  const readWith = useRef('');

  const rereadWith = useDebouncedCallback((values: MappingValues) => {
    if (!previewed || previewed.preview.format !== 'CSV' || previewed.file !== file) return;
    const mapping = mappingOf(values);
    if (JSON.stringify(mapping) === readWith.current) return;
    void runPreview(previewed.file, mapping);
  }, REPREVIEW_MS);

  const form = useForm<MappingValues>({
    initialValues: emptyValues,
    onValuesChange: (values) => rereadWith(values),
    validate: {
      date: (v) => (v ? null : 'Choose the column with the booking date'),
      amount: (v, values) => (values.amountMode === 'amount' && !v ? 'Choose the amount column' : null),
      credit: (v, values) => (values.amountMode === 'credit' && !v ? 'Choose the column with money received' : null),
      currency: (v, values) => (values.currencyMode === 'column' && !v ? 'Choose the currency column' : null),
      fixedCurrency: (v, values) => (values.currencyMode === 'fixed' && !v ? 'Choose the currency' : null),
    },
  });

  const reset = () => {
    asked.current++;
    setFile(null);
    setPreviewed(null);
    setErrorProblems(null);
    setResult(null);
  };

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- starts afresh when the modal opens; a key would remount the Modal and cut its closing transition
    if (opened) reset();
  }, [opened]);

  /** Reads f: told from its content the first time, then as CSV with the mapping on screen. */
  async function runPreview(f: File, mapping?: StatementMappingInput) {
    const n = ++asked.current;
    if (mapping) readWith.current = JSON.stringify(mapping);
    const res = await preview(mapping ? { file: f, format: 'CSV', mapping } : { file: f });
    if (n !== asked.current) return;
    if (res.error) {
      const listed = fileProblems(res.error);
      if (listed) setErrorProblems(listed);
      else showError(res.error, { title: "Couldn't read the file" });
      // A mapping the server refuses stays on screen to be fixed.
      if (!mapping) setPreviewed(null);
      return;
    }
    if (!res.data) return;
    const p = res.data.previewStatement;
    setErrorProblems(null);
    if (!mapping && p.format === 'CSV') {
      const values = valuesOf(p.mapping, defaultCurrency);
      readWith.current = JSON.stringify(mappingOf(values));
      form.setValues(values);
      form.clearErrors();
    }
    setPreviewed({ file: f, preview: p });
  }

  const choose = (f: File | null) => {
    asked.current++;
    setFile(f);
    setResult(null);
    setErrorProblems(null);
    setPreviewed(null);
    if (f) void runPreview(f);
  };

  const runImport = async (mapping: StatementMappingInput | null) => {
    if (!file || !previewed) return;
    setErrorProblems(null);
    const res = await importStatement({ file, format: previewed.preview.format, mapping }, importContext);
    if (res.error) {
      const listed = fileProblems(res.error);
      if (listed) setErrorProblems(listed);
      else showError(res.error, { title: "Couldn't import the statement" });
      return;
    }
    if (res.data) setResult(res.data.importStatement);
  };

  const ready = !!previewed && previewed.file === file;
  const shown = ready ? previewed.preview : null;
  const csv = shown?.format === 'CSV';
  const problems = errorProblems ?? shown?.problems ?? [];
  const submitMapping = form.onSubmit((values) => runImport(mappingOf(values)));
  // A CSV import sends the mapping on screen; the other formats need none.
  const submit = (e: FormEvent<HTMLFormElement>) => {
    if (csv) return submitMapping(e);
    e.preventDefault();
    void runImport(null);
  };
  const columns = shown && csv ? columnsFor(shown, form.values.hasHeader) : [];
  const columnData = [...new Set(columns)].map((h) => ({ value: h, label: h }));

  const toggleHeader = (hasHeader: boolean) => {
    if (!shown) return;
    const current = columnsFor(shown, form.values.hasHeader);
    form.setValues(renameColumns(form.values, current, shown.rows[0] ?? [], hasHeader));
  };

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title="Import a bank statement"
      centered
      fullScreen={phone}
      size={shown && !result ? 'xl' : 'lg'}
    >
      {result ? (
        <Stack gap="md">
          <Alert color="green" variant="light" icon={<IconCircleCheck size={18} />} title="Statement imported" data-testid="import-result">
            <Text size="sm">{importSummary(result)}</Text>
            {result.outgoing > 0 && (
              <Text size="sm" mt={4} data-testid="import-outgoing">
                {count(result.outgoing, 'outgoing line', 'outgoing lines')} skipped: money going out is not a payment received.
              </Text>
            )}
            {result.created === 0 && result.alreadyImported > 0 && (
              <Text size="sm" mt={4}>
                Nothing new: this statement was imported before.
              </Text>
            )}
            {result.unmatched + result.partial > 0 && (
              <Text size="sm" mt={4}>
                What Tally couldn't place is in the review queue
                {result.proposed > 0 ? '; a proposed match is accepted there in one click.' : '.'}
              </Text>
            )}
          </Alert>
          <NoticesCallout notices={result.notices} title="Tally assumed" />
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
              Every incoming payment on the statement is recorded and matched to your invoices; money going out is
              skipped. Importing the same statement again adds nothing twice.
            </Text>
            <FileInput
              label="Statement file"
              description="A CSV export, MT940, or camt.052, camt.053 or camt.054 XML: Tally tells which from the content."
              placeholder="Choose a statement file"
              leftSection={<IconFileUpload size={16} />}
              value={file}
              onChange={choose}
              clearable
            />

            {file && previewing && (
              <Group gap="xs" data-testid="statement-reading">
                <Loader size="xs" />
                <Text size="sm" c="dimmed">
                  {shown ? 'Reading the file again with these columns…' : 'Reading the file…'}
                </Text>
              </Group>
            )}

            {shown && <StatementSummary preview={shown} />}
            <ProblemsCallout problems={problems} />
            {shown && <NoticesCallout notices={shown.notices} />}

            {shown && csv && (
              <>
                <PreviewTable preview={shown} columns={columns} roles={roles(form.values)} />
                <Stack gap="sm">
                  <div>
                    <Title order={3} size="h6">Columns</Title>
                    <Text size="xs" c="dimmed">
                      Tally guessed these from the file; it remembers what you import with for next time.
                    </Text>
                  </div>
                  <Checkbox
                    label="First row is data (no header)"
                    description="Columns are then named by their position: Column 1, Column 2, …"
                    checked={!form.values.hasHeader}
                    onChange={(e) => toggleHeader(!e.currentTarget.checked)}
                  />
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
                        <>
                          <Select aria-label="Amount column" placeholder="Amount" data={columnData} {...form.getInputProps('amount')} />
                          <Select
                            label="Money in/out column"
                            description="When amounts carry no sign: C/D, Af/Bij, S/H, CR/DR…"
                            placeholder="None: amounts are signed"
                            data={columnData}
                            clearable
                            {...form.getInputProps('direction')}
                          />
                        </>
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
                    <Select label="Transaction id" placeholder="None" data={columnData} clearable {...form.getInputProps('externalID')} />
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

            {shown && <StatementPayments preview={shown} />}
            {shown && <SkippedLines skipped={shown.skipped} />}

            <Group justify="flex-end" mt="xs">
              {problems.length > 0 && (
                <Text size="sm" c="red" mr="auto" data-testid="import-blocked">
                  {problems.length === 1 ? 'The problem above stops the import.' : `The ${problems.length} problems above stop the import.`}
                </Text>
              )}
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={importing} disabled={!shown || previewing || problems.length > 0}>
                Import
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

// One line per row: long memos are cut (the whole text on hover), the table scrolls sideways.
const cellStyle = { whiteSpace: 'nowrap', maxWidth: 260, overflow: 'hidden', textOverflow: 'ellipsis' } as const;

/** The file's first rows under its header, each column labelled with what it is read as. */
function PreviewTable({ preview, columns, roles }: { preview: StatementPreview; columns: string[]; roles: Map<string, string> }) {
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
                {columns.map((h, i) => (
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
                  {columns.map((h, j) => (
                    <Table.Td key={j} style={cellStyle} c={roles.has(h) ? undefined : 'dimmed'} title={row[j] ?? ''}>
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
