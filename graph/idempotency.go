package graph

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
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

type idempotencyRequestKey struct{}

// idempotencyRequest carries the header and the response writer (for the
// replay header) from HTTP to the operation interceptor.
type idempotencyRequest struct {
	key string
	w   http.ResponseWriter
}

// withIdempotencyKey puts a request's Idempotency-Key header in its context.
func withIdempotencyKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if vals, ok := r.Header[http.CanonicalHeaderKey(IdempotencyHeader)]; ok {
			key := ""
			if len(vals) > 0 {
				key = vals[0]
			}
			r = r.WithContext(context.WithValue(r.Context(), idempotencyRequestKey{}, &idempotencyRequest{key: key, w: w}))
		}
		next.ServeHTTP(w, r)
	})
}

// idempotent is the gqlgen extension that replays a mutation's first
// response to retries with the same Idempotency-Key.
type idempotent struct{ store *idempotency.Store }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = idempotent{}

func (idempotent) ExtensionName() string                   { return "Idempotency" }
func (idempotent) Validate(graphql.ExecutableSchema) error { return nil }

func (e idempotent) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	req, _ := ctx.Value(idempotencyRequestKey{}).(*idempotencyRequest)
	oc := graphql.GetOperationContext(ctx)
	if req == nil || oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return next(ctx) // queries are safe to repeat; the header means nothing there
	}
	if err := idempotency.CheckKey(req.key); err != nil {
		return errorResponse(ctx, err)
	}
	if tenant.FromContext(ctx) == nil {
		// signUp and signIn have no merchant to keep the key under; they
		// are safe to retry anyway (a second signUp is a CONFLICT).
		return next(ctx)
	}
	claim, stored, err := e.store.Begin(ctx, req.key, requestHash(oc), oc.OperationName)
	if err != nil {
		if errors.Is(err, idempotency.ErrInProgress) {
			req.w.Header().Set("Retry-After", "1")
		}
		return errorResponse(ctx, err)
	}
	if stored != nil {
		var resp graphql.Response
		if err := json.Unmarshal(stored, &resp); err != nil {
			return errorResponse(ctx, err)
		}
		req.w.Header().Set(ReplayedHeader, "true")
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

// errorResponse answers an operation with one presented error.
func errorResponse(ctx context.Context, err error) graphql.ResponseHandler {
	gerr := PresentError(ctx, err)
	if errors.Is(err, idempotency.ErrInProgress) {
		gerr.Extensions["retryable"] = true
	}
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{gerr}})
}
