import { getIntrospectionQuery, type IntrospectionQuery } from 'graphql';

// The playground's schema: graphql-js's standard introspection query. The
// server's query limits (graph/transport/guard.go) let introspection-only
// operations through on development servers, and refuse introspection in
// production.

export interface GraphQLResponse {
  data?: unknown;
  errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Sends one operation to the API; resolves to its JSON response. */
export type Post = (query: string, operationName: string) => Promise<GraphQLResponse>;

/**
 * The server answered, but without a schema: introspection is off (as on
 * production servers) or the operation was refused. `detail` is the server's
 * message.
 */
export class IntrospectionUnavailable extends Error {
  constructor(readonly detail: string) {
    super(`The server did not describe its schema: ${detail}`);
    this.name = 'IntrospectionUnavailable';
  }
}

/** Fetches the schema with the standard introspection query. */
export async function introspect(post: Post): Promise<IntrospectionQuery> {
  const res = await post(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }), 'IntrospectionQuery');
  if (res.errors?.length) throw new IntrospectionUnavailable(res.errors.map((e) => e.message).join('; '));
  const data = res.data as IntrospectionQuery | null | undefined;
  if (!data?.__schema) throw new IntrospectionUnavailable('the response has no __schema');
  return data;
}
