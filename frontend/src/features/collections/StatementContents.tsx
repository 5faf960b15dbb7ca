import { Alert, Badge, Button, Collapse, Group, List, Paper, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle, IconChevronDown, IconChevronRight, IconInfoCircle } from '@tabler/icons-react';
import type { PreviewStatementMutation } from '../../gql/graphql';
import { formatDate } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { statementFormatLabel } from './statementMapping';

type StatementPreview = PreviewStatementMutation['previewStatement'];

const plural = (n: number, one: string, many: string) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** "14 incoming payments, 9 outgoing skipped" */
export function countsLine(p: Pick<StatementPreview, 'incoming' | 'outgoing'>): string {
  return `${plural(p.incoming, 'incoming payment', 'incoming payments')}, ${p.outgoing.toLocaleString()} outgoing skipped`;
}

/** The server's "line 2, amount: …" as the start of a sentence. */
function sentence(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Why a file cannot be imported, one item each; nothing is imported while there are any. */
export function ProblemsCallout({ problems }: { problems: string[] }) {
  if (problems.length === 0) return null;
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlertTriangle size={18} />}
      title={problems.length === 1 ? 'This file can’t be imported' : `This file can’t be imported: ${problems.length} problems`}
      data-testid="import-problems"
    >
      <Text size="sm" mb={6}>
        Nothing is imported while {problems.length === 1 ? 'this is' : 'these are'} left. Fix {problems.length === 1 ? 'it' : 'them'} in the file, or
        change the column mapping.
      </Text>
      <List size="sm" spacing={2} style={{ overflowWrap: 'anywhere' }}>
        {problems.map((p, i) => (
          <List.Item key={i}>{sentence(p)}</List.Item>
        ))}
      </List>
    </Alert>
  );
}

/** What Tally assumed about the file, to check before importing. */
export function NoticesCallout({ notices, title = 'Please check' }: { notices: string[]; title?: string }) {
  if (notices.length === 0) return null;
  return (
    <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />} title={title} data-testid="statement-notices">
      <List size="sm" spacing={2} style={{ overflowWrap: 'anywhere' }}>
        {notices.map((n, i) => (
          <List.Item key={i}>{n}</List.Item>
        ))}
      </List>
    </Alert>
  );
}

/** The detected format and how much money in and out the file holds. */
export function StatementSummary({ preview }: { preview: StatementPreview }) {
  return (
    <Group gap="xs" data-testid="statement-summary">
      <Badge variant="light" radius="sm" tt="none" size="lg" data-testid="statement-format" data-format={preview.format}>
        {statementFormatLabel[preview.format] ?? preview.format}
      </Badge>
      <Text size="sm" fw={500} data-testid="statement-counts">
        {countsLine(preview)}
      </Text>
    </Group>
  );
}

/** The incoming payments the import would record, the first 20 of them. */
export function StatementPayments({ preview }: { preview: StatementPreview }) {
  const { payments, incoming } = preview;
  if (payments.length === 0) return null;
  return (
    <Stack gap={4}>
      <Text size="xs" c="dimmed">
        {incoming > payments.length
          ? `The first ${payments.length} of ${plural(incoming, 'payment', 'payments')} to import`
          : `${payments.length === 1 ? 'The payment' : `The ${payments.length} payments`} to import`}
      </Text>
      <Paper withBorder radius="sm">
        <Table.ScrollContainer minWidth={560} type="native">
          <Table verticalSpacing={4} horizontalSpacing="xs" fz="xs" striped data-testid="statement-payments">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Date</Table.Th>
                <Table.Th>Payer</Table.Th>
                <Table.Th>Text</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {payments.map((p) => (
                <Table.Tr key={p.line} data-line={p.line}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(p.bookedAt)}</Table.Td>
                  <Table.Td style={{ maxWidth: 200, overflowWrap: 'anywhere' }}>
                    {p.payerName || (p.payerAccount ? '' : '—')}
                    {p.payerAccount && (
                      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {p.payerAccount}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td style={{ maxWidth: 280, overflowWrap: 'anywhere' }}>{p.text || '—'}</Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
                    {formatMoney(p.amount, p.currency)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </Stack>
  );
}

/** "3 lines skipped", opened to list each with its line number and why. */
export function SkippedLines({ skipped }: { skipped: StatementPreview['skipped'] }) {
  const [open, { toggle }] = useDisclosure(false);
  if (skipped.length === 0) return null;
  return (
    <Stack gap={4} data-testid="statement-skipped">
      <Group>
        <Button
          variant="subtle"
          size="compact-sm"
          color="gray"
          onClick={toggle}
          aria-expanded={open}
          aria-controls="statement-skipped-lines"
          leftSection={open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
        >
          {plural(skipped.length, 'line', 'lines')} skipped
        </Button>
      </Group>
      <Collapse in={open} id="statement-skipped-lines">
        <Paper withBorder radius="sm">
          <Table.ScrollContainer minWidth={520} type="native">
            <Table verticalSpacing={4} horizontalSpacing="xs" fz="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th ta="right" w={1}>
                    Line
                  </Table.Th>
                  <Table.Th>Text</Table.Th>
                  <Table.Th>Why it is skipped</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {skipped.map((s) => (
                  <Table.Tr key={s.line} data-line={s.line}>
                    <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                      {s.line}
                    </Table.Td>
                    <Table.Td style={{ maxWidth: 320, overflowWrap: 'anywhere', fontFamily: 'var(--mantine-font-family-monospace)' }}>
                      {s.text}
                    </Table.Td>
                    <Table.Td style={{ maxWidth: 240 }}>{s.reason}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      </Collapse>
    </Stack>
  );
}
