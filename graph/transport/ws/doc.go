// Package ws is a gqlgen transport for GraphQL over websockets that speaks
// the graphql-transport-ws protocol (the protocol of the graphql-ws client
// library) and closes connections with that protocol's close codes.
//
// gqlgen's own transport.Websocket closes with 1002 for an init timeout or
// a subscribe before connection_init, which graphql-ws clients treat as a
// fatal, non-retryable protocol error. This transport replaces it:
//
//	srv := handler.New(schema)
//	srv.AddTransport(ws.New(ws.Options{
//		Init: func(ctx context.Context, r *http.Request, payload map[string]any) (context.Context, error) {
//			v, err := authenticate(ctx, payload)
//			if err != nil {
//				return nil, ws.CloseError{Code: 4401, Reason: "Unauthorized"}
//			}
//			return withViewer(ctx, v), nil
//		},
//	}))
//
// Only the "graphql-transport-ws" subprotocol is accepted; the legacy
// "graphql-ws" subprotocol (subscriptions-transport-ws) is not.
//
// # Connection
//
// The upgrade is refused with HTTP 403 and a plain-text reason when the
// request has an Origin header whose host differs from the request's Host
// and which is not listed in Options.AllowedOrigins. Requests without an
// Origin (non-browser clients) are accepted.
//
// The client must send connection_init within Options.InitTimeout. The
// payload goes to Options.Init, whose returned context is the parent of
// every operation on the connection; InitPayload reads the payload back
// from an operation's context. The server answers connection_ack (with the
// payload set by WithAckPayload, if any), then sends a ping every
// Options.PingInterval. Client pings are answered with a pong echoing the
// payload; pongs are ignored. After a successful Init, Options.Watch (set up
// before the ack) may close the connection at any time (an API key
// revoked, say).
//
// # Operations
//
// Each subscribe runs in its own goroutine: queries and mutations get one
// next message, subscriptions one per event, and then complete. A
// subscribe that fails to parse or validate gets a single error message
// with the GraphQL errors. A client complete cancels the operation's
// context and nothing more is sent for that id. More than
// Options.MaxSubscriptions operations at once on one connection gets an
// error message for the extra id (the connection stays open). When the
// connection ends, whatever the reason, every operation is cancelled and
// Do returns once all of them have.
//
// # Close codes
//
//	Code  Reason                                   When
//	1001  Server shutting down                     the upgrade request's context ended, or Transport.Shutdown
//	1009  (set by the websocket library)           a message larger than Options.ReadLimit
//	4400  Invalid message received: …, or          a message that is not valid JSON, has no or an unknown
//	      Unexpected message of type … received    type, malformed fields, or a server-only type
//	4401  Unauthorized                             subscribe before the server's connection_ack; or
//	                                               Init returned CloseError{Code: 4401}
//	4403  Forbidden (or the CloseError's reason)   Init returned CloseError{Code: 4403} or an error that is
//	                                               not a CloseError; or Watch's channel yielded
//	4406  Subprotocol not acceptable               the client did not offer graphql-transport-ws
//	4408  Connection initialisation timeout        no connection_init acknowledged within InitTimeout
//	4409  Subscriber for <id> already exists       subscribe with the id of a running operation
//	4429  Too many initialisation requests         a second connection_init
//	4500  Internal server error                    Init panicked or returned a nil context
//
// A CloseError from Init or Watch with a code outside 1000–1003,
// 1007–1014 and 3000–4999 is sent as 4403. Close reasons are cut to 123
// bytes, the most a close frame can hold.
//
// # Shutdown
//
// Hijacked connections are not tracked by http.Server.Shutdown, so open
// websockets would outlive it. Either register Transport.Shutdown, which
// closes every connection with 1001 and refuses new upgrades with 503:
//
//	httpSrv.RegisterOnShutdown(wsTransport.Shutdown)
//
// or let the upgrade request's context end (Do watches it too).
package ws
