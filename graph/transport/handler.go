package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tally-invoicing/tally/graph/transport/ws"
	"github.com/tally-invoicing/tally/internal/idempotency"
	"github.com/tally-invoicing/tally/internal/ratelimit"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Options configure the GraphQL endpoint.
type Options struct {
	// Production turns off introspection and "did you mean" suggestions,
	// which would describe the schema to anyone.
	Production bool
	// Limits bound each operation; zero means DefaultLimits.
	Limits Limits
	// ErrorPresenter turns an error into what a client sees
	// (graph.PresentError); nil is gqlgen's default, which shows every
	// message as it is.
	ErrorPresenter graphql.ErrorPresenterFunc
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

// New serves schema (graph.NewSchema) over HTTP POST (JSON, or multipart
// for uploads), GET (queries only) and graphql-transport-ws websockets,
// with the operation guard and, when opts.Idempotency is set, replayed
// retries.
func New(schema graphql.ExecutableSchema, opts Options) *Handler {
	limits := opts.Limits
	if limits == (Limits{}) {
		limits = DefaultLimits()
	}
	present := opts.ErrorPresenter
	if present == nil {
		present = graphql.DefaultErrorPresenter
	}
	present = presentTokenLimit(present, limits.Tokens)

	srv := handler.New(schema)
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
			return watchCredential(ctx, opts.Revoked, opts.Active)
		},
	})
	srv.AddTransport(wst)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(getQuery{})
	srv.AddTransport(postJSON{})
	// Statement uploads (importStatement, previewStatement).
	srv.AddTransport(multipartUpload{inFlight: ratelimit.NewInFlight(0)})
	cache := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(cache)
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
		srv.Use(idempotent{store: opts.Idempotency, present: present})
	}
	srv.SetErrorPresenter(present)
	return &Handler{Handler: httpPolicy(withResponse(srv)), ws: wst}
}

// presentTokenLimit reports the parser giving up at the token limit (maxTokens)
// as the QUERY_LIMIT it is, like every other limit, and hands every other
// error to present. gqlparser gives that refusal no type or code of its
// own, but it is the one parse error without a location: a syntax error
// always points at its token. The parser stops at the limit, so there is
// no actual count to report.
func presentTokenLimit(present graphql.ErrorPresenterFunc, maxTokens int) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var perr *gqlerror.Error
		if errors.As(err, &perr) && perr.Extensions["code"] == errcode.ParseFailed && len(perr.Locations) == 0 {
			return &gqlerror.Error{
				Message:    fmt.Sprintf("query has more than %d tokens, the limit; send a shorter query (fewer fields or aliases)", maxTokens),
				Extensions: map[string]any{"code": CodeQueryLimit, "limit": "tokens", "max": maxTokens},
			}
		}
		return present(ctx, err)
	}
}

// revokedReason closes a websocket whose credential stopped working.
var revokedReason = ws.CloseError{Code: 4403, Reason: "Forbidden: the API key was revoked or the session ended"}

// watchCredential closes a websocket (revokedReason) once the credential
// it authenticated with is revoked, or at once if it no longer works.
func watchCredential(ctx context.Context, revoked func(ctx context.Context, merchantID, credentialID string) <-chan struct{},
	active func(ctx context.Context, v *tenant.Viewer) (bool, error)) <-chan ws.CloseError {
	v := tenant.FromContext(ctx)
	if v == nil || revoked == nil || v.Credential() == "" {
		return nil
	}
	gone := revoked(ctx, v.MerchantID, v.Credential())
	out := make(chan ws.CloseError, 1)
	if active != nil {
		if ok, err := active(ctx, v); err != nil || !ok {
			if err != nil {
				slog.ErrorContext(ctx, "ws: check credential", "err", err)
			}
			out <- revokedReason
			return out
		}
	}
	go func() {
		select {
		case <-gone:
			out <- revokedReason
		case <-ctx.Done():
		}
	}()
	return out
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
