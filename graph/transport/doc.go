// Package transport serves a GraphQL schema (graph.NewSchema) over HTTP and
// websockets, and applies the policy every operation meets before it runs:
// request size and media type (http.go), the operation guard's scopes and
// limits (guard.go, overlap.go) and replayed retries (idempotency.go). It
// knows nothing of resolvers; server hands it the schema and the error
// presenter.
//
// # Request state
//
// What an operation needs to know about its request travels in the
// context, each piece in one place:
//
//   - who asks: the viewer, tenant.WithViewer. auth.Middleware sets it from
//     the session cookie or bearer token; on a websocket, connection_init
//     does (websocketViewer).
//   - the HTTP exchange that credentials need (the session and device
//     cookies, the client's address, turning the answer into a 429): auth's
//     request, set by auth.Middleware and used through auth's functions.
//   - the request's headers (Idempotency-Key): gqlgen's
//     graphql.OperationContext.Headers, which every transport here fills; a
//     websocket's are those of its upgrade request.
//   - the response's headers that an extension sets before the answer is
//     written (Retry-After, Idempotent-Replayed): setResponseHeader, through
//     the writer withResponse puts in the context.
package transport
