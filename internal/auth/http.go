package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tally-invoicing/tally/internal/ratelimit"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// CookieName is the dashboard's session cookie.
const CookieName = "tally_session"

type requestKey struct{}

// request is what the middleware remembers about the HTTP exchange so that
// GraphQL resolvers can set or clear the session cookie, know the client's
// address, and turn the response into a 429.
type request struct {
	w      http.ResponseWriter
	token  string
	secure bool
	ip     string
	// device is the raw device cookie (see device.go), if any.
	device string

	mu         sync.Mutex
	retryAfter time.Duration // > 0: answer 429 with Retry-After
}

// Middleware authenticates each request from "Authorization: Bearer <token>"
// or the session cookie and puts the viewer in the context. Requests without
// valid credentials continue without a viewer; operations that need one
// answer UNAUTHENTICATED. It also records the client's address (ClientIP)
// for the sign-in and sign-up limits.
func (s *Service) Middleware(secureCookies bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := bearer(r)
		if token == "" {
			if c, err := r.Cookie(CookieName); err == nil {
				token = c.Value
			}
		}
		req := &request{w: w, token: token, secure: secureCookies, ip: ratelimit.ClientIP(r, s.trustedProxies)}
		if c, err := r.Cookie(DeviceCookieName); err == nil {
			req.device = c.Value
		}
		w = &limitedWriter{ResponseWriter: w, req: req}
		ctx := context.WithValue(r.Context(), requestKey{}, req)
		if token != "" {
			v, err := s.Authenticate(ctx, token)
			switch {
			case err == nil:
				ctx = tenant.WithViewer(ctx, v)
			case !errors.Is(err, ErrInvalidToken) && !errors.Is(err, context.Canceled):
				slog.ErrorContext(ctx, "authenticate", "err", err)
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// RequestToken returns the token the current request authenticated with.
func RequestToken(ctx context.Context) string {
	if r, ok := ctx.Value(requestKey{}).(*request); ok {
		return r.token
	}
	return ""
}

// SetSessionCookie gives the browser behind ctx the session token as an
// HttpOnly cookie. Outside an HTTP request it does nothing.
func SetSessionCookie(ctx context.Context, token string) {
	r, ok := ctx.Value(requestKey{}).(*request)
	if !ok {
		return
	}
	// Secure follows the server's mode: a development server on plain http
	// could not set a Secure cookie at all.
	http.SetCookie(r.w, &http.Cookie{ //nolint:gosec // G124: Secure is r.secure, true in production
		Name:     CookieName,
		Value:    token,
		Path:     "/",
		HttpOnly: true,
		Secure:   r.secure,
		SameSite: http.SameSiteLaxMode,
		Expires:  time.Now().Add(SessionLifetime),
	})
}

// ClearSessionCookie removes the session cookie.
func ClearSessionCookie(ctx context.Context) {
	r, ok := ctx.Value(requestKey{}).(*request)
	if !ok {
		return
	}
	http.SetCookie(r.w, &http.Cookie{ //nolint:gosec // G124: Secure is r.secure, true in production
		Name: CookieName, Value: "", Path: "/", HttpOnly: true, Secure: r.secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// ClientIP returns the address of the client behind ctx (see
// ratelimit.ClientIP), or "" outside an HTTP request.
func ClientIP(ctx context.Context) string {
	if r, ok := ctx.Value(requestKey{}).(*request); ok {
		return r.ip
	}
	return ""
}

// RetryAfter makes the response to the request behind ctx a 429 Too Many
// Requests with a Retry-After header of at least d, unless the response
// has started already. The GraphQL error presenter calls it for
// RATE_LIMITED errors. Outside an HTTP request it does nothing.
func RetryAfter(ctx context.Context, d time.Duration) {
	r, ok := ctx.Value(requestKey{}).(*request)
	if !ok {
		return
	}
	r.mu.Lock()
	r.retryAfter = max(r.retryAfter, d)
	r.mu.Unlock()
}

// limitedWriter turns a 200 into a 429 with Retry-After once RetryAfter was
// called. The header is written here, on the handler's goroutine, rather
// than by RetryAfter, because resolvers run concurrently and a header map
// is not safe for that.
type limitedWriter struct {
	http.ResponseWriter
	req   *request
	wrote bool
}

// Unwrap lets http.ResponseController reach the connection (to flush, or to
// hijack it for a websocket).
func (w *limitedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *limitedWriter) WriteHeader(code int) {
	if !w.wrote && code >= 200 {
		w.wrote = true
		w.req.mu.Lock()
		d := w.req.retryAfter
		w.req.mu.Unlock()
		if d > 0 && code == http.StatusOK {
			w.Header().Set("Retry-After", strconv.Itoa(ratelimit.Seconds(d)))
			code = http.StatusTooManyRequests
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *limitedWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what was written so far (event streams).
func (w *limitedWriter) Flush() {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// LimitRequests refuses requests over perCredential's limit for the API key
// or session they authenticated with, or, without one, over perIP's for
// their address, answering with reject (graph.WriteRateLimited for /query).
// It goes inside Middleware, which finds the viewer and the address, and
// costs a map lookup: nothing of the request is parsed yet.
func LimitRequests(perCredential, perIP *ratelimit.Limiter, reject func(http.ResponseWriter, *ratelimit.Error), next http.Handler) http.Handler {
	if perCredential == nil && perIP == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		l, key := perIP, ratelimit.IPKey(ClientIP(ctx))
		if v := tenant.FromContext(ctx); v != nil {
			l, key = perCredential, v.Credential()
		}
		if key != "" {
			if ok, wait := l.Allow(key); !ok {
				reject(w, l.Err(wait))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
