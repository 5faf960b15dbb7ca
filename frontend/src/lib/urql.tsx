import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
// graphql-ws/client, not graphql-ws: the package's index also has the server,
// which pulls graphql-js into the vendor chunk.
import { createClient as createWSClient, type Client as WSClient } from 'graphql-ws/client';
import { Client, Provider, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from 'urql';

// The GraphQL client. Auth is an HttpOnly session cookie the server sets on
// signUp/signIn, so requests only need same-origin credentials. The browser
// sends the same cookie with the WebSocket handshake, so subscriptions need
// no connection_init payload.

/** Sent with every HTTP request to /query (see fetchOptions below). */
export const preflightHeader = 'GraphQL-Require-Preflight';

/** ws:// or wss:// to /query on this origin (in development, Vite proxies it). */
export function socketURL(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/query`;
}

/**
 * Waits before the nth reconnect attempt: 1 s, 2 s, 4 s … up to 30 s, with
 * jitter so tabs reconnecting after a server restart don't arrive together.
 */
function backoff(retries: number): Promise<void> {
  const base = Math.min(30_000, 1000 * 2 ** retries);
  const ms = base / 2 + Math.random() * (base / 2);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Something that wants to know when the live connection came back after it dropped. */
type ReconnectListener = () => void;

interface Session {
  client: Client;
  socket: WSClient;
  reconnectListeners: Set<ReconnectListener>;
}

function createSession(onUnauthenticated: () => void): Session {
  const reconnectListeners = new Set<ReconnectListener>();
  const socket = createWSClient({
    url: socketURL,
    // Connect on the first subscription, close after the last one ends.
    lazy: true,
    // Keep the socket across quick unmount/mount (navigating between pages).
    lazyCloseTimeout: 3000,
    // A server restart or a network change drops the socket: keep trying for
    // as long as something is subscribed. graphql-ws resubscribes on its own.
    retryAttempts: Infinity,
    retryWait: backoff,
    shouldRetry: () => true,
    on: {
      connected: (_socket, _payload, wasRetry) => {
        if (wasRetry) for (const listener of reconnectListeners) listener();
      },
    },
  });

  const client = new Client({
    url: '/query',
    // GraphQL-Require-Preflight: the server refuses a multipart request
    // (statement uploads) without it, since a plain HTML form on another site
    // can't set a custom header: CSRF protection. Sent on every request.
    fetchOptions: { credentials: 'same-origin', headers: { [preflightHeader]: '1' } },
    preferGetMethod: false,
    exchanges: [
      mapExchange({
        onError(error) {
          if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
            onUnauthenticated();
          }
        },
      }),
      cacheExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const payload = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              return { unsubscribe: socket.subscribe(payload, sink) };
            },
          };
        },
      }),
      fetchExchange,
    ],
  });
  return { client, socket, reconnectListeners };
}

const ResetContext = createContext<() => void>(() => {});
const ReconnectContext = createContext<Set<ReconnectListener>>(new Set());

/**
 * Provides the urql client. `useResetClient()` swaps in a fresh client with an
 * empty cache and a new socket: call it after signing in or out so no data,
 * and no subscription, outlives a session.
 */
export function GraphQLProvider({
  onUnauthenticated,
  children,
}: {
  onUnauthenticated: () => void;
  children: ReactNode;
}) {
  const handler = useRef(onUnauthenticated);
  useEffect(() => {
    handler.current = onUnauthenticated;
  });
  const make = useCallback(() => createSession(() => handler.current()), []);
  // eslint-disable-next-line react-hooks/refs -- the ref is read when a request fails, not during render
  const [session, setSession] = useState(make);
  const current = useRef(session);
  useEffect(() => {
    current.current = session;
  }, [session]);
  const reset = useCallback(() => {
    // The old socket was opened with the old cookie: close it.
    current.current.socket.dispose();
    setSession(make());
  }, [make]);
  return (
    <ResetContext.Provider value={reset}>
      <ReconnectContext.Provider value={session.reconnectListeners}>
        <Provider value={session.client}>{children}</Provider>
      </ReconnectContext.Provider>
    </ResetContext.Provider>
  );
}

export function useResetClient(): () => void {
  return useContext(ResetContext);
}

/**
 * Calls `listener` whenever the live connection comes back after dropping
 * (the server restarted, the network changed). Events sent while it was down
 * are lost, so subscribers reload what they show.
 */
export function useOnReconnect(listener: () => void) {
  const listeners = useContext(ReconnectContext);
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => {
    const l = () => latest.current();
    listeners.add(l);
    return () => void listeners.delete(l);
  }, [listeners]);
}
