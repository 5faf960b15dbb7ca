import { Anchor, Text } from '@mantine/core';
import { notifications, type NotificationData } from '@mantine/notifications';
import { IconCheck } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { formatMoney } from '../../lib/money';
import { paymentChannelLabel } from './status';
import { useInvoiceStatusChanges, type InvoiceStatusChange } from './useInvoiceStatusChanges';

// Invoice id + version of every "was paid" notification shown in this tab.
// One change can arrive twice: as the answer to this tab's own "Mark as
// paid" and as a live event, or again after a resubscribe.
const announced = new Set<string>();

/** Shows a "was paid" notification unless this version of the invoice already had one. */
export function notifyPaidOnce(invoiceID: string, version: number, data: NotificationData) {
  const key = `${invoiceID}@${version}`;
  if (announced.has(key)) return;
  announced.add(key);
  notifications.show({ id: `paid-${key}`, color: 'green', icon: <IconCheck size={18} />, autoClose: 8000, ...data });
}

/** The payment that settled it: the one received last. */
function lastChannel(change: InvoiceStatusChange): string | null {
  const payments = [...(change.invoice.payments ?? [])].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  const last = payments.at(-1);
  return last ? (paymentChannelLabel[last.channel] ?? last.channel) : null;
}

/**
 * "INV-000012 was paid — $400.00 by Acme Ltd" whenever one of the merchant's
 * invoices becomes PAID, on whatever page is open. Rendered once, in the
 * signed-in layout.
 */
export function PaidNotifications() {
  const navigate = useNavigate();
  useInvoiceStatusChanges({
    onChange: (change) => {
      if (change.to !== 'PAID' || change.from === 'PAID') return;
      const inv = change.invoice;
      const channel = lastChannel(change);
      const id = inv.id;
      notifyPaidOnce(id, change.version, {
        title: `${inv.number ?? 'An invoice'} was paid`,
        message: (
          <>
            <Text size="sm" span data-testid="paid-notification">
              {formatMoney(inv.amountPaid, inv.currency)} by {inv.customer.name}
              {channel && ` · ${channel}`}
            </Text>{' '}
            {/* Notifications render outside the router: navigate by hand. */}
            <Anchor
              component="button"
              type="button"
              size="sm"
              onClick={() => {
                notifications.hide(`paid-${id}@${change.version}`);
                navigate(`/invoices/${id}`);
              }}
            >
              View
            </Anchor>
          </>
        ),
      });
    },
  });
  return null;
}
