import { Badge, Loader, Tooltip } from '@mantine/core';

export const emailStatusLabel: Record<string, string> = {
  QUEUED: 'Queued',
  SENT: 'Sent',
  DELIVERED: 'Delivered',
  FAILED: 'Failed',
  BOUNCED: 'Bounced',
};

const emailStatusColor: Record<string, string> = {
  QUEUED: 'gray',
  SENT: 'blue',
  DELIVERED: 'green',
  FAILED: 'red',
  BOUNCED: 'red',
};

export const emailStatuses = ['QUEUED', 'SENT', 'DELIVERED', 'FAILED', 'BOUNCED'] as const;

/**
 * QUEUED (gray, spinning: the worker delivers it in a moment; "Retrying"
 * after a failed attempt), SENT (blue), DELIVERED (green), FAILED and
 * BOUNCED (red). The last error is in a tooltip.
 */
export function EmailStatusBadge({ status, lastError }: { status: string; lastError?: string | null }) {
  const retrying = status === 'QUEUED' && !!lastError;
  const badge = (
    <Badge
      color={emailStatusColor[status] ?? 'gray'}
      variant="light"
      radius="sm"
      data-email-status={status}
      leftSection={status === 'QUEUED' ? <Loader size={10} color="gray" type="oval" /> : undefined}
      style={{ cursor: lastError ? 'help' : undefined, minWidth: 'max-content' }}
    >
      {retrying ? 'Retrying' : (emailStatusLabel[status] ?? status)}
    </Badge>
  );
  if (!lastError || status === 'SENT' || status === 'DELIVERED') return badge;
  return (
    <Tooltip label={retrying ? `Last attempt failed: ${lastError}` : lastError} multiline maw={360} withArrow>
      {badge}
    </Tooltip>
  );
}

const kindLabel: Record<string, string> = {
  INVOICE: 'Invoice',
  REMINDER: 'Reminder',
  PASSWORD_RESET: 'Password reset',
  RECEIPT: 'Receipt',
  PAYMENT_NOTICE: 'You got paid',
  CREDIT_NOTE: 'Credit note',
  WEBHOOK_DISABLED: 'Webhook disabled',
};
const kindColor: Record<string, string> = {
  INVOICE: 'indigo',
  REMINDER: 'orange',
  PASSWORD_RESET: 'gray',
  RECEIPT: 'green',
  PAYMENT_NOTICE: 'teal',
  CREDIT_NOTE: 'grape',
  WEBHOOK_DISABLED: 'red',
};

/**
 * "Invoice" (the first email), "Reminder", "Receipt" and "Credit note" (to
 * the customer), "You got paid" and "Webhook disabled" (to the merchant), or
 * "Password reset" (dev mailbox only).
 */
export function EmailKindBadge({ kind }: { kind: string }) {
  return (
    <Badge
      color={kindColor[kind] ?? 'indigo'}
      variant="outline"
      radius="sm"
      size="sm"
      data-email-kind={kind}
      style={{ minWidth: 'max-content' }}
    >
      {kindLabel[kind] ?? kind}
    </Badge>
  );
}

