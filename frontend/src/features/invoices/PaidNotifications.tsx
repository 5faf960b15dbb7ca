import { Anchor, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useNavigate } from 'react-router';
import { formatMoney } from '../../lib/money';
import { notifyPaidOnce, paymentChannelLabel } from '../../lib/payments';
import { useInvoiceStatusChanges, type InvoiceStatusChange } from '../../lib/useInvoiceStatusChanges';

/** The payment that settled it: the one received last that still counts. */
function lastChannel(change: InvoiceStatusChange): string | null {
  const payments = (change.invoice.payments ?? [])
    .filter((p) => !p.undoneAt)
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
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
