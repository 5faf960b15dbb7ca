import { Button, Center, Loader, Stack, Text, Title } from '@mantine/core';
import { useMemo, type ReactNode } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { haveCurrencyFormats, setCurrencyFormats } from '../lib/money';

const CurrencyFormatsQuery = graphql(`
  query CurrencyFormats {
    currencyFormats {
      code
      exponent
    }
  }
`);

/**
 * Loads the server's currency table once, before anything that shows money
 * renders, so amounts are rounded and checked as the server does. Once it is
 * loaded, a new client (signing in or out) never hides the page again.
 */
export function CurrencyFormats({ children }: { children: ReactNode }) {
  const [{ data, error }, reexecute] = useQuery({ query: CurrencyFormatsQuery });
  // During render, so the children rendered right after already use it.
  const loaded = useMemo(() => {
    if (data) setCurrencyFormats(data.currencyFormats);
    return haveCurrencyFormats();
  }, [data]);

  if (loaded) return children;
  if (error) {
    return (
      <Center h="100vh">
        <Stack align="center" gap="sm" maw={420} ta="center">
          <Title order={1} size="h3">Can't reach Tally</Title>
          <Text c="dimmed">The dashboard couldn't load its settings from the server. Check your connection and try again.</Text>
          <Button variant="light" onClick={() => reexecute({ requestPolicy: 'network-only' })}>
            Try again
          </Button>
        </Stack>
      </Center>
    );
  }
  return (
    <Center h="100vh">
      <Loader />
    </Center>
  );
}
