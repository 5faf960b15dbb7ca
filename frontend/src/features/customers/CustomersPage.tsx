import {
  ActionIcon,
  Anchor,
  Button,
  CloseButton,
  Group,
  Menu,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconDots, IconFileInvoice, IconPencil, IconPlus, IconSearch, IconUser, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { graphql } from '../../gql';
import type { CustomersListQuery as CustomersList } from '../../gql/graphql';
import type { NodeOf } from '../../components/CursorPages';
import { CustomerFormModal, type EditableCustomer } from '../../components/CustomerFormModal';
import { EmailBouncingBadge } from '../../components/EmailBouncingBadge';
import { EmptyState } from '../../components/EmptyState';
import { PagedTable } from '../../components/PagedTable';
import { formatDate } from '../../lib/format';

const PAGE_SIZE = 25;

const CustomersListQuery = graphql(`
  query CustomersList($first: Int!, $after: Cursor, $search: String) {
    customers(first: $first, after: $after, where: { search: $search }, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount
      edges {
        node {
          ...EditableCustomer
          emailBouncing
          createdAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const listContext = { additionalTypenames: ['Customer'] };

export function CustomersPage() {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const [modal, setModal] = useState<{ customer: EditableCustomer | null } | null>(null);

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">Customers</Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setModal({ customer: null })}>
          Add customer
        </Button>
      </Group>
      <TextInput
        placeholder="Search name or email"
        aria-label="Search customers"
        leftSection={<IconSearch size={16} />}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        rightSection={search ? <CloseButton size="sm" onClick={() => setSearch('')} aria-label="Clear search" /> : null}
        w={300}
        maw="100%"
      />
      <PagedTable
        query={CustomersListQuery}
        variables={{ first: PAGE_SIZE, search: debounced || null }}
        connection={(d) => d.customers}
        context={listContext}
        errorTitle="Couldn't load customers"
        // On a phone the Created column gives way (global.css: .customer-table).
        tableProps={{ highlightOnHover: true, className: 'customer-table' }}
        columns={[{ label: 'Name' }, { label: 'Email' }, { label: 'Created' }, { w: 60 }]}
        row={(c) => <CustomerRow key={c.id} customer={c} onEdit={() => setModal({ customer: c })} />}
        empty={
          debounced ? (
            <EmptyState icon={IconUsers} title="No customers match your search" />
          ) : (
            <EmptyState
              icon={IconUsers}
              title="No customers yet"
              action={
                <Button variant="light" mt="xs" leftSection={<IconPlus size={16} />} onClick={() => setModal({ customer: null })}>
                  Add customer
                </Button>
              }
            />
          )
        }
      />
      <CustomerFormModal
        opened={modal !== null}
        customer={modal?.customer ?? null}
        onClose={() => setModal(null)}
        onSaved={(c) => {
          notifications.show({ color: 'green', message: `${c.name} was ${modal?.customer ? 'updated' : 'added'}.` });
          setModal(null);
        }}
      />
    </Stack>
  );
}

function CustomerRow({ customer: c, onEdit }: { customer: NodeOf<CustomersList['customers']>; onEdit: () => void }) {
  const navigate = useNavigate();
  const invoicesHref = `/invoices?customer=${encodeURIComponent(c.id)}`;
  const href = `/customers/${c.id}`;
  return (
    <Table.Tr className="clickable-row" onClick={() => navigate(href)}>
      <Table.Td>
        <Anchor component={Link} to={href} size="sm" fw={500} onClick={(e) => e.stopPropagation()}>
          {c.name}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {c.email}
          </Text>
          {c.emailBouncing && <EmailBouncingBadge email={c.email} />}
        </Group>
      </Table.Td>
      <Table.Td data-col="created">
        <Text size="sm">{formatDate(c.createdAt)}</Text>
      </Table.Td>
      <Table.Td onClick={(e) => e.stopPropagation()}>
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${c.name}`}>
              <IconDots size={16} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item leftSection={<IconUser size={14} />} onClick={() => navigate(href)}>
              Open
            </Menu.Item>
            <Menu.Item leftSection={<IconPencil size={14} />} onClick={onEdit}>
              Edit
            </Menu.Item>
            <Menu.Item leftSection={<IconFileInvoice size={14} />} onClick={() => navigate(invoicesHref)}>
              View invoices
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      </Table.Td>
    </Table.Tr>
  );
}
