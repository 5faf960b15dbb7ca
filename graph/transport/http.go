package transport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/ratelimit"
)

// MaxBodySize bounds a JSON GraphQL request. The largest real operation (a
// wizard step with a hundred line items) is a few kilobytes.
const MaxBodySize = 1 << 20

// PreflightHeader must accompany a multipart request (a statement upload).
// Browsers send multipart forms across sites without asking, with cookies;
// a custom header forces a CORS preflight, which other sites cannot pass.
// Apollo's CSRF prevention works the same way.
const PreflightHeader = "GraphQL-Require-Preflight"

// httpPolicy refuses, before any GraphQL work, requests that could be
// cross-site forgeries or that are too large: POST must be application/json,
// or multipart with PreflightHeader; JSON bodies are capped at MaxBodySize
// and uploads at MaxUploadSize. GET carries queries only (gqlgen's GET
// transport refuses mutations).
func httpPolicy(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		limit := int64(MaxBodySize)
		switch mediaType {
		case "application/json":
		case "multipart/form-data":
			if r.Header.Get(PreflightHeader) == "" {
				refuse(w, http.StatusBadRequest, "VALIDATION", fmt.Sprintf("multipart requests must carry the %s header (protection against cross-site request forgery)", PreflightHeader), nil)
				return
			}
			limit = MaxUploadSize
		default:
			refuse(w, http.StatusUnsupportedMediaType, "VALIDATION", "send GraphQL requests as POST with Content-Type: application/json (uploads: multipart/form-data)", nil)
			return
		}
		if r.ContentLength > limit {
			refuseBodySize(w, limit, r.ContentLength)
			return
		}
		// A body without a Content-Length (chunked) is cut off at the
		// limit while it is read, whoever reads it; the answer is then the
		// same 413, whatever the reader would have said.
		lw := &bodyLimitWriter{ResponseWriter: w, limit: limit}
		r.Body = &cappedBody{ReadCloser: http.MaxBytesReader(w, r.Body, limit), hit: &lw.hit}
		next.ServeHTTP(lw, r)
	})
}

// refuseBodySize answers 413 QUERY_LIMIT for a body over limit; actual is
// its size when known (a Content-Length), else 0 and not reported.
func refuseBodySize(w http.ResponseWriter, limit, actual int64) {
	ext := map[string]any{"limit": "body size", "max": limit}
	msg := fmt.Sprintf("request body is over the limit of %d bytes", limit)
	if actual > 0 {
		ext["actual"] = actual
		msg = fmt.Sprintf("request body is %d bytes, over the limit of %d", actual, limit)
	}
	refuse(w, http.StatusRequestEntityTooLarge, CodeQueryLimit, msg, ext)
}

// cappedBody notes when reading failed at the size limit
// (*http.MaxBytesError), so that bodyLimitWriter can answer for it.
type cappedBody struct {
	io.ReadCloser
	hit *atomic.Bool
}

func (b *cappedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		b.hit.Store(true)
	}
	return n, err
}

// bodyLimitWriter replaces the answer to a request whose body was cut off
// at the limit by 413 QUERY_LIMIT (limit "body size"), so that every
// transport, gqlgen's multipart one included, answers it alike.
type bodyLimitWriter struct {
	http.ResponseWriter
	limit   int64
	hit     atomic.Bool
	started bool
	refused bool
}

func (w *bodyLimitWriter) start() {
	if w.started {
		return
	}
	w.started = true
	if w.hit.Load() {
		w.refused = true
		refuseBodySize(w.ResponseWriter, w.limit, 0)
	}
}

func (w *bodyLimitWriter) WriteHeader(code int) {
	if w.start(); !w.refused {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *bodyLimitWriter) Write(p []byte) (int, error) {
	if w.start(); w.refused {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

func (w *bodyLimitWriter) Header() http.Header {
	if w.hit.Load() && !w.started {
		// Headers set for the answer being replaced are not sent.
		return http.Header{}
	}
	return w.ResponseWriter.Header()
}

// Unwrap lets http.ResponseController reach the connection.
func (w *bodyLimitWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// WriteRateLimited answers a request a rate limit refused before any
// GraphQL work: 429, Retry-After, and a GraphQL error like every other,
// {"errors":[{"message":"…; try again in 4 s","extensions":{"code":"RATE_LIMITED","retryAfter":4}}]}.
func WriteRateLimited(w http.ResponseWriter, e *ratelimit.Error) {
	secs := ratelimit.Seconds(e.RetryAfter)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	refuse(w, http.StatusTooManyRequests, string(fault.CodeRateLimited), e.Error(), map[string]any{"retryAfter": secs})
}

// refuse answers with one GraphQL error and no data.
func refuse(w http.ResponseWriter, status int, code, message string, ext map[string]any) {
	if ext == nil {
		ext = map[string]any{}
	}
	ext["code"] = code
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"message": message, "extensions": ext}}})
}
