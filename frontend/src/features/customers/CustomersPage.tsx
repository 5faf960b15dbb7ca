import {
  ActionIcon,
  Button,
  CloseButton,
  Group,
  Menu,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDots, IconFileInvoice, IconPencil, IconPlus, IconSearch, IconUsers } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import { EmailBouncingBadge } from '../../lib/email';
import { showError } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { CustomerFormModal, type EditableCustomer } from './CustomerFormModal';

const PAGE_SIZE = 25;

const CustomersListQuery = graphql(`
  query CustomersList($first: Int!, $after: Cursor, $search: String) {
    customers(first: $first, after: $after, where: { search: $search }, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount
      edges {
        node {
          id
          name
          email
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
        <Title order={2}>Customers</Title>
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
      />
      <Paper withBorder>
        <Table highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th w={60} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <CustomerPages key={debounced} search={debounced} onEdit={(c) => setModal({ customer: c })} onAdd={() => setModal({ customer: null })} />
          </Table.Tbody>
        </Table>
      </Paper>
      <CustomerFormModal opened={modal !== null} customer={modal?.customer ?? null} onClose={() => setModal(null)} />
    </Stack>
  );
}

function CustomerPages(props: { search: string; onEdit: (c: EditableCustomer) => void; onAdd: () => void }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <>
      {cursors.map((after, i) => (
        <CustomersChunk
          key={after ?? 'first'}
          {...props}
          after={after}
          isFirst={i === 0}
          isLast={i === cursors.length - 1}
          onLoadMore={(c) => setCursors((cs) => [...cs, c])}
        />
      ))}
    </>
  );
}

function CustomersChunk({ search, after, isFirst, isLast, onLoadMore, onEdit, onAdd }: {
  search: string;
  after: string | null;
  isFirst: boolean;
  isLast: boolean;
  onLoadMore: (cursor: string) => void;
  onEdit: (c: EditableCustomer) => void;
  onAdd: () => void;
}) {
  const navigate = useNavigate();
  const [{ data, fetching, error }] = useQuery({
    query: CustomersListQuery,
    variables: { first: PAGE_SIZE, after, search: search || null },
    context: listContext,
    requestPolicy: 'cache-and-network',
  });
  useEffect(() => {
    showError(error, { title: "Couldn't load customers" });
  }, [error]);

  if (!data) {
    if (!fetching) return null;
    return (
      <>
        {[0, 1, 2].map((i) => (
          <Table.Tr key={i}>
            {[0, 1, 2, 3].map((j) => (
              <Table.Td key={j}>
                <Skeleton h={14} my={4} />
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </>
    );
  }

  const edges = data.customers.edges ?? [];
  if (isFirst && edges.length === 0) {
    return (
      <Table.Tr>
        <Table.Td colSpan={4}>
          <Stack align="center" gap={6} py={48}>
            <IconUsers size={36} stroke={1.3} color="var(--mantine-color-gray-5)" />
            <Text fw={600}>{search ? 'No customers match your search' : 'No customers yet'}</Text>
            {!search && (
              <Button variant="light" mt="xs" leftSection={<IconPlus size={16} />} onClick={onAdd}>
                Add customer
              </Button>
            )}
          </Stack>
        </Table.Td>
      </Table.Tr>
    );
  }

  return (
    <>
      {edges.map((edge) => {
        const c = edge?.node;
        if (!c) return null;
        const invoicesHref = `/invoices?customer=${encodeURIComponent(c.id)}`;
        return (
          <Table.Tr key={c.id} className="clickable-row" onClick={() => navigate(invoicesHref)}>
            <Table.Td>
              <Text size="sm" fw={500}>
                {c.name}
              </Text>
            </Table.Td>
            <Table.Td>
              <Group gap="xs" wrap="nowrap">
                <Text size="sm">{c.email}</Text>
                {c.emailBouncing && <EmailBouncingBadge email={c.email} />}
              </Group>
            </Table.Td>
            <Table.Td>
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
                  <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => onEdit(c)}>
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
      })}
      {isLast && data.customers.pageInfo.hasNextPage && data.customers.pageInfo.endCursor && (
        <Table.Tr>
          <Table.Td colSpan={4} ta="center">
            <Button variant="subtle" onClick={() => onLoadMore(data.customers.pageInfo.endCursor!)}>
              Load more
            </Button>
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}
