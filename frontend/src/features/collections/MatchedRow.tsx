import { Anchor, Badge, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import type { CollectionItemFragment } from '../../gql/graphql';
import { formatDate, formatDateTime } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { AllocationRuleBadge, paymentChannelLabel } from '../../lib/payments';

/** Money that went to invoices in full: when, from whom, how much, and which invoices took it and why. */
export function MatchedRow({ item }: { item: CollectionItemFragment }) {
  const { currency } = item;
  const payer = item.payerName || item.customer?.name;
  return (
    <Table.Tr data-collection-id={item.id} style={{ verticalAlign: 'top' }}>
      <Table.Td>
        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
          {formatDate(item.receivedAt)}
        </Text>
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          {paymentChannelLabel[item.channel] ?? item.channel}
        </Text>
      </Table.Td>
      <Table.Td maw={320}>
        <Text size="sm" c={payer ? undefined : 'dimmed'}>
          {payer ?? 'Payer not given'}
        </Text>
        {item.text && (
          <Tooltip label={item.text} disabled={item.text.length < 60} withArrow multiline maw={360}>
            <Text size="xs" c="dimmed" lineClamp={1} style={{ overflowWrap: 'anywhere' }}>
              {item.text}
            </Text>
          </Tooltip>
        )}
      </Table.Td>
      <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
        <Text size="sm" fw={500}>
          {formatMoney(item.amount, currency)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Stack gap={4}>
          {item.allocations.map((a) => (
            <Group key={a.id} gap={8} wrap="nowrap" c={a.undoneAt ? 'dimmed' : undefined} data-allocation-id={a.id}>
              <Anchor
                component={Link}
                to={`/invoices/${a.invoice.id}`}
                size="sm"
                fw={500}
                c={a.undoneAt ? 'dimmed' : undefined}
                style={{ whiteSpace: 'nowrap', textDecoration: a.undoneAt ? 'line-through' : undefined }}
              >
                {a.invoice.number}
              </Anchor>
              <Text
                size="sm"
                style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap', textDecoration: a.undoneAt ? 'line-through' : undefined }}
              >
                {formatMoney(a.amount, currency)}
              </Text>
              {a.undoneAt ? (
                <Tooltip label={`Undone ${formatDateTime(a.undoneAt)}`} withArrow>
                  <Badge color="gray" variant="light" radius="sm" size="sm" tt="none">
                    Undone
                  </Badge>
                </Tooltip>
              ) : (
                <AllocationRuleBadge rule={a.rule} confidence={a.confidence} />
              )}
            </Group>
          ))}
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}
