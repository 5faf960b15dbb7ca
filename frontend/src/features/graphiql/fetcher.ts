import { createGraphiQLFetcher, type Fetcher, type FetcherParams, type Observable } from '@graphiql/toolkit';
import { Kind, parse, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Client } from 'graphql-ws/client';

// GraphiQL's fetcher: queries and mutations over HTTP POST to /query with the
// session cookie, subscriptions over the given graphql-ws socket.
//
// Subscriptions don't go through @graphiql/toolkit's websocket support: it
// turns a failed socket into a promise rejection nobody handles (an uncaught
// error in the console beside the message GraphiQL shows), and it picks the
// transport from GraphiQL's parse of the editor, which lags the typing by
// 100 ms. Here the query itself is parsed, and errors reach GraphiQL only.

export interface FetcherOptions {
  /** The socket subscriptions run on. */
  socket: Client;
  /** Sent with every HTTP request. */
  headers: Record<string, string>;
  fetch: typeof fetch;
  /** Answers GraphiQL's own introspection (its "Re-fetch GraphQL schema" button). */
  schemaFetcher: Fetcher;
}

export function createFetcher({ socket, headers, fetch, schemaFetcher }: FetcherOptions): Fetcher {
  const http = createGraphiQLFetcher({ url: '/query', headers, fetch, schemaFetcher });
  return (params, opts) => {
    if (isSubscription(params)) return subscribe(socket, params);
    return http(params, opts);
  };
}

/** Whether the operation GraphiQL runs (the named one, or the only one) is a subscription. */
function isSubscription({ query, operationName }: FetcherParams): boolean {
  let doc: DocumentNode;
  try {
    doc = parse(query);
  } catch {
    return false; // the server answers with the syntax error
  }
  const ops = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((d) => d.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
  return op?.operation === 'subscription';
}

function subscribe(socket: Client, params: FetcherParams): Observable<ExecutionResult> {
  return {
    subscribe(
      observerOrNext?: { next: (v: ExecutionResult) => void; error: (e: unknown) => void; complete: () => void } | ((v: ExecutionResult) => void),
      onError?: ((e: unknown) => void) | null,
      onComplete?: () => void,
    ) {
      const observer =
        typeof observerOrNext === 'function' || observerOrNext === undefined
          ? { next: observerOrNext, error: onError ?? undefined, complete: onComplete }
          : observerOrNext;
      const unsubscribe = socket.subscribe<ExecutionResult['data']>(
        { query: params.query, variables: params.variables ?? undefined, operationName: params.operationName ?? undefined },
        {
          next: (value) => observer.next?.(value as ExecutionResult),
          error: (err) => observer.error?.(socketError(err)),
          complete: () => observer.complete?.(),
        },
      );
      return { unsubscribe };
    },
  } as Observable<ExecutionResult>;
}

/**
 * What GraphiQL shows for a socket failure: graphql-ws hands over events, not
 * errors. A plain { message } is shown as a GraphQL error is, without the
 * stack trace GraphiQL prints for an Error.
 */
function socketError(err: unknown): unknown {
  if (typeof CloseEvent !== 'undefined' && err instanceof CloseEvent) {
    return { message: `The live connection to /query closed (${err.code}${err.reason ? `: ${err.reason}` : ''})` };
  }
  if (typeof Event !== 'undefined' && err instanceof Event) {
    return { message: "Couldn't open the live connection to /query (a WebSocket)" };
  }
  return err; // GraphQL errors, shown as they are
}
