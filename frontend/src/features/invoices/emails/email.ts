// Invoice emails: what every list of them shows, and how this server sends them.

import { useQuery } from 'urql';
import { graphql } from '../../../gql';

// What a list of emails shows; the HTML body is loaded when one is opened.
graphql(`
  fragment EmailSummary on Email {
    id
    kind
    to
    subject
    status
    attempts
    lastError
    provider
    sentAt
    deliveredAt
    createdAt
  }
`);

const EmailProviderQuery = graphql(`
  query EmailProvider {
    emailProvider
  }
`);

export const DEV_MAILBOX = 'dev-mailbox';

/** How this server sends email: "mailgun", or "dev-mailbox" when nothing leaves the machine. */
export function useEmailProvider(): { provider: string | null; devMailbox: boolean } {
  const [{ data }] = useQuery({ query: EmailProviderQuery });
  const provider = data?.emailProvider ?? null;
  return { provider, devMailbox: provider === DEV_MAILBOX };
}

