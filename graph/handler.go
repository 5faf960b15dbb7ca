package graph

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tally-invoicing/tally/graph/scalar"
	"github.com/tally-invoicing/tally/graph/ws"
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
	// Revoked returns a channel closed when the credential (API key or
	// session id) stops working; websockets it opened are then closed.
	Revoked func(ctx context.Context, merchantID, credentialID string) <-chan struct{}
	// Active reports whether the viewer's credential still works. It is
	// asked once Revoked is watching, so that a revocation between
	// connection_init's lookup and the watch is not missed.
	Active func(ctx context.Context, v *tenant.Viewer) (bool, error)
	// AllowedOrigins may open websockets besides the request's own host
	// (the public base URL's origin, when a proxy rewrites Host).
	AllowedOrigins []string
}

// Handler serves the GraphQL API.
type Handler struct {
	http.Handler
	ws *ws.Transport
}

// Shutdown closes every websocket (1001, going away); http.Server.Shutdown
// does not wait for hijacked connections.
func (h *Handler) Shutdown() { h.ws.Shutdown() }

// NewHandler serves the GraphQL API over HTTP POST (JSON, or multipart for
// uploads), GET (queries only) and graphql-transport-ws websockets.
func NewHandler(r *Resolver, opts HandlerOptions) *Handler {
	srv := handler.New(NewExecutableSchema(Config{Resolvers: r, Schema: servedSchema(), Directives: DirectiveRoot{
		Multiline: func(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
			return next(scalar.WithMultiline(ctx))
		},
	}}))
	// Subscriptions: graphql-transport-ws on the same URL, with the
	// protocol's close codes (4401, 4403, 4408, 4429).
	wst := ws.New(ws.Options{
		InitTimeout:    10 * time.Second,
		PingInterval:   15 * time.Second,
		AllowedOrigins: opts.AllowedOrigins,
		Init: func(ctx context.Context, _ *http.Request, p map[string]any) (context.Context, error) {
			return websocketViewer(ctx, p, opts.Authenticate)
		},
		Watch: func(ctx context.Context) <-chan ws.CloseError {
			v := tenant.FromContext(ctx)
			if v == nil || opts.Revoked == nil || v.Credential() == "" {
				return nil
			}
			revoked := opts.Revoked(ctx, v.MerchantID, v.Credential())
			out := make(chan ws.CloseError, 1)
			if opts.Active != nil {
				if ok, err := opts.Active(ctx, v); err != nil || !ok {
					if err != nil {
						slog.ErrorContext(ctx, "ws: check credential", "err", err)
					}
					out <- ws.CloseError{Code: 4403, Reason: "Forbidden: the API key was revoked or the session ended"}
					return out
				}
			}
			go func() {
				select {
				case <-revoked:
					out <- ws.CloseError{Code: 4403, Reason: "Forbidden: the API key was revoked or the session ended"}
				case <-ctx.Done():
				}
			}()
			return out
		},
	})
	srv.AddTransport(wst)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(getQuery{})
	srv.AddTransport(postJSON{})
	// Statement uploads (importStatement, previewStatement).
	srv.AddTransport(multipartUpload{})
	cache := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(cache)
	limits := opts.Limits
	if limits == (Limits{}) {
		limits = DefaultLimits()
	}
	srv.SetParserTokenLimit(limits.Tokens)
	srv.Use(guard{limits: limits, introspection: !opts.Production})
	if opts.Production {
		srv.SetDisableSuggestion(true)
	} else {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	// After the persisted query extension, which may fill in the query.
	srv.Use(overlapCheck{limits: limits, cache: cache})
	if opts.Idempotency != nil {
		srv.Use(idempotent{store: opts.Idempotency})
	}
	srv.SetErrorPresenter(PresentError)
	return &Handler{Handler: httpPolicy(withIdempotencyKey(srv)), ws: wst}
}

// hiddenDirectives steer code generation (gqlgen's @goField and @goModel)
// or the operation guard (@cost); no query may use them, so clients are not
// told about them.
var hiddenDirectives = []string{"goField", "goModel", "cost"}

// servedSchema is the schema as clients see it through validation and
// introspection: the generated one without hiddenDirectives. Fields keep
// the directives applied to them, which the guard reads and introspection
// never shows.
func servedSchema() *ast.Schema {
	full := NewExecutableSchema(Config{}).Schema()
	s := *full
	s.Directives = make(map[string]*ast.DirectiveDefinition, len(full.Directives))
	for name, d := range full.Directives {
		if !slices.Contains(hiddenDirectives, name) {
			s.Directives[name] = d
		}
	}
	return &s
}

// websocketViewer authenticates a websocket in connection_init: a "token"
// in the payload (an API key or session token), or else the session cookie
// or bearer header the upgrade request carried. Without either the
// connection is closed with 4401, as graphql-ws clients expect; a key
// without the READ scope gets 4403.
func websocketViewer(ctx context.Context, p map[string]any, authenticate func(context.Context, string) (*tenant.Viewer, error)) (context.Context, error) {
	if tok, _ := p["token"].(string); tok != "" && authenticate != nil {
		v, err := authenticate(ctx, tok)
		if err != nil {
			return nil, ws.CloseError{Code: 4401, Reason: "Unauthorized: the token is not valid"}
		}
		ctx = tenant.WithViewer(ctx, v)
	}
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, ws.CloseError{Code: 4401, Reason: `Unauthorized: sign in, or send {"token": "<API key>"} in connection_init`}
	}
	if !v.Allows(tenant.ScopeRead) {
		return nil, ws.CloseError{Code: 4403, Reason: "Forbidden: this API key lacks the READ scope"}
	}
	return ctx, nil
}
