import { Anchor, Button, Grid, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconFileInvoice, IconPencil, IconPlus } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { PageSkeleton } from '../../components/PageSkeleton';
import { CustomerFormModal } from '../../components/CustomerFormModal';
import type { Connection } from '../../components/CursorPages';
import { EmailBouncingBadge } from '../../components/EmailBouncingBadge';
import { EmptyState } from '../../components/EmptyState';
import { InvoiceStatusBadge } from '../../components/InvoiceStatusBadge';
import { PagedTable } from '../../components/PagedTable';
import { formatAddress } from '../../components/PostalAddressFields';
import { graphql } from '../../gql';
import type { CustomerInvoicesQuery } from '../../gql/graphql';
import { formatDate, formatDueDate } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { CustomerCredits } from './CustomerCredits';
import { CustomerPortalLink } from './CustomerPortalLink';

const CustomerQuery = graphql(`
  query CustomerPage($id: ID!) {
    node(id: $id) {
      __typename
      ... on Customer {
        ...EditableCustomer
        emailBouncing
        createdAt
        amountDue {
          amount
          currency
        }
        credit {
          amount
          currency
        }
        portalURL
        creditBalances {
          currency
          amount
        }
        credits {
          id
          kind
          amount
          currency
          at
          note
          invoiceID
          creditNoteID
          refundChannel
          recordedBy
        }
      }
    }
    languages {
      tag
      name
    }
  }
`);

const CustomerInvoicesQuery = graphql(`
  query CustomerInvoices($id: ID!, $first: Int!, $after: Cursor) {
    node(id: $id) {
      __typename
      ... on Customer {
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
  NonNullable<Extract<CustomerInvoicesQuery['node'], { __typename: 'Customer' }>['invoices']['edges']>[number]
>['node'];

const noInvoices: Connection<NonNullable<InvoiceNode>> = { edges: [], pageInfo: { hasNextPage: false } };
const context = { additionalTypenames: ['Invoice', 'Customer', 'CustomerCredit'] };

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={500} tt="uppercase" mb={4}>
        {label}
      </Text>
      {children}
    </div>
  );
}

/** A list of amounts in several currencies, or "Nothing" when empty. */
function Amounts({ amounts, testId, none }: { amounts: { amount: string; currency: string }[]; testId: string; none: string }) {
  return (
    <Stack gap={2} data-testid={testId}>
      {amounts.length === 0 ? (
        <Text size="lg" fw={600} c="dimmed">
          {none}
        </Text>
      ) : (
        amounts.map((m) => (
          <Text key={m.currency} size="lg" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
            {formatMoney(m.amount, m.currency)} <Text span size="sm" c="dimmed">{m.currency}</Text>
          </Text>
        ))
      )}
    </Stack>
  );
}

/** /customers/:id: who they are, what they owe, their credit, and their invoices. */
export function CustomerPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [{ data, fetching }] = useQuery({ query: CustomerQuery, variables: { id }, context });
  const c = data?.node?.__typename === 'Customer' ? data.node : null;

  if (!c) {
    return fetching || !data ? (
      <PageSkeleton label="Loading the customer" />
    ) : (
      <Stack align="center" py={80} gap="sm">
        <Title order={1} size="h3">Customer not found</Title>
        <Button component={Link} to="/customers" variant="light">
          Back to customers
        </Button>
      </Stack>
    );
  }

  const language = c.language ? (data?.languages.find((l) => l.tag === c.language)?.name ?? c.language) : null;
  const address = formatAddress(c.postalAddress);

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/customers" size="sm" c="dimmed">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Customers
        </Group>
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div style={{ minWidth: 0 }}>
          <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
            {c.name}
          </Title>
          <Group gap="xs" mt={4}>
            <Text c="dimmed" size="sm" style={{ overflowWrap: 'anywhere' }}>
              {c.email}
            </Text>
            {c.emailBouncing && <EmailBouncingBadge email={c.email} />}
          </Group>
        </div>
        <Group gap="sm">
          <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
            Edit
          </Button>
          <Button component={Link} to={`/invoices/new?customer=${encodeURIComponent(c.id)}`} leftSection={<IconPlus size={16} />}>
            Create Invoice
          </Button>
        </Group>
      </Group>

      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper withBorder p="lg" h="100%">
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
              <Field label="Address">
                <Text size="sm" style={{ whiteSpace: 'pre-line' }} c={address ? undefined : 'dimmed'} data-testid="customer-address">
                  {address || 'No address'}
                </Text>
              </Field>
              <Stack gap="lg">
                <Field label="Tax ID">
                  <Text size="sm" c={c.taxID ? undefined : 'dimmed'} data-testid="customer-tax-id">
                    {c.taxID || 'None'}
                  </Text>
                </Field>
                <Field label="Language">
                  <Text size="sm" c={language ? undefined : 'dimmed'} data-testid="customer-language">
                    {language ?? 'Your invoice language'}
                  </Text>
                </Field>
                <Field label="Customer since">
                  <Text size="sm">{formatDate(c.createdAt)}</Text>
                </Field>
              </Stack>
            </SimpleGrid>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper withBorder p="lg" h="100%">
            <SimpleGrid cols={2} spacing="lg">
              <Field label="Owes you">
                <Amounts amounts={c.amountDue} testId="customer-amount-due" none="Nothing" />
              </Field>
              <Field label="Credit">
                <Amounts amounts={c.credit} testId="customer-credit" none="None" />
              </Field>
            </SimpleGrid>
            <Text size="xs" c="dimmed" mt="md">
              Owes you: what is left to pay on their issued invoices. Credit: money they sent that no invoice took.
            </Text>
          </Paper>
        </Grid.Col>
      </Grid>

      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <CustomerCredits customer={c} balances={c.creditBalances} credits={c.credits ?? []} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <CustomerPortalLink customer={c} />
        </Grid.Col>
      </Grid>

      <Title order={2} size="h3">Invoices</Title>
      <PagedTable
        query={CustomerInvoicesQuery}
        variables={{ id, first: 25 }}
        connection={(d) => (d.node?.__typename === 'Customer' ? d.node.invoices : noInvoices)}
        context={context}
        errorTitle="Couldn't load the invoices"
        tableProps={{ highlightOnHover: true, 'aria-label': 'Invoices' }}
        minWidth={640}
        columns={[
          { label: 'Number' },
          { label: 'Status' },
          { label: 'Total', ta: 'right' },
          { label: 'Amount due', ta: 'right' },
          { label: 'Due' },
          { label: 'Issued' },
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
                <Text size="sm">{formatDate(inv.issuedAt)}</Text>
              </Table.Td>
            </Table.Tr>
          );
        }}
        empty={
          <EmptyState icon={IconFileInvoice} title="No invoices yet">
            Invoices you create for {c.name} are listed here.
          </EmptyState>
        }
      />

      <CustomerFormModal
        opened={editing}
        customer={c}
        onClose={() => setEditing(false)}
        onSaved={(saved) => {
          notifications.show({ color: 'green', message: `${saved.name} was updated.` });
          setEditing(false);
        }}
      />
    </Stack>
  );
}
