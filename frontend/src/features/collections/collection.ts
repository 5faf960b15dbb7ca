import { createContext, useContext, useEffect, useRef } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import type { CollectionFilter, SetAsideReason } from '../../gql/graphql';

// What the collections page shows of one collection, in the review queue and
// in the matched list alike. The mutations return it too, so a card updates
// (or leaves the queue) as soon as money is allocated.
graphql(`
  fragment CollectionItem on Collection {
    id
    amount
    currency
    channel
    receivedAt
    text
    payerName
    payerAccount
    externalID
    status
    unallocated
    reviewReason
    flag
    statement
    customer {
      id
      name
    }
    allocations {
      id
      amount
      currency
      rule
      confidence
      undoneAt
      invoice {
        id
        number
      }
    }
    setAsideReason
    setAsideNote
    setAsideAt
    proposedAllocations {
      amount
      rule
      confidence
      invoice {
        id
        number
      }
    }
    suggestions {
      id
      number
      status
      currency
      amountDue
      dueDate
      customer {
        id
        name
      }
    }
  }
`);

// What an allocation returns, to announce it: the same for one collection
// allocated by hand and for proposals accepted in bulk.
graphql(`
  fragment CollectionAllocated on CollectionResult {
    unallocated
    collection {
      ...CollectionItem
    }
    allocations {
      id
      amount
      invoice {
        id
        number
        status
        amountPaid
        amountDue
        version
        customer {
          id
          name
        }
      }
    }
  }
`);

// Returns the collection and the invoices it paid, so the queue, the matched
// list and every query holding one of those invoices refetch.
export const AllocateCollectionMutation = graphql(`
  mutation AllocateCollection($id: ID!, $allocations: [AllocationInput!]!) {
    allocateCollection(id: $id, allocations: $allocations) {
      ...CollectionAllocated
    }
  }
`);

/** Applies the proposals of the collections given, all or nothing. */
export const AcceptProposedAllocationsMutation = graphql(`
  mutation AcceptProposedAllocations($ids: [ID!]!) {
    acceptProposedAllocations(ids: $ids) {
      ...CollectionAllocated
    }
  }
`);

/** Takes money that pays no invoice out of the review queue, with a reason. */
export const SetCollectionsAsideMutation = graphql(`
  mutation SetCollectionsAside($input: SetCollectionsAsideInput!) {
    setCollectionsAside(input: $input) {
      ...CollectionItem
    }
  }
`);

/** Puts money set aside back in the review queue. */
export const RestoreCollectionMutation = graphql(`
  mutation RestoreCollection($id: ID!) {
    restoreCollection(id: $id) {
      ...CollectionItem
    }
  }
`);

/** A page of collections, newest money first. */
export const CollectionsListQuery = graphql(`
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

const CollectionsCountQuery = graphql(`
  query CollectionsCount($where: CollectionFilter) {
    collections(first: 0, where: $where) {
      totalCount
    }
  }
`);

/** The review queue: money no invoice took, or took only part of. */
export const reviewFilter: CollectionFilter = { statusIn: ['UNMATCHED', 'PARTIAL'] };
export const matchedFilter: CollectionFilter = { status: 'MATCHED' };
/** Money a person decided pays no invoice. */
export const setAsideFilter: CollectionFilter = { status: 'SET_ASIDE' };

/** Why money was set aside, in words. */
export const setAsideReasonLabel: Record<SetAsideReason, string> = {
  NOT_INVOICE_PAYMENT: 'Not an invoice payment',
  REFUNDED: 'Refunded',
  CUSTOMER_CREDIT: 'Customer credit',
};

/** How a proposal was found, as the review queue says it: "amount only". */
export const proposalRuleLabel: Record<string, string> = {
  REFERENCE: 'reference',
  CHECKOUT: 'checkout',
  AMOUNT: 'amount only',
  COMBINATION: 'amounts adding up',
  MANUAL: 'by hand',
};

/** Queries holding collections refetch when any collection changes, also while they hold none. */
export const collectionsContext = { additionalTypenames: ['Collection'] };

/**
 * Bumped by the Collections page when money may have come in elsewhere (an
 * invoice changed status: a payment link, another tab); every collections
 * query under it fetches again.
 */
export const CollectionsRefresh = createContext(0);

/** Calls reexecute (network-only) each time CollectionsRefresh is bumped. */
export function useCollectionsRefetch(reexecute: (opts: { requestPolicy: 'network-only' }) => void) {
  const refresh = useContext(CollectionsRefresh);
  const shown = useRef(refresh);
  useEffect(() => {
    if (refresh === shown.current) return;
    shown.current = refresh;
    reexecute({ requestPolicy: 'network-only' });
  }, [refresh, reexecute]);
}

/** How many collections match where; undefined while loading or paused. */
export function useCollectionsCount(where: CollectionFilter, { pause = false } = {}): number | undefined {
  const [{ data }, reexecute] = useQuery({ query: CollectionsCountQuery, variables: { where }, context: collectionsContext, pause });
  useCollectionsRefetch(reexecute);
  return data?.collections.totalCount;
}

/** What the matcher wants a person to look at, in words. */
export const flagLabel: Record<string, string> = {
  REFERENCE_MISTYPED: 'Reference looks mistyped',
  CURRENCY_MISMATCH: 'Different currency',
};

/** "SOME_FLAG" -> "Some flag", for flags this dashboard does not know yet. */
export function describeFlag(flag: string): string {
  if (flagLabel[flag]) return flagLabel[flag];
  const words = flag.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// An ISO 11649 creditor reference as people write it: RF, two check digits,
// then up to 21 characters, often in groups of four. Upper case only, so the
// words around it are not taken in.
const referencePattern = /RF\d{2}(?: ?[0-9A-Z]{4}){0,5}(?: ?[0-9A-Z]{1,3})?(?![0-9A-Za-z])/g;

/** The RF references in a memo, as written, to highlight them. */
export function referencesIn(text: string): string[] {
  return [...new Set(text.match(referencePattern) ?? [])];
}
