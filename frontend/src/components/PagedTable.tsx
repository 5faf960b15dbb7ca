import { Button, Paper, Skeleton, Table, VisuallyHidden, type TableProps, type TableThProps } from '@mantine/core';
import type { ReactNode } from 'react';
import type { AnyVariables } from 'urql';
import { CursorPages, type CursorPagesProps } from './CursorPages';

export interface Column {
  /** The header; empty for a column of row actions. */
  label?: ReactNode;
  ta?: TableThProps['ta'];
  w?: TableThProps['w'];
  /** aria-sort of a sortable column's header. */
  sort?: 'ascending' | 'descending' | 'none';
}

type PagedTableProps<Data, Variables extends AnyVariables, Node> = Omit<
  CursorPagesProps<Data, Variables, Node>,
  'render' | 'loading' | 'more' | 'empty'
> & {
  columns: Column[];
  /** One row (a Table.Tr) per node. */
  row: (node: Node) => ReactNode;
  /** What the table says when there is nothing to list; shown across all columns. */
  empty: ReactNode;
  /** Scroll sideways below this width instead of squeezing the columns. */
  minWidth?: number;
  tableProps?: TableProps & Record<`data-${string}`, string>;
};

/** A bordered table of a paged list: header, skeleton rows while loading, the empty state, "Load more". */
export function PagedTable<Data, Variables extends AnyVariables, Node>({
  columns,
  row,
  empty,
  minWidth,
  tableProps,
  ...pages
}: PagedTableProps<Data, Variables, Node>) {
  const span = columns.length;
  const table = (
    <Table {...tableProps}>
      <Table.Thead>
        <Table.Tr>
          {columns.map((c, i) => (
            <Table.Th key={i} ta={c.ta} w={c.w} aria-sort={c.sort}>
              {/* A column of row actions is named for screen readers. */}
              {c.label ?? <VisuallyHidden>Actions</VisuallyHidden>}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        <CursorPages
          {...pages}
          render={(nodes) => nodes.map(row)}
          loading={Array.from({ length: 3 }, (_, i) => (
            <Table.Tr key={i}>
              {Array.from({ length: span }, (_, j) => (
                <Table.Td key={j}>
                  <Skeleton h={14} my={4} />
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
          empty={
            <Table.Tr>
              <Table.Td colSpan={span}>{empty}</Table.Td>
            </Table.Tr>
          }
          more={(onClick) => (
            <Table.Tr>
              <Table.Td colSpan={span} ta="center">
                <Button variant="subtle" onClick={onClick}>
                  Load more
                </Button>
              </Table.Td>
            </Table.Tr>
          )}
        />
      </Table.Tbody>
    </Table>
  );
  return (
    <Paper withBorder style={minWidth ? { overflow: 'hidden' } : undefined}>
      {minWidth ? (
        <Table.ScrollContainer minWidth={minWidth} type="native">
          {table}
        </Table.ScrollContainer>
      ) : (
        table
      )}
    </Paper>
  );
}
