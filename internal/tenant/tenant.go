// Package tenant carries the acting merchant through a request's context.
// The ent schema reads it to filter every row by merchant, so it must not
// depend on ent itself.
package tenant

import (
	"context"
	"errors"
)

// ErrNoViewer is returned when merchant-owned data is touched without a
// viewer in the context: a wiring bug, never a user error.
var ErrNoViewer = errors.New("tenant: no viewer in context")

// ErrForeignMerchant is returned when a write names another merchant.
var ErrForeignMerchant = errors.New("tenant: row belongs to another merchant")

// Viewer is who is acting: a signed-in user or an API key, always on behalf
// of exactly one merchant.
type Viewer struct {
	MerchantID string
	UserID     string
	// APIKeyID is set when the request authenticated with an API key.
	APIKeyID string
	// SessionID is set when the request authenticated with a session token.
	SessionID string
	// Scopes limit what an API key may do (ScopeRead, ScopeWrite); a
	// signed-in user may do everything.
	Scopes []string
	// Actor names the viewer in audit trails (an email or "API key <name>").
	Actor string
}

// API key scopes.
const (
	// ScopeRead allows queries and subscriptions.
	ScopeRead = "read"
	// ScopeWrite allows mutations.
	ScopeWrite = "write"
)

// AllScopes is what a signed-in user may do, and what a key gets by default.
var AllScopes = []string{ScopeRead, ScopeWrite}

// Allows reports whether the viewer may act within scope.
func (v *Viewer) Allows(scope string) bool {
	if v == nil {
		return false
	}
	if v.APIKeyID == "" {
		return true
	}
	for _, s := range v.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// Credential identifies what authenticated the viewer (an API key or a
// session), so that revoking it can end the viewer's open connections.
func (v *Viewer) Credential() string {
	if v.APIKeyID != "" {
		return v.APIKeyID
	}
	return v.SessionID
}

// CredentialOf returns the credential of ctx's viewer (see Credential),
// or "" without one: the key per-credential limits count under.
func CredentialOf(ctx context.Context) string {
	if v := FromContext(ctx); v != nil {
		return v.Credential()
	}
	return ""
}

type viewerKey struct{}
type systemKey struct{}

// WithViewer returns a context acting as v.
func WithViewer(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// FromContext returns the viewer, or nil.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(viewerKey{}).(*Viewer)
	return v
}

// System returns a context that bypasses merchant filtering. It is for the
// few paths that must look across merchants before a viewer exists: sign-up,
// sign-in, resolving a session token or API key, numbering sequences.
func System(ctx context.Context) context.Context {
	return context.WithValue(ctx, systemKey{}, true)
}

// IsSystem reports whether ctx bypasses merchant filtering.
func IsSystem(ctx context.Context) bool {
	b, _ := ctx.Value(systemKey{}).(bool)
	return b
}
