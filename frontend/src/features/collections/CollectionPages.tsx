import { useEffect, useState, type ReactNode } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import type { CollectionFilter, CollectionItemFragment } from '../../gql/graphql';
import { showError } from '../../lib/errors';
import { collectionsContext } from './collection';

const CollectionsListQuery = graphql(`
  query CollectionsList($first: Int!, $after: Cursor, $where: CollectionFilter) {
    collections(first: $first, after: $after, where: $where, orderBy: { field: RECEIVED_AT, direction: DESC }) {
      edges {
        node {
          ...CollectionItem
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

interface PagesProps {
  where: CollectionFilter;
  pageSize: number;
  /** One page of collections. */
  render: (items: CollectionItemFragment[]) => ReactNode;
  /** Shown while the first page loads. */
  loading: ReactNode;
  /** Shown when there are none at all. */
  empty: ReactNode;
  /** The "Load more" control. */
  more: (onClick: () => void) => ReactNode;
}

/**
 * Cursor pagination: each "Load more" appends a page that runs its own
 * query, so allocating money refetches only the pages it changed.
 */
export function CollectionPages(props: PagesProps) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <>
      {cursors.map((after, i) => (
        <CollectionChunk
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

function CollectionChunk({ where, pageSize, render, loading, empty, more, after, isFirst, isLast, onLoadMore }: PagesProps & {
  after: string | null;
  isFirst: boolean;
  isLast: boolean;
  onLoadMore: (cursor: string) => void;
}) {
  const [{ data, fetching, error }] = useQuery({
    query: CollectionsListQuery,
    variables: { first: pageSize, after, where },
    context: collectionsContext,
    requestPolicy: 'cache-and-network',
  });
  useEffect(() => {
    showError(error, { title: "Couldn't load payments" });
  }, [error]);

  if (!data) return fetching && isFirst ? loading : null;
  const items = (data.collections.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const { hasNextPage, endCursor } = data.collections.pageInfo;
  if (isFirst && items.length === 0) return empty;
  return (
    <>
      {render(items)}
      {isLast && hasNextPage && endCursor && more(() => onLoadMore(endCursor))}
    </>
  );
}
