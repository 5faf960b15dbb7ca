import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';
import { MessageField } from '../emails/MessageField';
import { SendRecipient } from '../emails/SendRecipient';

/** "Create and send": who gets the invoice, and an optional message in the email. */
export function CreateAndSendModal({ opened, onClose, recipient, bouncing, devMailbox, message, sending, onSend }: {
  opened: boolean;
  onClose: () => void;
  recipient: { name: string; email: string };
  bouncing: boolean;
  devMailbox: boolean;
  /** The form's input props for the message. */
  message: object;
  sending: boolean;
  onSend: () => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title="Create and send this invoice?" centered>
      <Stack gap="md">
        <Text size="sm">
          The invoice gets its number and is emailed to {recipient.name}, with a Pay now link and the PDF attached.
        </Text>
        <SendRecipient email={recipient.email} bouncing={bouncing} devMailbox={devMailbox} />
        <MessageField {...message} />
        <Group justify="flex-end" mt="xs">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color={bouncing ? 'red' : undefined} leftSection={<IconSend size={16} />} loading={sending} onClick={onSend}>
            {bouncing ? 'Create and send anyway' : 'Create and send'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
