import {
  ActionIcon,
  Anchor,
  Button,
  Checkbox,
  CloseButton,
  Group,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedCallback, useDebouncedValue } from '@mantine/hooks';
import { IconFileInvoice, IconPlus, IconRepeat, IconSearch } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import type { AgingBucket, InvoicesListQuery as InvoicesList, InvoiceStatus, InvoiceWhereInput } from '../../gql/graphql';
import { EmptyState } from '../../components/EmptyState';
import type { NodeOf } from '../../components/CursorPages';
import { PagedTable } from '../../components/PagedTable';
import { formatDate, formatDueDate } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { InvoiceStatusBadge } from '../../components/InvoiceStatusBadge';
import { statusLabel } from '../../components/invoiceStatus';
import { ExportCsvButton } from '../../components/ExportCsvButton';
import { BulkActions, type Selected } from './BulkActions';
import { bucketLabel, ReceivablesSummary } from './ReceivablesSummary';
import { SetupChecklist } from './SetupChecklist';
import { ariaSort, parseSort, SortHeader } from './SortHeader';
import { useInvoiceStatusChanges } from '../../lib/useInvoiceStatusChanges';

const PAGE_SIZE = 25;

const InvoicesListQuery = graphql(`
  query InvoicesList($first: Int!, $after: Cursor, $where: InvoiceWhereInput, $orderBy: InvoiceOrder) {
    invoices(first: $first, after: $after, where: $where, orderBy: $orderBy) {
      totalCount
      edges {
        node {
          id
          number
          status
          overdue
          currency
          total
          dueDate
          issuedAt
          createdAt
          recurringScheduleID
          customer {
            id
            name
            email
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const FilterCustomerQuery = graphql(`
  query InvoicesFilterCustomer($id: ID!) {
    node(id: $id) {
      __typename
      ... on Customer {
        id
        name
      }
    }
  }
`);

const statuses: InvoiceStatus[] = ['DRAFT', 'OPEN', 'PARTIALLY_PAID', 'PAID', 'VOID', 'UNCOLLECTIBLE'];
const listContext = { additionalTypenames: ['Invoice'] };

export function InvoicesPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') as InvoiceStatus | null;
  const overdue = params.get('overdue') === '1';
  const customerID = params.get('customer');
  const aging = params.get('aging') as AgingBucket | null;
  const sort = parseSort(params.get('sort'));
  const [selected, setSelected] = useState<Map<string, Selected>>(new Map());
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);

  const update = (key: string, value: string | null) => {
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  };

  // Keep the search box in the URL so Back returns to the same list.
  useEffect(() => {
    if ((params.get('q') ?? '') !== debouncedSearch) update('q', debouncedSearch || null);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- mirrors the typed search into the URL; following params too would undo Back
  }, [debouncedSearch]);

  const where = useMemo<InvoiceWhereInput>(() => {
    const w: InvoiceWhereInput = {};
    if (status) w.status = status;
    if (overdue) w.overdue = true;
    if (debouncedSearch) w.search = debouncedSearch;
    if (customerID) w.customerID = customerID;
    if (aging) w.aging = aging;
    return w;
  }, [status, overdue, debouncedSearch, customerID, aging]);

  const [{ data: customerData }] = useQuery({
    query: FilterCustomerQuery,
    variables: { id: customerID ?? '' },
    pause: !customerID,
  });
  const filterCustomer = customerData?.node?.__typename === 'Customer' ? customerData.node : null;

  // Live: on a status change anywhere, every loaded page is fetched again. A
  // change can move a row in or out of the filter, and a burst (a batch of
  // payments) is one reload, not one per event.
  const [refresh, setRefresh] = useState(0);
  const reload = useDebouncedCallback(() => setRefresh((n) => n + 1), 300);
  // What a screen reader hears when the list changes by itself (the app-wide
  // "INV-… was paid" toast is announced too; this says what it did to the list).
  const [announcement, setAnnouncement] = useState('');
  useInvoiceStatusChanges({
    onChange: (change) => {
      reload();
      if (change.to !== change.from) {
        setAnnouncement(`Invoice list updated: ${change.invoice.number ?? 'a draft'} is now ${statusLabel[change.to] ?? change.to}`);
      }
    },
    onResync: reload,
  });

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">Invoices</Title>
        <Group gap="sm">
          <ExportCsvButton list="invoices" params={{ status, overdue: overdue ? 'true' : null, customerID, aging, search: debouncedSearch }} />
          <Button component={Link} to="/invoices/new" leftSection={<IconPlus size={16} />}>
            Create Invoice
          </Button>
        </Group>
      </Group>

      <VisuallyHidden role="status" aria-live="polite" data-testid="invoices-live">
        {announcement}
      </VisuallyHidden>

      <SetupChecklist />

      <ReceivablesSummary selected={aging} onSelect={(b) => update('aging', b)} refresh={refresh} />

      <Group gap="md" align="center">
        <TextInput
          placeholder="Search number, reference, customer"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          rightSection={search ? <CloseButton size="sm" onClick={() => setSearch('')} aria-label="Clear search" /> : null}
          w={300}
          aria-label="Search invoices"
        />
        <Select
          aria-label="Status"
          placeholder="All statuses"
          data={statuses.map((s) => ({ value: s, label: statusLabel[s] }))}
          value={status}
          onChange={(v) => update('status', v)}
          clearable
          w={180}
        />
        <Switch label="Overdue" checked={overdue} onChange={(e) => update('overdue', e.currentTarget.checked ? '1' : null)} />
        {aging && (
          <Group gap={4} px="sm" py={4} bg="indigo.0" style={{ borderRadius: 'var(--mantine-radius-xl)' }}>
            <Text size="sm" c="indigo.8">
              Aging: {bucketLabel[aging]}
            </Text>
            <CloseButton size="xs" onClick={() => update('aging', null)} aria-label="Clear aging filter" />
          </Group>
        )}
        {customerID && (
          <Group gap={4} px="sm" py={4} bg="indigo.0" style={{ borderRadius: 'var(--mantine-radius-xl)' }}>
            <Text size="sm" c="indigo.8">
              Customer: {filterCustomer?.name ?? '…'}
            </Text>
            <CloseButton size="xs" onClick={() => update('customer', null)} aria-label="Clear customer filter" />
          </Group>
        )}
      </Group>

      <BulkActions selected={[...selected.values()]} onDone={() => { setSelected(new Map()); reload(); }} />

      <PagedTable
        query={InvoicesListQuery}
        variables={{ first: PAGE_SIZE, where, orderBy: sort }}
        connection={(d) => d.invoices}
        context={listContext}
        refresh={refresh}
        errorTitle="Couldn't load invoices"
        // Below 48em each row is a card (global.css: .invoice-table), so the
        // number, customer, total and status fit a phone without scrolling.
        tableProps={{ highlightOnHover: true, className: 'invoice-table' }}
        columns={[
          { label: <VisuallyHidden>Select</VisuallyHidden>, w: 40 },
          ...sortable.map(([label, field, ta]) => ({
            label: <SortHeader label={label} field={field} sort={sort} onSort={(s) => update('sort', `${s.field}.${s.direction}`)} end={ta === 'right'} />,
            ta,
            sort: ariaSort(sort, field),
          })),
        ]}
        row={(inv) => (
          <InvoiceRow
            key={inv.id}
            inv={inv}
            selected={selected.has(inv.id)}
            onSelect={(on) =>
              setSelected((m) => {
                const next = new Map(m);
                if (on) next.set(inv.id, { id: inv.id, number: inv.number });
                else next.delete(inv.id);
                return next;
              })
            }
          />
        )}
        empty={
          Object.keys(where).length > 0 ? (
            <EmptyState icon={IconFileInvoice} title="No invoices match these filters">
              Try a different status or search.
            </EmptyState>
          ) : (
            <EmptyState
              icon={IconFileInvoice}
              title="No invoices yet"
              action={
                <Button component={Link} to="/invoices/new" variant="light" mt="xs" leftSection={<IconPlus size={16} />}>
                  Create Invoice
                </Button>
              }
            >
              Create your first invoice to get paid.
            </EmptyState>
          )
        }
      />
    </Stack>
  );
}

type InvoiceListItem = NodeOf<InvoicesList['invoices']>;

const sortable = [
  ['Number', 'NUMBER', undefined],
  ['Customer', 'CUSTOMER_NAME', undefined],
  ['Total', 'TOTAL', 'right'],
  ['Status', 'STATUS', undefined],
  ['Due', 'DUE_DATE', undefined],
  ['Issued', 'ISSUED_AT', undefined],
] as const;

function InvoiceRow({ inv, selected, onSelect }: { inv: InvoiceListItem; selected: boolean; onSelect: (on: boolean) => void }) {
  const navigate = useNavigate();
  const href = inv.status === 'DRAFT' ? `/invoices/${inv.id}/edit` : `/invoices/${inv.id}`;
  return (
    <Table.Tr className="clickable-row" onClick={() => navigate(href)} data-invoice-id={inv.id}>
      <Table.Td data-col="select" onClick={(e) => e.stopPropagation()}>
        <Checkbox
          checked={selected}
          onChange={(e) => onSelect(e.currentTarget.checked)}
          aria-label={`Select ${inv.number ?? 'draft'} (${inv.customer.name})`}
        />
      </Table.Td>
      <Table.Td data-col="number">
        <Group gap={6} wrap="nowrap">
          <Anchor component={Link} to={href} fw={500} size="sm" c={inv.number ? undefined : 'dimmed'} onClick={(e) => e.stopPropagation()}>
            {inv.number ?? 'Draft'}
          </Anchor>
          {inv.recurringScheduleID && (
            <Tooltip label="Made by a recurring schedule: open it">
              <ActionIcon
                component={Link}
                to={`/recurring/${inv.recurringScheduleID}`}
                size="sm"
                variant="subtle"
                color="gray"
                aria-label={`Recurring schedule of ${inv.number ?? 'this draft'}`}
                onClick={(e) => e.stopPropagation()}
                data-testid="invoice-recurring-link"
              >
                <IconRepeat size={14} />
              </ActionIcon>
            </Tooltip>
          )}
        </Group>
      </Table.Td>
      <Table.Td data-col="customer">
        <Text size="sm" fw={500}>
          {inv.customer.name}
        </Text>
        <Text size="xs" c="dimmed">
          {inv.customer.email}
        </Text>
      </Table.Td>
      <Table.Td data-col="total" ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
        <Text size="sm" fw={500} span>
          {formatMoney(inv.total, inv.currency)}
        </Text>{' '}
        <Text size="xs" c="dimmed" span>
          {inv.currency}
        </Text>
      </Table.Td>
      <Table.Td data-col="status">
        <InvoiceStatusBadge status={inv.status} overdue={inv.overdue} />
      </Table.Td>
      <Table.Td data-col="due" data-label="Due">
        <Text size="sm">{formatDueDate(inv.dueDate)}</Text>
      </Table.Td>
      <Table.Td data-col="issued" data-label="Issued">
        <Text size="sm">{formatDate(inv.issuedAt)}</Text>
      </Table.Td>
    </Table.Tr>
  );
}
