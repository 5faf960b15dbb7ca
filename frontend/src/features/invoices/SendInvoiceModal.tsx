import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconSend } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { useEmailProvider } from './emails/email';
import { MessageField } from './emails/MessageField';
import { SendRecipient } from './emails/SendRecipient';
import { showError } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';

const SendInvoiceMutation = graphql(`
  mutation SendInvoice($id: ID!, $message: String) {
    sendInvoice(id: $id, message: $message) {
      id
      version
      sentAt
      emails {
        ...EmailSummary
      }
      events {
        id
        type
        at
        actor
        fromStatus
        toStatus
        note
      }
    }
  }
`);

export interface SendableInvoice {
  id: string;
  number?: string | null;
  sentAt?: string | null;
  customer: { name: string; email: string; emailBouncing: boolean };
}

/**
 * "Send" (never sent) or "Send reminder" (sent before): says who gets it,
 * warns when their address is bouncing, then queues the email.
 */
export function SendInvoiceModal({ invoice, opened, onClose }: {
  invoice: SendableInvoice;
  opened: boolean;
  onClose: () => void;
}) {
  const [{ fetching }, sendInvoice] = useMutation(SendInvoiceMutation);
  const { devMailbox } = useEmailProvider();
  const reminder = !!invoice.sentAt;
  const number = invoice.number ?? 'this invoice';
  const { customer } = invoice;
  const [message, setMessage] = useState('');
  // eslint-disable-next-line react-hooks/set-state-in-effect -- each opening starts without a message
  useEffect(() => setMessage(''), [opened]);

  const onSend = async () => {
    const note = message.trim();
    const res = await sendInvoice({ id: invoice.id, ...(note ? { message: note } : {}) });
    if (showError(res.error, { title: reminder ? "Couldn't send the reminder" : "Couldn't send the invoice" })) return;
    onClose();
    notifications.show({
      color: 'green',
      icon: <IconCheck size={18} />,
      title: reminder ? `Reminder for ${number} queued` : `${number} queued`,
      message: `We're emailing it to ${customer.email}.`,
    });
  };

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={reminder ? `Send a reminder for ${number}?` : `Send ${number}?`}
      centered
      size="md"
    >
      <Stack gap="md">
        <Text size="sm">
          {reminder
            ? `${customer.name} gets the invoice again, with its Pay now link and PDF, under the subject "Reminder: Invoice ${number}…". It was first sent ${formatDateTime(invoice.sentAt)}.`
            : `${customer.name} gets the invoice by email, with a Pay now link and the PDF attached.`}
        </Text>
        <SendRecipient email={customer.email} bouncing={customer.emailBouncing} devMailbox={devMailbox} />
        <MessageField value={message} onChange={(e) => setMessage(e.currentTarget.value)} />
        <Group justify="flex-end" mt="xs">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color={customer.emailBouncing ? 'red' : undefined}
            leftSection={<IconSend size={16} />}
            loading={fetching}
            onClick={() => void onSend()}
          >
            {customer.emailBouncing ? 'Send anyway' : reminder ? 'Send reminder' : 'Send invoice'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
