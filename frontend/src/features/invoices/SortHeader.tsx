import { Group, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconArrowsSort } from '@tabler/icons-react';
import type { InvoiceOrderField, OrderDirection } from '../../gql/graphql';

export interface Sort {
  field: InvoiceOrderField;
  direction: OrderDirection;
}

/** "TOTAL.DESC" in the URL; the list's default (newest first) when absent or unknown. */
export function parseSort(v: string | null): Sort {
  const [field, direction] = (v ?? '').split('.');
  const fields: InvoiceOrderField[] = ['NUMBER', 'ISSUED_AT', 'DUE_DATE', 'CUSTOMER_NAME', 'TOTAL', 'STATUS'];
  if (fields.includes(field as InvoiceOrderField) && (direction === 'ASC' || direction === 'DESC')) {
    return { field: field as InvoiceOrderField, direction };
  }
  return { field: 'CREATED_AT', direction: 'DESC' };
}

/** The aria-sort of a column's header. */
export function ariaSort(sort: Sort, field: InvoiceOrderField): 'ascending' | 'descending' | 'none' {
  if (sort.field !== field) return 'none';
  return sort.direction === 'ASC' ? 'ascending' : 'descending';
}

/**
 * A column header that sorts the list: the first press sorts ascending, the
 * next descending. The header cell carries aria-sort (ariaSort).
 */
export function SortHeader({
  label,
  field,
  sort,
  onSort,
  end,
}: {
  label: string;
  field: InvoiceOrderField;
  sort: Sort;
  onSort: (s: Sort) => void;
  end?: boolean;
}) {
  const active = sort.field === field;
  const Icon = !active ? IconArrowsSort : sort.direction === 'ASC' ? IconArrowUp : IconArrowDown;
  return (
    <UnstyledButton
      onClick={() => onSort({ field, direction: active && sort.direction === 'ASC' ? 'DESC' : 'ASC' })}
      fw={600}
      fz="sm"
      data-sort={field}
    >
      <Group gap={4} wrap="nowrap" justify={end ? 'flex-end' : undefined}>
        {label}
        <Icon size={14} aria-hidden />
      </Group>
    </UnstyledButton>
  );
}
