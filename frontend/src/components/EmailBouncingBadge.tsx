import { Badge, Tooltip } from '@mantine/core';

/** The mail provider reported a permanent failure delivering to the customer's address. */
export function EmailBouncingBadge({ email }: { email?: string }) {
  return (
    <Tooltip
      label={`Emails to ${email ?? 'this address'} bounce: the recipient's mail server refused them. Check the address with your customer.`}
      multiline
      maw={300}
      withArrow
    >
      <Badge color="red" variant="filled" radius="sm" size="sm" data-testid="email-bouncing" style={{ cursor: 'help', minWidth: 'max-content' }}>
        Email bouncing
      </Badge>
    </Tooltip>
  );
}

