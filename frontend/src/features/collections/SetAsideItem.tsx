import { Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconArrowBackUp } from '@tabler/icons-react';
import { useMutation } from 'urql';
import type { CollectionItemFragment } from '../../gql/graphql';
import { showError } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { RestoreCollectionMutation, setAsideReasonLabel } from './collection';
import { CollectionMemo } from './CollectionMemo';
import { itemName, receivedLine } from './ReviewItem';

/**
 * Money a person set aside: why, what they noted and when, and the way back
 * to the review queue.
 */
export function SetAsideItem({ item }: { item: CollectionItemFragment }) {
  const [{ fetching }, restore] = useMutation(RestoreCollectionMutation);
  const reason = item.setAsideReason ? setAsideReasonLabel[item.setAsideReason] : null;

  const back = async () => {
    const res = await restore({ id: item.id });
    showError(res.error, { title: "Couldn't put it back in the review queue" });
  };

  return (
    <Paper withBorder p="md" component="article" aria-label={itemName(item)} data-collection-id={item.id}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div style={{ minWidth: 0 }}>
            <Group gap="xs">
              <Text fw={600} size="lg" style={{ fontVariantNumeric: 'tabular-nums' }}>
                {formatMoney(item.amount, item.currency)}
              </Text>
              <Badge color="gray" variant="light" radius="sm" tt="none" data-status="SET_ASIDE" data-testid="set-aside-badge">
                Set aside{reason ? `: ${reason}` : ''}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed" mt={2} style={{ overflowWrap: 'anywhere' }}>
              {receivedLine(item)}
            </Text>
          </div>
          <Button
            variant="default"
            size="xs"
            leftSection={<IconArrowBackUp size={14} />}
            onClick={back}
            loading={fetching}
            style={{ flexShrink: 0 }}
            aria-label={`Back to review: ${itemName(item)}`}
          >
            Back to review
          </Button>
        </Group>
        {item.text && <CollectionMemo text={item.text} />}
        <Text size="sm" data-testid="set-aside-note" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-line' }}>
          {item.setAsideAt ? `Set aside ${formatDate(item.setAsideAt)}` : 'Set aside'}
          {item.setAsideReason === 'CUSTOMER_CREDIT' && item.customer ? ` as ${item.customer.name}’s credit` : ''}
          {item.setAsideNote ? `: ${item.setAsideNote}` : '.'}
        </Text>
      </Stack>
    </Paper>
  );
}
