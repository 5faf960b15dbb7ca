import { notifications } from '@mantine/notifications';
import { IconCheck } from '@tabler/icons-react';
import type { CollectionAllocatedFragment } from '../../gql/graphql';
import { formatMoney, isZeroAmount } from '../../lib/money';
import { notifyPaidOnce, paymentChannelLabel } from '../../lib/payments';

type Allocated = CollectionAllocatedFragment;

/**
 * Says what an allocation did. An invoice it paid in full gets the app's
 * "was paid" notification, once, even when the live event announces it too.
 */
export function announceAllocation(result: Allocated) {
  const { collection } = result;
  const { currency } = collection;
  const channel = paymentChannelLabel[collection.channel] ?? collection.channel;
  const left = isZeroAmount(result.unallocated) ? '' : ` ${formatMoney(result.unallocated, currency)} of it is still to allocate.`;
  for (const a of result.allocations) {
    const inv = a.invoice;
    const number = inv.number ?? 'The invoice';
    if (inv.status === 'PAID') {
      notifyPaidOnce(inv.id, inv.version, {
        title: `${number} was paid`,
        message: `${formatMoney(inv.amountPaid, currency)} by ${inv.customer.name} · ${channel}.${left}`,
      });
    } else {
      notifications.show({
        color: 'green',
        icon: <IconCheck size={18} />,
        title: `${formatMoney(a.amount, currency)} allocated to ${number}`,
        message: `${formatMoney(inv.amountDue, currency)} is still due on it.${left}`,
      });
    }
  }
}
