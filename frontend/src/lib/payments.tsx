// Payments, shared by the invoice page and the collections page: how money
// arrived, why it went to the invoice it went to, and the "was paid"
// notification.

import { Badge, Tooltip } from '@mantine/core';
import { notifications, type NotificationData } from '@mantine/notifications';
import { IconCheck } from '@tabler/icons-react';

/** How a payment arrived, in words. */
export const paymentChannelLabel: Record<string, string> = {
  CHECKOUT_CARD: 'Card (Infini)',
  CHECKOUT_CRYPTO: 'Crypto',
  BANK_TRANSFER: 'Bank transfer',
  CASH: 'Cash',
  OTHER: 'Other',
  CUSTOMER_CREDIT: "Customer's credit",
};

export const allocationRuleLabel: Record<string, string> = {
  REFERENCE: 'Reference',
  CHECKOUT: 'Checkout',
  AMOUNT: 'Amount',
  COMBINATION: 'Combination',
  MANUAL: 'Manual',
};

const ruleInfo: Record<string, { color: string; why: string }> = {
  REFERENCE: { color: 'teal', why: "The payment named the invoice's reference or number." },
  CHECKOUT: { color: 'indigo', why: "Paid through the invoice's payment link." },
  AMOUNT: { color: 'yellow', why: "The amount is what this payer's invoice was due." },
  COMBINATION: { color: 'grape', why: "The amount is what several of this payer's invoices were due together." },
  MANUAL: { color: 'gray', why: 'Allocated by hand.' },
};

/**
 * Why money went to an invoice. Checkout and manual allocations are certain
 * by definition; the matcher's rules also say how sure they were.
 */
export function AllocationRuleBadge({ rule, confidence }: { rule: string; confidence: number }) {
  const info = ruleInfo[rule] ?? { color: 'gray', why: '' };
  const guessed = rule !== 'CHECKOUT' && rule !== 'MANUAL';
  const label = allocationRuleLabel[rule] ?? rule;
  return (
    <Tooltip
      label={guessed ? `${info.why} ${confidence}% sure.` : info.why}
      disabled={!info.why}
      withArrow
      multiline
      maw={260}
    >
      <Badge
        color={info.color}
        variant="light"
        radius="sm"
        size="sm"
        tt="none"
        style={{ cursor: 'help', flexShrink: 0 }}
        data-rule={rule}
      >
        {guessed ? `${label} · ${confidence}%` : label}
      </Badge>
    </Tooltip>
  );
}

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
