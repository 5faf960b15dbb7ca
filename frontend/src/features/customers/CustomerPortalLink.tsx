import { ActionIcon, Button, CopyButton, Group, Paper, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy, IconExternalLink, IconRefresh } from '@tabler/icons-react';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { showError } from '../../lib/errors';

const RevokePortalLinkMutation = graphql(`
  mutation RevokeCustomerPortalLink($id: ID!) {
    revokeCustomerPortalLink(id: $id) {
      id
      portalURL
    }
  }
`);

/**
 * The customer's portal link: every invoice with what is due, PDFs, receipts
 * and credit notes, and a payment button per open invoice. Read-only with
 * Copy, Open, and "Replace link", which stops the old one at once.
 */
export function CustomerPortalLink({ customer }: { customer: { id: string; name: string; portalURL: string } }) {
  const [{ fetching }, revoke] = useMutation(RevokePortalLinkMutation);

  const onReplace = () =>
    modals.openConfirmModal({
      title: 'Replace the portal link?',
      centered: true,
      children: (
        <Stack gap="xs">
          <Text size="sm">
            {customer.name} gets a new link. <b>The current link stops working at once</b>, including in emails already
            sent: anyone holding it sees "not found".
          </Text>
          <Text size="sm">Do this when the link reached someone it shouldn't have. Emails from now on carry the new link.</Text>
        </Stack>
      ),
      labels: { confirm: 'Replace link', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: async () => {
        const res = await revoke({ id: customer.id });
        if (showError(res.error, { title: "Couldn't replace the link" })) return;
        notifications.show({ color: 'green', message: 'A new portal link was made; the old one no longer works.' });
      },
    });

  return (
    <Paper withBorder p="lg" component="section" aria-labelledby="customer-portal">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h5" id="customer-portal">
            Customer portal
          </Title>
          <Text size="sm" c="dimmed" mt={2}>
            One link where {customer.name} sees all their invoices, what is due, PDFs, receipts and credit notes, and pays
            open invoices. Every email to them carries it. Anyone with the link can see it, like a payment link.
          </Text>
        </div>
        <Group gap="xs" wrap="nowrap" align="flex-end">
          <TextInput
            label="Portal link"
            value={customer.portalURL}
            readOnly
            onFocus={(e) => e.currentTarget.select()}
            style={{ flex: 1, minWidth: 0 }}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }}
            data-testid="customer-portal-url"
          />
          <CopyButton value={customer.portalURL}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy'}>
                <ActionIcon variant="light" size={36} onClick={copy} aria-label="Copy portal link" color={copied ? 'green' : undefined}>
                  {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
          <Tooltip label="Open the portal">
            <ActionIcon
              component="a"
              href={customer.portalURL}
              target="_blank"
              rel="noreferrer noopener"
              variant="default"
              size={36}
              aria-label="Open the portal in a new tab"
            >
              <IconExternalLink size={18} />
            </ActionIcon>
          </Tooltip>
        </Group>
        <Group justify="flex-end">
          <Button size="xs" variant="subtle" color="red" leftSection={<IconRefresh size={14} />} onClick={onReplace} loading={fetching}>
            Replace link
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
