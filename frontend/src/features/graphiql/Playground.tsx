// The GraphiQL editor itself, loaded on demand by GraphiQLPage (React.lazy)
// so GraphiQL, CodeMirror and their styles stay out of the dashboard's bundle.
import 'graphiql/style.css';

import { Alert, Anchor, Button, Center, Code, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import type { Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import type { IntrospectionQuery } from 'graphql';
import { createClient } from 'graphql-ws/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { preflightHeader, socketURL } from '../../lib/urql';
import { createFetcher } from './fetcher';
import { introspect, IntrospectionUnavailable, type GraphQLResponse } from './introspection';

const defaultQuery = `# Tally's GraphQL API, as you: requests carry your session cookie.
#
# Run with Ctrl-Enter (Cmd-Enter on a Mac) or the ▶ button.
# Ctrl-Space completes; the book icon on the left opens the docs.
# Subscriptions run live over a WebSocket on /query.

{
  viewer {
    merchant {
      name
      defaultCurrency
    }
  }
}
`;

const headers = { [preflightHeader]: '1' };

/** fetch with the session cookie: the server's own origin only. */
const sameOriginFetch: typeof fetch = (input, init) => fetch(input, { ...init, credentials: 'same-origin' });

/** POSTs one operation to /query and returns its JSON; throws on a non-JSON answer (a 404 page, a proxy error). */
async function post(query: string, operationName: string): Promise<GraphQLResponse> {
  const res = await sameOriginFetch('/query', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: JSON.stringify({ query, operationName }),
  });
  if (!(res.headers.get('Content-Type') ?? '').includes('json')) {
    throw new Error(`the server answered ${res.status} ${res.statusText}`.trim());
  }
  return res.json() as Promise<GraphQLResponse>;
}

type SchemaState =
  | { status: 'loading' }
  | { status: 'ready' }
  | { status: 'unavailable'; detail: string }
  | { status: 'failed'; message: string };

export default function Playground() {
  const [state, setState] = useState<SchemaState>({ status: 'loading' });
  const [fetcher, setFetcher] = useState<Fetcher | null>(null);
  // The schema loaded before GraphiQL was shown: GraphiQL's own first
  // introspection gets it instead of asking again. Its reload button asks anew.
  const preloaded = useRef<IntrospectionQuery | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    introspect(post).then(
      (schema) => {
        if (cancelled) return;
        preloaded.current = schema;
        setState({ status: 'ready' });
      },
      (err: unknown) => {
        if (cancelled) return;
        if (err instanceof IntrospectionUnavailable) setState({ status: 'unavailable', detail: err.detail });
        else setState({ status: 'failed', message: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  // One socket for the page's subscriptions (graphql-transport-ws on /query;
  // the browser sends the session cookie with the handshake). Made here, not
  // during render, so that it is closed when the page goes away.
  useEffect(() => {
    const socket = createClient({ url: socketURL, lazy: true, retryAttempts: 1 });
    const f = createFetcher({
      socket,
      headers,
      fetch: sameOriginFetch,
      schemaFetcher: async () => {
        const schema = preloaded.current;
        preloaded.current = null;
        const data: Record<string, unknown> = { ...(schema ?? (await introspect(post))) };
        return { data };
      },
    });
    setFetcher(() => f);
    return () => {
      setFetcher(null);
      socket.dispose();
    };
  }, []);

  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  if (state.status === 'unavailable') return <Unavailable detail={state.detail} />;
  if (state.status === 'failed') {
    return (
      <Center h="100%" p="xl">
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title="Couldn't reach the GraphQL API" maw={560}>
          <Stack gap="sm" align="flex-start">
            <Text size="sm">{state.message}</Text>
            <Button size="xs" variant="light" color="red" leftSection={<IconRefresh size={14} />} onClick={retry}>
              Try again
            </Button>
          </Stack>
        </Alert>
      </Center>
    );
  }
  if (state.status === 'loading' || !fetcher) {
    return (
      <Center h="100%" aria-label="Loading the schema">
        <Loader />
      </Center>
    );
  }
  return (
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={defaultQuery}
      forcedTheme="light"
      isHeadersEditorEnabled
      shouldPersistHeaders={false}
      defaultEditorToolsVisibility={false}
    />
  );
}

/** Introspection is off: a production server, which has no playground. */
function Unavailable({ detail }: { detail: string }) {
  return (
    <Center h="100%" p="xl">
      <Stack maw={560} gap="sm" data-testid="playground-unavailable">
        <Title order={1} size="h3">The GraphQL playground is available on development servers only</Title>
        <Text c="dimmed" size="sm">
          This server has GraphQL introspection turned off, as production servers do, so the playground can't load
          the schema. Run Tally on your own machine (<Code fz="xs">make run</Code>) to explore the API here, or call
          this server from your own code with an{' '}
          <Anchor component={Link} to="/developers/api-keys" size="sm">
            API key
          </Anchor>
          .
        </Text>
        <Group gap={6}>
          <Text size="xs" c="dimmed">
            The server said:
          </Text>
          <Code fz="xs">{detail}</Code>
        </Group>
      </Stack>
    </Center>
  );
}
