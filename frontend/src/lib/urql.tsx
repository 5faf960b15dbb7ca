import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import { Client, Provider, cacheExchange, fetchExchange, mapExchange } from 'urql';

// The GraphQL client. Auth is an HttpOnly session cookie the server sets on
// signUp/signIn, so requests only need same-origin credentials.

function createClient(onUnauthenticated: () => void): Client {
  return new Client({
    url: '/query',
    fetchOptions: { credentials: 'same-origin' },
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
      fetchExchange,
    ],
  });
}

const ResetContext = createContext<() => void>(() => {});

/**
 * Provides the urql client. `useResetClient()` swaps in a fresh client with an
 * empty cache: call it after signing in or out so no data outlives a session.
 */
export function GraphQLProvider({
  onUnauthenticated,
  children,
}: {
  onUnauthenticated: () => void;
  children: ReactNode;
}) {
  const handler = useRef(onUnauthenticated);
  handler.current = onUnauthenticated;
  const make = useCallback(() => createClient(() => handler.current()), []);
  const [client, setClient] = useState(make);
  const reset = useCallback(() => setClient(make()), [make]);
  return (
    <ResetContext.Provider value={reset}>
      <Provider value={client}>{children}</Provider>
    </ResetContext.Provider>
  );
}

export function useResetClient(): () => void {
  return useContext(ResetContext);
}
