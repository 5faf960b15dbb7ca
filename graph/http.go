package graph

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"

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
			refuse(w, http.StatusRequestEntityTooLarge, CodeQueryLimit, fmt.Sprintf("request body is %d bytes, over the limit of %d", r.ContentLength, limit),
				map[string]any{"limit": "body size", "max": limit, "actual": r.ContentLength})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

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
