package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/serverkey"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Device cookies, after OWASP's "Slow down online guessing attacks with
// device cookies": a browser that signed in to an account successfully
// gets a cookie naming the account and a random nonce, signed with a
// server key. A sign-in that presents a valid one for the account it
// signs in to is limited per (account, device), so strangers guessing the
// password cannot keep the owner's browser out; everyone else shares the
// account's budget (see beginSignIn).
//
// The cookie grants nothing else: not a session, not a skipped password.
// Forging one needs the server key, which never leaves the database.
const (
	// DeviceCookieName is the device cookie.
	DeviceCookieName = "tally_device"
	// DeviceCookieLifetime: a browser that has not signed in for this
	// long is a stranger again.
	DeviceCookieLifetime = 365 * 24 * time.Hour
	deviceKeyName        = "device-cookie"
	deviceVersion        = "d1"
)

// device is a verified device cookie.
type device struct {
	email, nonce string
}

// deviceKey returns the key device cookies are signed with, making it on
// first use. Every process shares it through the database.
func (s *Service) deviceKey(ctx context.Context) ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.devKey != nil {
		return s.devKey, nil
	}
	sys := tenant.System(ctx)
	k, err := s.client.ServerKey.Query().Where(serverkey.Name(deviceKeyName)).Only(sys)
	if ent.IsNotFound(err) {
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return nil, err
		}
		// Another process may make it at the same moment: the unique name
		// lets one win (the loser's insert fails), and both then read the
		// winner's.
		cerr := s.client.ServerKey.Create().SetName(deviceKeyName).SetSecret(secret).Exec(sys)
		k, err = s.client.ServerKey.Query().Where(serverkey.Name(deviceKeyName)).Only(sys)
		if err != nil && cerr != nil {
			err = cerr
		}
	}
	if err != nil {
		return nil, fmt.Errorf("load device cookie key: %w", err)
	}
	s.devKey = k.Secret
	return s.devKey, nil
}

func deviceMAC(key []byte, email, nonce string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(deviceVersion + "\x00" + email + "\x00" + nonce))
	return m.Sum(nil)
}

// requestDevice returns the device cookie of the request behind ctx if it
// is genuine and names email. It needs the key only when such a cookie is
// present, so a request without one costs nothing.
func (s *Service) requestDevice(ctx context.Context, email string) (device, bool) {
	r, ok := ctx.Value(requestKey{}).(*request)
	if !ok || r.device == "" {
		return device{}, false
	}
	parts := strings.Split(r.device, ".")
	if len(parts) != 4 || parts[0] != deviceVersion {
		return device{}, false
	}
	named, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || string(named) != email {
		return device{}, false
	}
	mac, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil {
		return device{}, false
	}
	key, err := s.deviceKey(ctx)
	if err != nil {
		return device{}, false // treated as a stranger; the sign-in goes on
	}
	if !hmac.Equal(mac, deviceMAC(key, email, parts[2])) {
		return device{}, false
	}
	return device{email: email, nonce: parts[2]}, true
}

// trustDevice gives the browser behind ctx a device cookie for email,
// keeping the nonce of the one it already had for that account so its
// budget stays its own. Outside an HTTP request it does nothing.
func (s *Service) trustDevice(ctx context.Context, email string) {
	r, ok := ctx.Value(requestKey{}).(*request)
	if !ok {
		return
	}
	key, err := s.deviceKey(ctx)
	if err != nil {
		return // the sign-in worked; the next one is merely not trusted
	}
	nonce := ""
	if d, ok := s.requestDevice(ctx, email); ok {
		nonce = d.nonce
	} else {
		nonce = rand.Text()
	}
	value := strings.Join([]string{deviceVersion, base64.RawURLEncoding.EncodeToString([]byte(email)), nonce,
		base64.RawURLEncoding.EncodeToString(deviceMAC(key, email, nonce))}, ".")
	// Secure follows the server's mode: a development server on plain
	// http could not set a Secure cookie at all.
	http.SetCookie(r.w, &http.Cookie{ //nolint:gosec // G124: Secure is r.secure, true in production
		Name:  DeviceCookieName,
		Value: value,
		// Only sign-in reads it.
		Path:     "/query",
		HttpOnly: true,
		Secure:   r.secure,
		SameSite: http.SameSiteStrictMode,
		MaxAge:   int(DeviceCookieLifetime / time.Second),
	})
}
