import { Center, Loader, Modal, Text } from '@mantine/core';
import { useQuery } from 'urql';
import { graphql } from '../../gql';

const InvoicePreviewQuery = graphql(`
  query InvoicePreview($id: ID!) {
    node(id: $id) {
      __typename
      ... on Invoice {
        id
        version
        previewHTML
      }
    }
  }
`);

/**
 * The invoice exactly as the customer will see it: the server's HTML, which
 * is also the email body and the PDF's input. Rendered in a sandboxed iframe.
 */
export function InvoicePreviewModal({ id, opened, onClose }: { id: string; opened: boolean; onClose: () => void }) {
  const [{ data, fetching, error }] = useQuery({
    query: InvoicePreviewQuery,
    variables: { id },
    pause: !opened,
    requestPolicy: 'network-only',
  });
  const html = data?.node?.__typename === 'Invoice' ? data.node.previewHTML : null;
  return (
    <Modal opened={opened} onClose={onClose} title="Invoice preview" size="56rem" centered>
      {html ? (
        <iframe
          title="Invoice preview"
          srcDoc={html}
          sandbox=""
          style={{ width: '100%', height: '75vh', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8, background: 'white' }}
        />
      ) : (
        <Center h={300}>{fetching || !error ? <Loader /> : <Text c="dimmed">Couldn't load the preview.</Text>}</Center>
      )}
    </Modal>
  );
}
