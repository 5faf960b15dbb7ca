package graph

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tally-invoicing/tally/internal/idempotency"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// MaxUploadSize bounds a statement upload, a little above what the
// statement parser accepts, so the parser names the limit.
const MaxUploadSize = 51 << 20

// HandlerOptions configure the GraphQL endpoint.
type HandlerOptions struct {
	// Production turns off introspection and "did you mean" suggestions,
	// which would describe the schema to anyone.
	Production bool
	// Limits bound each operation; zero means DefaultLimits.
	Limits Limits
	// Idempotency stores mutations sent with an Idempotency-Key header so
	// that retries replay them; nil ignores the header.
	Idempotency *idempotency.Store
	// Authenticate turns the token sent in a websocket's connection_init
	// into a viewer.
	Authenticate func(ctx context.Context, token string) (*tenant.Viewer, error)
}

// NewHandler serves the GraphQL API over HTTP POST and GET (queries only).
func NewHandler(r *Resolver, opts HandlerOptions) http.Handler {
	srv := handler.New(NewExecutableSchema(Config{Resolvers: r}))
	// Subscriptions: graphql-transport-ws on the same URL. The browser's
	// Origin must match the host (the websocket library's default check).
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		InitTimeout:           10 * time.Second,
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			return websocketViewer(ctx, p, opts.Authenticate)
		},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	// Statement uploads (importStatement, previewStatement).
	srv.AddTransport(transport.MultipartForm{MaxUploadSize: MaxUploadSize, MaxMemory: 8 << 20})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	limits := opts.Limits
	if limits == (Limits{}) {
		limits = DefaultLimits()
	}
	srv.SetParserTokenLimit(limits.Tokens)
	srv.Use(guard{limits: limits})
	if opts.Production {
		srv.SetDisableSuggestion(true)
	} else {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	if opts.Idempotency != nil {
		srv.Use(idempotent{store: opts.Idempotency})
	}
	srv.SetErrorPresenter(PresentError)
	return withIdempotencyKey(srv)
}

// websocketViewer authenticates a websocket in connection_init: a "token"
// in the payload (an API key or session token), or else the session cookie
// or bearer header the upgrade request carried. Without either the
// connection is closed with 4401, as graphql-ws clients expect.
func websocketViewer(ctx context.Context, p transport.InitPayload, authenticate func(context.Context, string) (*tenant.Viewer, error)) (context.Context, *transport.InitPayload, error) {
	if tok, _ := p["token"].(string); tok != "" && authenticate != nil {
		v, err := authenticate(ctx, tok)
		if err != nil {
			return transport.WithWebsocketCloseCode(transport.AppendCloseReason(ctx, "unauthorized"), 4401), nil, errors.New("the token is not valid")
		}
		return tenant.WithViewer(ctx, v), nil, nil
	}
	if tenant.FromContext(ctx) != nil {
		return ctx, nil, nil
	}
	return transport.WithWebsocketCloseCode(transport.AppendCloseReason(ctx, "unauthorized"), 4401), nil,
		errors.New("sign in, or send {\"token\": \"<API key>\"} in connection_init")
}
