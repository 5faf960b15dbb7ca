package auth

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/tally-invoicing/tally/internal/tenant"
)

// CookieName is the dashboard's session cookie.
const CookieName = "tally_session"

type requestKey struct{}

// request is what the middleware remembers about the HTTP exchange so that
// GraphQL resolvers can set or clear the session cookie.
type request struct {
	w      http.ResponseWriter
	token  string
	secure bool
}

// Middleware authenticates each request from "Authorization: Bearer <token>"
// or the session cookie and puts the viewer in the context. Requests without
// valid credentials continue without a viewer; operations that need one
// answer UNAUTHENTICATED.
func (s *Service) Middleware(secureCookies bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := bearer(r)
		if token == "" {
			if c, err := r.Cookie(CookieName); err == nil {
				token = c.Value
			}
		}
		ctx := context.WithValue(r.Context(), requestKey{}, &request{w: w, token: token, secure: secureCookies})
		if token != "" {
			v, err := s.Authenticate(ctx, token)
			switch {
			case err == nil:
				ctx = tenant.WithViewer(ctx, v)
			case err != ErrInvalidToken:
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
	http.SetCookie(r.w, &http.Cookie{
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
	http.SetCookie(r.w, &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true, Secure: r.secure, MaxAge: -1})
}
