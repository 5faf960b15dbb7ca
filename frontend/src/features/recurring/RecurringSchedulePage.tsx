import { Anchor, Button, Center, Grid, Group, List, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconFileInvoice, IconPlayerPause, IconPlayerPlay, IconX } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import type { Connection } from '../../components/CursorPages';
import { EmptyState } from '../../components/EmptyState';
import { InvoiceStatusBadge } from '../../components/InvoiceStatusBadge';
import { LineItemsTable, TotalRow } from '../../components/LineItems';
import { PagedTable } from '../../components/PagedTable';
import { graphql } from '../../gql';
import type { RecurringScheduleInvoicesQuery } from '../../gql/graphql';
import { formatDate, formatDueDate } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { everyLabel } from '../../lib/schedule';
import { RecurringStatusBadge } from './RecurringPage';
import { useScheduleActions } from './scheduleActions';

const RecurringScheduleDocument = graphql(`
  query RecurringScheduleDetail($id: ID!) {
    node(id: $id) {
      __typename
      ... on RecurringSchedule {
        id
        createdAt
        interval
        intervalCount
        startDate
        endAfterCount
        endDate
        autoSend
        status
        runs
        nextRunAt
        upcoming
        currency
        description
        paymentTermsDays
        sourceInvoiceID
        total
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
        customer {
          id
          name
          email
        }
      }
    }
  }
`);

const RecurringScheduleInvoicesDocument = graphql(`
  query RecurringScheduleInvoices($id: ID!, $first: Int!, $after: Cursor) {
    node(id: $id) {
      __typename
      ... on RecurringSchedule {
        id
        invoices(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
          totalCount
          edges {
            node {
              id
              number
              status
              overdue
              currency
              total
              amountDue
              dueDate
              issuedAt
              createdAt
            }
          }
          pageInfo {
            hasNextPage
            endCursor
          }
        }
      }
    }
  }
`);

type InvoiceNode = NonNullable<
  NonNullable<Extract<RecurringScheduleInvoicesQuery['node'], { __typename: 'RecurringSchedule' }>['invoices']['edges']>[number]
>['node'];

const noInvoices: Connection<NonNullable<InvoiceNode>> = { edges: [], pageInfo: { hasNextPage: false } };
const context = { additionalTypenames: ['RecurringSchedule', 'Invoice'] };

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

/** /recurring/:id: what a schedule bills, when, its next dates, and the invoices it made. */
export function RecurringSchedulePage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [{ data, fetching }] = useQuery({ query: RecurringScheduleDocument, variables: { id }, context });
  const { onPause, onResume, onCancel, busy } = useScheduleActions();
  const s = data?.node?.__typename === 'RecurringSchedule' ? data.node : null;

  if (!s) {
    return fetching || !data ? (
      <Center py={80}>
        <Loader />
      </Center>
    ) : (
      <Stack align="center" py={80} gap="sm">
        <Title order={1} size="h3">Recurring schedule not found</Title>
        <Button component={Link} to="/recurring" variant="light">
          Back to recurring invoices
        </Button>
      </Stack>
    );
  }

  const every = everyLabel(s.interval, s.intervalCount);
  const end = s.endAfterCount
    ? `After ${s.endAfterCount} invoice${s.endAfterCount === 1 ? '' : 's'}`
    : s.endDate
      ? `On ${formatDueDate(s.endDate)}`
      : 'Never';

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/recurring" size="sm" c="dimmed">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Recurring invoices
        </Group>
      </Anchor>

      <Group justify="space-between" align="flex-start">
        <div style={{ minWidth: 0 }}>
          <Group gap="sm">
            <Title order={1} size="h2" data-testid="recurring-title">
              {every}
            </Title>
            <RecurringStatusBadge status={s.status} />
          </Group>
          <Text c="dimmed" mt={4} style={{ overflowWrap: 'anywhere' }}>
            {formatMoney(s.total, s.currency)} {s.currency} · billed to{' '}
            <Anchor component={Link} to={`/customers/${s.customer.id}`} inherit>
              {s.customer.name}
            </Anchor>
          </Text>
        </div>
        <Group gap="sm">
          {s.status === 'ACTIVE' && (
            <Button variant="default" leftSection={<IconPlayerPause size={16} />} onClick={() => onPause(s)} loading={busy}>
              Pause
            </Button>
          )}
          {s.status === 'PAUSED' && (
            <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => onResume(s)} loading={busy}>
              Resume
            </Button>
          )}
          {(s.status === 'ACTIVE' || s.status === 'PAUSED') && (
            <Button variant="default" color="red" leftSection={<IconX size={16} />} onClick={() => onCancel(s)}>
              Cancel schedule
            </Button>
          )}
        </Group>
      </Group>

      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="lg">
            <Paper withBorder p="lg">
              <SimpleGrid cols={{ base: 1, xs: 2, sm: 3 }} spacing="lg">
                <Field label="First invoice">
                  <Text size="sm">{formatDate(s.startDate)}</Text>
                </Field>
                <Field label="Ends">
                  <Text size="sm">{end}</Text>
                </Field>
                <Field label="Each invoice">
                  <Text size="sm">{s.autoSend ? 'Issued and emailed' : 'Left as a draft for you'}</Text>
                </Field>
                <Field label="Invoices made">
                  <Text size="sm" data-testid="recurring-runs">
                    {s.runs}
                    {s.endAfterCount ? ` of ${s.endAfterCount}` : ''}
                  </Text>
                </Field>
                <Field label="Due">
                  <Text size="sm">
                    {s.paymentTermsDays === null || s.paymentTermsDays === undefined
                      ? 'No due date'
                      : s.paymentTermsDays === 0
                        ? 'On receipt'
                        : `${s.paymentTermsDays} days after issue`}
                  </Text>
                </Field>
                <Field label="Made from">
                  {s.sourceInvoiceID ? (
                    <Anchor component={Link} to={`/invoices/${s.sourceInvoiceID}`} size="sm">
                      The original invoice
                    </Anchor>
                  ) : (
                    <Text size="sm" c="dimmed">
                      A deleted invoice
                    </Text>
                  )}
                </Field>
              </SimpleGrid>
              {s.description && (
                <Text size="sm" mt="lg" style={{ whiteSpace: 'pre-wrap' }}>
                  {s.description}
                </Text>
              )}
            </Paper>

            <LineItemsTable items={s.items} currency={s.currency}>
              <TotalRow label="Each invoice totals" value={formatMoney(s.total, s.currency)} tone="strong" />
            </LineItemsTable>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Paper withBorder p="lg" component="section" aria-labelledby="recurring-next">
            <Title order={2} size="h5" id="recurring-next" mb="sm">
              Next invoices
            </Title>
            {s.upcoming.length === 0 ? (
              <Text size="sm" c="dimmed">
                {s.status === 'PAUSED' ? 'None while paused.' : 'None: the schedule has stopped.'}
              </Text>
            ) : (
              <List size="sm" spacing={4} data-testid="recurring-upcoming">
                {s.upcoming.map((d) => (
                  <List.Item key={d}>{formatDate(d)}</List.Item>
                ))}
              </List>
            )}
          </Paper>
        </Grid.Col>
      </Grid>

      <Title order={2} size="h3">Invoices made</Title>
      <PagedTable
        query={RecurringScheduleInvoicesDocument}
        variables={{ id, first: 25 }}
        connection={(d) => (d.node?.__typename === 'RecurringSchedule' ? d.node.invoices : noInvoices)}
        context={context}
        errorTitle="Couldn't load the invoices"
        tableProps={{ highlightOnHover: true, 'aria-label': 'Invoices made' }}
        minWidth={600}
        columns={[
          { label: 'Number' },
          { label: 'Status' },
          { label: 'Total', ta: 'right' },
          { label: 'Amount due', ta: 'right' },
          { label: 'Due' },
          { label: 'Made' },
        ]}
        row={(inv) => {
          const href = inv.status === 'DRAFT' ? `/invoices/${inv.id}/edit` : `/invoices/${inv.id}`;
          return (
            <Table.Tr key={inv.id} className="clickable-row" onClick={() => navigate(href)}>
              <Table.Td>
                <Anchor component={Link} to={href} size="sm" fw={500} c={inv.number ? undefined : 'dimmed'} onClick={(e) => e.stopPropagation()}>
                  {inv.number ?? 'Draft'}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <InvoiceStatusBadge status={inv.status} overdue={inv.overdue} />
              </Table.Td>
              <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                <Text size="sm">{formatMoney(inv.total, inv.currency)}</Text>
              </Table.Td>
              <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                <Text size="sm">{inv.status === 'DRAFT' || inv.status === 'VOID' ? '—' : formatMoney(inv.amountDue, inv.currency)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDueDate(inv.dueDate)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDate(inv.issuedAt ?? inv.createdAt)}</Text>
              </Table.Td>
            </Table.Tr>
          );
        }}
        empty={
          <EmptyState icon={IconFileInvoice} title="No invoices yet">
            {s.nextRunAt ? `The first one is made on ${formatDate(s.nextRunAt)}.` : 'This schedule made no invoices.'}
          </EmptyState>
        }
      />
    </Stack>
  );
}
