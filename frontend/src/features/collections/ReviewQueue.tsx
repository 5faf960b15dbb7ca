import { Button, Checkbox, Group, Paper, SegmentedControl, Skeleton, Stack, Switch, Text, TextInput, ThemeIcon } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChecks, IconChevronLeft, IconChevronRight, IconSearch } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import type { CollectionFilter, CollectionItemFragment } from '../../gql/graphql';
import { showError } from '../../lib/errors';
import { announceAllocation } from './announce';
import {
  AcceptProposedAllocationsMutation,
  collectionsContext,
  CollectionsListQuery,
  reviewFilter,
  setAsideFilter,
  useCollectionsCount,
  useCollectionsRefetch,
} from './collection';
import { ReviewItem } from './ReviewItem';
import { SetAsideItem } from './SetAsideItem';
import { SetAsideModal } from './SetAsideModal';

/** Cards per page: the queue may hold thousands, a person works through a page at a time. */
const PAGE_SIZE = 20;

type View = 'review' | 'aside';

/**
 * The review queue: money no invoice took, found by words or flag, a page at
 * a time, with its proposals accepted or set aside one by one or in bulk;
 * and what was set aside, with the way back.
 */
export function ReviewQueue({ onAllocate }: { onAllocate: (item: CollectionItemFragment) => void }) {
  const [view, setView] = useState<View>('review');
  const [search, setSearch] = useState('');
  const [flagged, setFlagged] = useState(false);
  const [words] = useDebouncedValue(search.trim(), 300);
  const toReview = useCollectionsCount(reviewFilter);
  const setAside = useCollectionsCount(setAsideFilter);

  const where = useMemo<CollectionFilter>(() => {
    const base = view === 'review' ? { ...reviewFilter, flagged: flagged || null } : setAsideFilter;
    return { ...base, search: words || null };
  }, [view, flagged, words]);

  const label = (title: string, n: number | undefined) => (n ? `${title} (${n.toLocaleString()})` : title);

  return (
    <Stack gap="sm">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <SegmentedControl
          aria-label="Which payments"
          data={[
            { value: 'review', label: label('To review', toReview) },
            { value: 'aside', label: label('Set aside', setAside) },
          ]}
          value={view}
          onChange={(v) => setView(v as View)}
        />
        <TextInput
          aria-label="Search payments"
          placeholder="Search payer, text, amount, file…"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          style={{ flex: '1 1 220px', maxWidth: 420 }}
          type="search"
        />
        {view === 'review' && (
          <Switch label="Flagged only" checked={flagged} onChange={(e) => setFlagged(e.currentTarget.checked)} mb={8} />
        )}
      </Group>
      <QueuePages key={JSON.stringify(where)} where={where} view={view} searching={!!words || flagged} onAllocate={onAllocate} />
    </Stack>
  );
}

/** One filter's pages, Previous/Next by cursor; what is selected belongs to the page on screen. */
function QueuePages({ where, view, searching, onAllocate }: {
  where: CollectionFilter;
  view: View;
  searching: boolean;
  onAllocate: (item: CollectionItemFragment) => void;
}) {
  // The cursor of each page seen so far; the last is the page on screen.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1];
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: CollectionsListQuery,
    variables: { first: PAGE_SIZE, after, where },
    context: collectionsContext,
    requestPolicy: 'cache-and-network',
  });
  useCollectionsRefetch(reexecute);
  const total = useCollectionsCount(where);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [asideItems, setAsideItems] = useState<CollectionItemFragment[] | null>(null);
  const [{ fetching: accepting }, accept] = useMutation(AcceptProposedAllocationsMutation);

  useEffect(() => {
    showError(error, { title: "Couldn't load payments" });
  }, [error]);

  const items = useMemo(() => (data?.collections.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])), [data]);
  // Only what is on this page stays selected: done items leave the queue.
  const chosen = items.filter((i) => selected.has(i.id));
  const withProposals = chosen.filter((i) => i.proposedAllocations.length > 0);
  const allChosen = items.length > 0 && chosen.length === items.length;

  const go = (next: (string | null)[]) => {
    setSelected(new Set());
    setCursors(next);
  };
  const select = (id: string, on: boolean) =>
    setSelected((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });

  const acceptChosen = async () => {
    const res = await accept({ ids: withProposals.map((i) => i.id) });
    if (showError(res.error, { title: "Couldn't accept the proposed matches" }) || !res.data) return;
    for (const r of res.data.acceptProposedAllocations) announceAllocation(r);
    setSelected(new Set());
  };

  if (!data) {
    return fetching ? <Skeleton h={140} radius="md" /> : null;
  }

  const first = (cursors.length - 1) * PAGE_SIZE + 1;
  const { hasNextPage, endCursor } = data.collections.pageInfo;
  const pager = (cursors.length > 1 || hasNextPage) && (
    <Group justify="space-between" gap="sm" data-testid="queue-pager">
      <Text size="sm" c="dimmed">
        {items.length > 0 ? `${first.toLocaleString()}–${(first + items.length - 1).toLocaleString()}` : 'None'}
        {total !== undefined && total >= first + items.length - 1 ? ` of ${total.toLocaleString()}` : ''}
      </Text>
      <Group gap="xs">
        <Button
          variant="default"
          size="xs"
          leftSection={<IconChevronLeft size={14} />}
          disabled={cursors.length === 1}
          onClick={() => go(cursors.slice(0, -1))}
        >
          Previous
        </Button>
        <Button
          variant="default"
          size="xs"
          rightSection={<IconChevronRight size={14} />}
          disabled={!hasNextPage || !endCursor}
          onClick={() => endCursor && go([...cursors, endCursor])}
        >
          Next
        </Button>
      </Group>
    </Group>
  );

  const aside = (
    <SetAsideModal
      items={asideItems}
      onClose={() => setAsideItems(null)}
      onDone={() => {
        setAsideItems(null);
        setSelected(new Set());
      }}
    />
  );

  if (items.length === 0) {
    return (
      <>
        <EmptyQueue view={view} searching={searching} />
        {pager}
        {aside}
      </>
    );
  }

  return (
    <Stack gap="sm" data-testid={view === 'review' ? 'review-queue' : 'set-aside-list'}>
      {view === 'review' && (
        <Paper withBorder px="md" py="xs" data-testid="bulk-actions">
          <Group justify="space-between" gap="xs" wrap="wrap">
            <Checkbox
              label={chosen.length > 0 ? `${chosen.length} selected` : 'Select all on this page'}
              aria-label="Select all on this page"
              checked={allChosen}
              indeterminate={chosen.length > 0 && !allChosen}
              onChange={(e) => setSelected(e.currentTarget.checked ? new Set(items.map((i) => i.id)) : new Set())}
            />
            <Group gap="xs">
              <Button
                size="xs"
                variant="light"
                disabled={withProposals.length === 0}
                loading={accepting}
                onClick={acceptChosen}
              >
                Accept proposals{withProposals.length > 0 ? ` (${withProposals.length})` : ''}
              </Button>
              <Button size="xs" variant="default" disabled={chosen.length === 0} onClick={() => setAsideItems(chosen)}>
                Set aside…
              </Button>
            </Group>
          </Group>
        </Paper>
      )}
      {items.map((c) =>
        view === 'review' ? (
          <ReviewItem key={c.id} item={c} onAllocate={onAllocate} selected={selected.has(c.id)} onSelect={(on) => select(c.id, on)} />
        ) : (
          <SetAsideItem key={c.id} item={c} />
        ),
      )}
      {pager}
      {aside}
    </Stack>
  );
}

function EmptyQueue({ view, searching }: { view: View; searching: boolean }) {
  const [title, body] = searching
    ? ['Nothing found', 'No payment here matches; try other words, or turn off "Flagged only".']
    : view === 'review'
      ? ['Nothing to review', 'Every payment you received went to an invoice.']
      : ['Nothing set aside', 'Money that pays no invoice, set aside from the review queue, is listed here.'];
  return (
    <Paper withBorder p="lg" data-testid={view === 'review' ? 'review-queue-empty' : 'set-aside-empty'}>
      <Group gap="sm" wrap="nowrap">
        <ThemeIcon variant="light" color={searching ? 'gray' : 'green'} size={32} radius="md">
          <IconChecks size={18} />
        </ThemeIcon>
        <div>
          <Text size="sm" fw={500}>
            {title}
          </Text>
          <Text size="sm" c="dimmed">
            {body}
          </Text>
        </div>
      </Group>
    </Paper>
  );
}
