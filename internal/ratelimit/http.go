package ratelimit

import (
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/tally-invoicing/tally/internal/fault"
)

// Error is a refusal: a fault.Error with code RATE_LIMITED (errors.As and
// fault.As find it) that also says when to retry.
type Error struct {
	// Limit is the rule's name, e.g. "sign-in per account".
	Limit      string
	RetryAfter time.Duration
	fault      *fault.Error
}

// Err returns the error refusing a request to l for retryAfter.
func (l *Limiter) Err(retryAfter time.Duration) *Error {
	msg := l.rule.Message
	if msg == "" {
		msg = "too many requests"
	}
	msg = fmt.Sprintf("%s; try again in %d s", msg, Seconds(retryAfter))
	return &Error{Limit: l.rule.Name, RetryAfter: retryAfter, fault: fault.New(fault.CodeRateLimited, msg)}
}

// NewError refuses work for a reason other than a Limiter, such as a
// server with no room for one more of it now: message says why, and the
// retry hint is added to it.
func NewError(limit, message string, retryAfter time.Duration) *Error {
	msg := fmt.Sprintf("%s; try again in %d s", message, Seconds(retryAfter))
	return &Error{Limit: limit, RetryAfter: retryAfter, fault: fault.New(fault.CodeRateLimited, msg)}
}

func (e *Error) Error() string { return e.fault.Message }

// Unwrap makes the error a fault.Error with code RATE_LIMITED.
func (e *Error) Unwrap() error { return e.fault }

// Seconds is d as Retry-After gives it: whole seconds, rounded up, at least 1.
func Seconds(d time.Duration) int {
	s := int(math.Ceil(d.Seconds()))
	return max(s, 1)
}

// WriteText answers 429 Too Many Requests with Retry-After and a one-line
// plain-text body naming the limit.
func WriteText(w http.ResponseWriter, e *Error) {
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(Seconds(e.RetryAfter)))
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = fmt.Fprintf(w, "%s (limit: %s)\n", e.Error(), e.Limit) // failing, the client has gone: nothing left to tell it
}

// Middleware refuses requests over l's limit for key(r), answering with
// reject (WriteText or WriteGraphQL). Requests whose key is "" are not
// limited. With a nil l it returns next itself.
func Middleware(l *Limiter, key func(*http.Request) string, reject func(http.ResponseWriter, *Error), next http.Handler) http.Handler {
	if l == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if k := key(r); k != "" {
			if ok, wait := l.Allow(k); !ok {
				reject(w, l.Err(wait))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// PerIP is Middleware keyed by the client's address (ClientIP, then IPKey).
func PerIP(l *Limiter, trusted []netip.Prefix, reject func(http.ResponseWriter, *Error), next http.Handler) http.Handler {
	return Middleware(l, func(r *http.Request) string { return IPKey(ClientIP(r, trusted)) }, reject, next)
}
