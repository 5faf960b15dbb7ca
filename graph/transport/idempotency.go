package transport

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tally-invoicing/tally/internal/idempotency"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// IdempotencyHeader is the request header a client sends with a mutation it
// may retry; ReplayedHeader marks a response that was replayed.
const (
	IdempotencyHeader = "Idempotency-Key"
	ReplayedHeader    = "Idempotent-Replayed"
)

// idempotent is the gqlgen extension that replays a mutation's first
// response to retries with the same Idempotency-Key.
type idempotent struct {
	store   *idempotency.Store
	present graphql.ErrorPresenterFunc
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = idempotent{}

func (idempotent) ExtensionName() string                   { return "Idempotency" }
func (idempotent) Validate(graphql.ExecutableSchema) error { return nil }

func (e idempotent) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return next(ctx) // queries are safe to repeat; the header means nothing there
	}
	key, sent := idempotencyKey(oc.Headers)
	if !sent {
		return next(ctx)
	}
	if err := idempotency.CheckKey(key); err != nil {
		return e.errorResponse(ctx, err)
	}
	if tenant.FromContext(ctx) == nil {
		// signUp and signIn have no merchant to keep the key under; they
		// are safe to retry anyway (a second signUp is a CONFLICT).
		return next(ctx)
	}
	claim, stored, err := e.store.Begin(ctx, key, requestHash(oc), oc.OperationName)
	if err != nil {
		if errors.Is(err, idempotency.ErrInProgress) {
			setResponseHeader(ctx, "Retry-After", "1")
		}
		return e.errorResponse(ctx, err)
	}
	if stored != nil {
		var resp graphql.Response
		if err := json.Unmarshal(stored, &resp); err != nil {
			return e.errorResponse(ctx, fmt.Errorf("replay idempotent response: %w", err))
		}
		setResponseHeader(ctx, ReplayedHeader, "true")
		return graphql.OneShot(&resp)
	}
	// Once started, the mutation runs to the end even if the client hangs
	// up: its retry must find the response, not a half-done effect.
	responses := next(context.WithoutCancel(ctx))
	var once sync.Once
	return func(ctx context.Context) *graphql.Response {
		resp := responses(context.WithoutCancel(ctx))
		once.Do(func() {
			b, err := json.Marshal(resp)
			if err == nil {
				err = claim.Finish(b)
			}
			if err != nil {
				// The claim's lease lapses; a retry is told the first
				// attempt was interrupted rather than running it twice.
				slog.ErrorContext(ctx, "store idempotent response", "err", err)
			}
		})
		return resp
	}
}

// requestHash identifies "the same request": the same document, operation
// and variables (json.Marshal sorts map keys, so variable order is moot).
func requestHash(oc *graphql.OperationContext) []byte {
	h := sha256.New()
	h.Write([]byte(oc.RawQuery))
	h.Write([]byte{0})
	h.Write([]byte(oc.OperationName))
	h.Write([]byte{0})
	vars, _ := json.Marshal(oc.Variables)
	h.Write(vars)
	return h.Sum(nil)
}

// idempotencyKey returns the request's Idempotency-Key header and whether
// it was sent at all: an empty one is sent, and refused.
func idempotencyKey(h http.Header) (string, bool) {
	vals, ok := h[http.CanonicalHeaderKey(IdempotencyHeader)]
	if !ok {
		return "", false
	}
	if len(vals) == 0 {
		return "", true
	}
	return vals[0], true
}

// errorResponse answers an operation with one presented error.
func (e idempotent) errorResponse(ctx context.Context, err error) graphql.ResponseHandler {
	gerr := e.present(ctx, err)
	if errors.Is(err, idempotency.ErrInProgress) {
		gerr.Extensions["retryable"] = true
	}
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{gerr}})
}
