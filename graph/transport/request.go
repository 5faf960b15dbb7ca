package transport

import (
	"context"
	"net/http"
)

// responseKey carries the HTTP response behind an operation; see the
// package comment's "Request state".
type responseKey struct{}

// withResponse puts the response writer in the request's context, so that
// an extension can set response headers (Retry-After, Idempotent-Replayed)
// before the transport writes the answer.
func withResponse(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), responseKey{}, w)))
	})
}

// setResponseHeader sets a header of the HTTP response behind ctx. It must
// be called on the handler's goroutine (an operation interceptor, not a
// resolver) before the answer is written; outside an HTTP request it does
// nothing.
func setResponseHeader(ctx context.Context, name, value string) {
	if w, ok := ctx.Value(responseKey{}).(http.ResponseWriter); ok {
		w.Header().Set(name, value)
	}
}
