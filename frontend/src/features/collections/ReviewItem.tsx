import { Anchor, Badge, Button, Checkbox, Group, Paper, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconArrowBackUp, IconBulb, IconInfoCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import type { CollectionItemFragment } from '../../gql/graphql';
import { showError } from '../../lib/errors';
import { formatDate, formatDueDate } from '../../lib/format';
import { compareAmounts, formatMoney, isZeroAmount } from '../../lib/money';
import { AllocationRuleBadge, paymentChannelLabel } from '../../lib/payments';
import { announceAllocation } from './announce';
import { AcceptProposedAllocationsMutation, AllocateCollectionMutation, describeFlag, proposalRuleLabel } from './collection';
import { CollectionMemo } from './CollectionMemo';

type Suggestion = CollectionItemFragment['suggestions'][number];

/** "Nov 27, 2026 · Bank transfer · from Harbour Cafe · DE89 3704 …" */
export function receivedLine(c: CollectionItemFragment): string {
  const parts = [formatDate(c.receivedAt), paymentChannelLabel[c.channel] ?? c.channel];
  const payer = c.payerName || c.customer?.name;
  if (payer) parts.push(`from ${payer}`);
  if (c.payerAccount) parts.push(c.payerAccount);
  return parts.join(' · ');
}

/** Why a suggested invoice cannot take this money with one click, or null when it can. */
function notAllocatable(s: Suggestion, c: CollectionItemFragment): string | null {
  if (s.currency !== c.currency) return `${s.number ?? 'The invoice'} is in ${s.currency}; this money is in ${c.currency}.`;
  if (s.status === 'VOID') return 'The invoice was voided.';
  if (isZeroAmount(s.amountDue)) return 'Nothing is due on it any more.';
  return null;
}

/** "Money received Nov 27, 2026: $250.00", the card's name for screen readers and tests. */
export function itemName(c: CollectionItemFragment): string {
  return `${formatMoney(c.amount, c.currency)} received ${formatDate(c.receivedAt)}`;
}

/**
 * One payment waiting for a person: what arrived, what came with it, why the
 * matcher did not place it, the match it proposes (one click to accept) and
 * the invoices it suggests, each a click away.
 */
export function ReviewItem({ item, onAllocate, selected, onSelect }: {
  item: CollectionItemFragment;
  /** Opens "Allocate…" to pick any open invoice. */
  onAllocate: (item: CollectionItemFragment) => void;
  /** Whether the card is chosen for a bulk action. */
  selected: boolean;
  onSelect: (selected: boolean) => void;
}) {
  const [, allocate] = useMutation(AllocateCollectionMutation);
  const [{ fetching: accepting }, accept] = useMutation(AcceptProposedAllocationsMutation);
  const [busy, setBusy] = useState<string | null>(null);
  const { currency } = item;
  const partial = item.status === 'PARTIAL';
  const allocations = item.allocations;

  const allocateTo = async (s: Suggestion) => {
    // What is left of the money, or what is due, whichever is less.
    const amount = compareAmounts(item.unallocated, s.amountDue) <= 0 ? item.unallocated : s.amountDue;
    setBusy(s.id);
    const res = await allocate({ id: item.id, allocations: [{ invoiceID: s.id, amount }] });
    setBusy(null);
    if (showError(res.error, { title: "Couldn't allocate the payment" }) || !res.data) return;
    announceAllocation(res.data.allocateCollection);
  };

  const acceptProposal = async () => {
    const res = await accept({ ids: [item.id] });
    if (showError(res.error, { title: "Couldn't accept the proposed match" }) || !res.data) return;
    for (const r of res.data.acceptProposedAllocations) announceAllocation(r);
  };

  return (
    <Paper
      withBorder
      p="md"
      component="article"
      aria-label={itemName(item)}
      data-collection-id={item.id}
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Checkbox
            mt={6}
            checked={selected}
            onChange={(e) => onSelect(e.currentTarget.checked)}
            aria-label={`Select ${itemName(item)}`}
          />
          <div style={{ minWidth: 0, flex: 1 }}>
            <Group gap="xs">
              <Text fw={600} size="lg" style={{ fontVariantNumeric: 'tabular-nums' }}>
                {formatMoney(item.amount, currency)}
              </Text>
              {partial && (
                <Badge color="yellow" variant="light" radius="sm" tt="none" data-testid="collection-left">
                  {formatMoney(item.unallocated, currency)} left to allocate
                </Badge>
              )}
              {item.flag && (
                <Badge
                  color="orange"
                  variant="light"
                  radius="sm"
                  tt="none"
                  leftSection={<IconAlertTriangle size={12} />}
                  data-flag={item.flag}
                >
                  {describeFlag(item.flag)}
                </Badge>
              )}
            </Group>
            <Text size="sm" c="dimmed" mt={2} style={{ overflowWrap: 'anywhere' }}>
              {receivedLine(item)}
            </Text>
          </div>
          <Button variant="default" size="xs" onClick={() => onAllocate(item)} style={{ flexShrink: 0 }}>
            Allocate…
          </Button>
        </Group>

        {item.text && <CollectionMemo text={item.text} />}

        {item.reviewReason && (
          <Group gap={6} wrap="nowrap" align="flex-start">
            <IconInfoCircle size={16} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0, marginTop: 2 }} />
            <Text size="sm" data-testid="review-reason">
              {item.reviewReason}
            </Text>
          </Group>
        )}

        {item.proposedAllocations.length > 0 && (
          <Paper withBorder radius="sm" p="xs" bg="var(--mantine-color-blue-light)" data-testid="proposal">
            <Group justify="space-between" gap="xs" wrap="wrap">
              <Group gap={6} wrap="nowrap" align="flex-start" style={{ minWidth: 0, flex: 1 }}>
                <IconBulb size={16} style={{ flexShrink: 0, marginTop: 2 }} color="var(--mantine-color-blue-light-color)" />
                <Stack gap={2} style={{ minWidth: 0 }}>
                  {item.proposedAllocations.map((p) => (
                    <Text key={p.invoice.id} size="sm" style={{ overflowWrap: 'anywhere' }} data-invoice-id={p.invoice.id}>
                      Proposed:{' '}
                      <Anchor component={Link} to={`/invoices/${p.invoice.id}`} size="sm" fw={500}>
                        {p.invoice.number}
                      </Anchor>
                      , {formatMoney(p.amount, currency)} — {proposalRuleLabel[p.rule] ?? p.rule.toLowerCase()}, {`${p.confidence}\u00a0%`}
                    </Text>
                  ))}
                </Stack>
              </Group>
              <Button
                size="compact-sm"
                onClick={acceptProposal}
                loading={accepting}
                aria-label={`Accept the proposed match for ${itemName(item)}`}
              >
                Accept
              </Button>
            </Group>
          </Paper>
        )}

        {allocations.length > 0 && (
          <Stack gap={4}>
            {allocations.map((a) => (
              <Group key={a.id} gap={8} wrap="nowrap" c={a.undoneAt ? 'dimmed' : undefined}>
                {a.undoneAt && <IconArrowBackUp size={14} style={{ flexShrink: 0 }} />}
                <Text size="sm">
                  {formatMoney(a.amount, currency)} {a.undoneAt ? 'was allocated' : 'allocated'} to{' '}
                  <Anchor component={Link} to={`/invoices/${a.invoice.id}`} size="sm" fw={500}>
                    {a.invoice.number}
                  </Anchor>
                </Text>
                <AllocationRuleBadge rule={a.rule} confidence={a.confidence} />
                {a.undoneAt && <Text size="sm">· undone {formatDate(a.undoneAt)}</Text>}
              </Group>
            ))}
          </Stack>
        )}

        {item.suggestions.length > 0 && (
          <Paper withBorder radius="sm">
            <Table.ScrollContainer minWidth={520} type="native">
            <Table verticalSpacing={6} fz="sm" data-testid="suggestions">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Suggested invoice</Table.Th>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th>Due</Table.Th>
                  <Table.Th ta="right">Amount due</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {item.suggestions.map((s) => {
                  const blocked = notAllocatable(s, item);
                  const amount = compareAmounts(item.unallocated, s.amountDue) <= 0 ? item.unallocated : s.amountDue;
                  return (
                    <Table.Tr key={s.id} data-invoice-id={s.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/invoices/${s.id}`} fw={500} size="sm">
                          {s.number}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{s.customer.name}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDueDate(s.dueDate)}</Table.Td>
                      <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                        {formatMoney(s.amountDue, s.currency)}
                      </Table.Td>
                      <Table.Td ta="right" w={1} style={{ whiteSpace: 'nowrap' }}>
                        <Tooltip label={blocked} disabled={!blocked} withArrow multiline maw={260}>
                          {/* A disabled button gets no pointer events; the wrapper shows the tooltip. */}
                          <div>
                            <Button
                              size="compact-sm"
                              variant="light"
                              disabled={!!blocked || (busy !== null && busy !== s.id)}
                              loading={busy === s.id}
                              onClick={() => allocateTo(s)}
                              aria-label={`Allocate ${formatMoney(amount, currency)} to ${s.number}`}
                            >
                              Allocate {blocked ? '' : formatMoney(amount, currency)}
                            </Button>
                          </div>
                        </Tooltip>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
            </Table.ScrollContainer>
          </Paper>
        )}
      </Stack>
    </Paper>
  );
}
