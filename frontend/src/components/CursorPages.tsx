import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useQuery, type AnyVariables, type DocumentInput, type OperationContext } from 'urql';
import { showError } from '../lib/errors';
import { usePollWhile } from '../lib/usePollWhile';

/** One page of a Relay connection, as a list query returns it. */
export interface Connection<Node> {
  edges?: ({ node?: Node | null } | null)[] | null;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

export interface CursorPagesProps<Data, Variables extends AnyVariables, Node> {
  /** The list query; it takes `after` (the cursor) and whatever `variables` give. */
  query: DocumentInput<Data, Variables>;
  /** Every variable but `after`. A change starts again from the first page. */
  variables: Omit<Variables, 'after'>;
  /** The connection in the query's answer. */
  connection: (data: Data) => Connection<Node>;
  /** Typenames a list depends on, for urql's document cache. */
  context?: Partial<OperationContext>;
  /** Title of the notification when a page fails to load. */
  errorTitle: string;
  /** Bumped when the list changed on the server: every loaded page is fetched again. */
  refresh?: number;
  /** While this returns a number for a page's nodes, that page is fetched again every so many ms. */
  pollInterval?: (nodes: Node[]) => number | null;
  /** One page of nodes. */
  render: (nodes: Node[]) => ReactNode;
  /** Shown while a page loads. */
  loading: ReactNode;
  /** Shown when the first page is empty. */
  empty: ReactNode;
  /** The "Load more" control. */
  more: (onClick: () => void) => ReactNode;
}

/**
 * Cursor pagination: each "Load more" appends a page that runs its own
 * query, so a change refetches only the pages that hold what changed.
 */
export function CursorPages<Data, Variables extends AnyVariables, Node>(props: CursorPagesProps<Data, Variables, Node>) {
  return <Pages key={JSON.stringify(props.variables)} {...props} />;
}

function Pages<Data, Variables extends AnyVariables, Node>(props: CursorPagesProps<Data, Variables, Node>) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <>
      {cursors.map((after, i) => (
        <Chunk
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

function Chunk<Data, Variables extends AnyVariables, Node>({
  query,
  variables,
  connection,
  context,
  errorTitle,
  refresh = 0,
  pollInterval,
  render,
  loading,
  empty,
  more,
  after,
  isFirst,
  isLast,
  onLoadMore,
}: CursorPagesProps<Data, Variables, Node> & {
  after: string | null;
  isFirst: boolean;
  isLast: boolean;
  onLoadMore: (cursor: string) => void;
}) {
  const [{ data, fetching, error }, reexecute] = useQuery<Data, Variables>({
    query,
    // `after` is the one variable this adds to the caller's.
    variables: { ...variables, after } as unknown as Variables,
    context,
    requestPolicy: 'cache-and-network',
  });
  useEffect(() => {
    showError(error, { title: errorTitle });
  }, [error, errorTitle]);

  const shownRefresh = useRef(refresh);
  useEffect(() => {
    if (refresh === shownRefresh.current) return;
    shownRefresh.current = refresh;
    reexecute({ requestPolicy: 'network-only' });
  }, [refresh, reexecute]);

  // data is null, not undefined, when the server answered only errors.
  const page = data === undefined || data === null ? null : connection(data);
  const nodes = (page?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const interval = pollInterval?.(nodes) ?? null;
  usePollWhile(interval !== null, () => reexecute({ requestPolicy: 'network-only' }), interval ?? undefined);

  if (!page) return fetching ? loading : null;
  if (isFirst && nodes.length === 0) return empty;
  const { hasNextPage, endCursor } = page.pageInfo;
  return (
    <>
      {render(nodes)}
      {isLast && hasNextPage && endCursor && more(() => onLoadMore(endCursor))}
    </>
  );
}

/** The node type of a connection type, e.g. NodeOf<InvoicesListQuery['invoices']>. */
export type NodeOf<C> = C extends Connection<infer Node> ? Node : never;
