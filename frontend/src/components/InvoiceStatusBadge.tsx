import { Badge, Group } from '@mantine/core';
import { statusColor, statusLabel } from './invoiceStatus';

/** An invoice's status, plus a red "Overdue" badge when it is past due. */
export function InvoiceStatusBadge({ status, overdue }: { status: string; overdue?: boolean }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Badge color={statusColor[status] ?? 'gray'} variant="light" radius="sm" data-status={status}>
        {statusLabel[status] ?? status}
      </Badge>
      {overdue && (
        <Badge color="red" variant="filled" radius="sm">
          Overdue
        </Badge>
      )}
    </Group>
  );
}
