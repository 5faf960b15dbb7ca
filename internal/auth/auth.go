package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"entgo.io/ent/dialect/sql"
	"golang.org/x/crypto/bcrypt"

	"github.com/tally-invoicing/tally/ent"

	"github.com/tally-invoicing/tally/ent/apikey"
	"github.com/tally-invoicing/tally/ent/merchant"
	"github.com/tally-invoicing/tally/ent/session"
	"github.com/tally-invoicing/tally/ent/user"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/ratelimit"
	"github.com/tally-invoicing/tally/internal/reference"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/validate"
)

// Token prefixes tell session tokens and API keys apart at a glance, in logs
// and in secret scanners.
const (
	sessionPrefix = "tally_ses_"
	apiKeyPrefix  = "tally_key_"
)

// SignInRequired tells a caller without credentials how to authenticate;
// every answer to a request that needs a viewer and has none says it.
const SignInRequired = `sign in, or send an API key as "Authorization: Bearer <key>"`

// SignInRequiredSentence is SignInRequired as a sentence, for plain-text
// HTTP answers.
func SignInRequiredSentence() string {
	return strings.ToUpper(SignInRequired[:1]) + SignInRequired[1:] + "."
}

// MinPasswordLength follows NIST SP 800-63B's advice: length over rules.
const MinPasswordLength = 10

// SessionLifetime is how long a sign-in lasts.
const SessionLifetime = 30 * 24 * time.Hour

var (
	// ErrBadCredentials is returned for a wrong email or password, without
	// saying which, so accounts cannot be discovered by trying addresses.
	ErrBadCredentials = fault.New(fault.CodeUnauthenticated, "email or password is incorrect")
	// ErrInvalidToken is returned for an unknown, expired or revoked token.
	ErrInvalidToken = fault.New(fault.CodeUnauthenticated, "the session or API key is invalid, expired or revoked; sign in again or use an active API key")
	// ErrSignInRequired is returned when an operation needs a viewer and has none.
	ErrSignInRequired = fault.New(fault.CodeUnauthenticated, SignInRequired)
)

// Service implements accounts, sessions and API keys.
type Service struct {
	client *ent.Client
	// BcryptCost is the password hashing cost; tests lower it.
	BcryptCost int
	// onRevoke is called after an API key is revoked or a session ends.
	onRevoke func(ctx context.Context, merchantID, credentialID string)
	// limits slow password guessing and account spam.
	limits Limits
	// trustedProxies are the reverse proxies whose X-Forwarded-For
	// Middleware believes when it finds the client's address.
	trustedProxies []netip.Prefix
	now            func() time.Time
	// hashing holds a token per bcrypt operation running (withHashSlot).
	hashing chan struct{}
	// cache remembers recent Authenticate lookups.
	cache *tokenCache
	// mailer queues password reset emails.
	mailer ResetMailer

	keyMu  sync.Mutex
	devKey []byte // device cookie key, loaded on first use
	// background is the reset requests still being worked on.
	background sync.WaitGroup
}

// Options are what a Service works with besides the database.
type Options struct {
	// Mailer queues password reset emails (required; NoResetMail accepts
	// reset requests and sends nothing, for tools and benchmarks).
	Mailer ResetMailer
	// OnRevoke is called after an API key is revoked or a session ends,
	// with the id of that key or session, so every process closes what
	// the credential opened (required).
	OnRevoke func(ctx context.Context, merchantID, credentialID string)
	// Limits slow password guessing and account spam; a nil limiter in
	// it allows everything (rate limits off).
	Limits Limits
	// TrustedProxies are the reverse proxies whose X-Forwarded-For
	// Middleware believes; none means the peer address is the client's.
	TrustedProxies []netip.Prefix
}

// Limits are the rate limits on signing in and up and on password resets
// (the numbers are in ratelimit.Defaults). The per-IP ones apply only to
// calls made within an HTTP request that went through Middleware, which
// knows the address. How the sign-in ones combine is beginSignIn's doc.
type Limits struct {
	// SignInPerIP counts every sign-in attempt from an address, right or
	// wrong, except from a trusted device.
	SignInPerIP *ratelimit.Limiter
	// SignInPerAccount counts failed sign-ins for an email from clients
	// without the account's device cookie. It is checked before the
	// password is, but only failures are charged: whoever knows the
	// password is never slowed down by their own sign-ins.
	SignInPerAccount *ratelimit.Limiter
	// SignInPerDevice counts failed sign-ins per (email, device cookie).
	SignInPerDevice *ratelimit.Limiter
	// SignInFromNewIP counts failed sign-ins for an email from addresses
	// that had not failed for it, once SignInPerAccount is spent.
	SignInFromNewIP *ratelimit.Limiter
	// SignInFailedIP remembers per (email, address) that the address
	// failed: burst 1, so "has a token" means "has not failed lately".
	SignInFailedIP *ratelimit.Limiter
	// SignUpPerIP counts every sign-up attempt from an address.
	SignUpPerIP *ratelimit.Limiter
	// PasswordResetPerKey and PasswordResetPerIP count reset requests per
	// email given (known or not) and per address.
	PasswordResetPerKey *ratelimit.Limiter
	PasswordResetPerIP  *ratelimit.Limiter
}

// NewService returns a Service storing accounts through client. It panics
// when o lacks a required field, so a wiring mistake stops the server at
// start-up instead of silently dropping reset emails or revocations.
func NewService(client *ent.Client, o Options) *Service {
	if o.Mailer == nil || o.OnRevoke == nil {
		panic("auth.NewService: Options.Mailer and OnRevoke are required")
	}
	return &Service{client: client, BcryptCost: bcrypt.DefaultCost, now: time.Now,
		mailer: o.Mailer, onRevoke: o.OnRevoke, limits: o.Limits, trustedProxies: o.TrustedProxies,
		hashing: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2)), cache: newTokenCache()}
}

// withHashSlot runs fn, a bcrypt operation, once fewer than half the CPUs are busy
// with others. A password check is slow pure CPU by design (bcrypt): a
// burst of sign-ins (the rate limits still allow some from every address)
// must queue behind each other, not starve every other request.
func (s *Service) withHashSlot(ctx context.Context, fn func()) error {
	if s.hashing == nil {
		fn()
		return nil
	}
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.hashing }()
	fn()
	return nil
}

// SignUpInput is what a new merchant gives.
type SignUpInput struct {
	MerchantName    string
	Email           string
	Password        string
	DefaultCurrency string
}

// Session is a freshly issued sign-in.
type Session struct {
	Token  string
	Viewer *tenant.Viewer
}

// SignUp creates a merchant and its first user and signs the user in.
func (s *Service) SignUp(ctx context.Context, in SignUpInput) (*Session, error) {
	if ip := ClientIP(ctx); ip != "" {
		if ok, wait := s.limits.SignUpPerIP.Allow(ratelimit.IPKey(ip)); !ok {
			return nil, s.limits.SignUpPerIP.Err(wait)
		}
	}
	name := strings.TrimSpace(in.MerchantName)
	if name == "" {
		return nil, fault.Invalid("merchantName", "enter your business name")
	}
	if utf8.RuneCountInString(name) > 200 {
		return nil, fault.Invalid("merchantName", "business name must be at most 200 characters")
	}
	email, err := validate.Email(in.Email)
	if err != nil {
		return nil, fault.WithField(err, "email")
	}
	if err := checkPassword(in.Password); err != nil {
		return nil, err
	}
	currency := "USD"
	if in.DefaultCurrency != "" {
		c, ok := money.Lookup(in.DefaultCurrency)
		if !ok {
			return nil, fault.Invalidf("defaultCurrency", "%q is not a supported currency code", in.DefaultCurrency)
		}
		currency = c.Code
	}
	var hash []byte
	if herr := s.withHashSlot(ctx, func() { hash, err = bcrypt.GenerateFromPassword([]byte(in.Password), s.BcryptCost) }); herr != nil {
		return nil, herr
	}
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}

	sys := tenant.System(ctx)
	var out *Session
	// The merchant's reference code is random; on the rare collision, try again.
	for attempt := 0; ; attempt++ {
		err = database.InTx(sys, s.client, func(sys context.Context, tx *ent.Client) error {
			if taken, err := tx.User.Query().Where(user.Email(email)).Exist(sys); err != nil {
				return err
			} else if taken {
				return fault.Invalid("email", "an account with this email already exists; sign in instead")
			}
			code := reference.NewMerchantCode()
			if taken, err := tx.Merchant.Query().Where(merchant.ReferenceCode(code)).Exist(sys); err != nil {
				return err
			} else if taken {
				return errCodeTaken
			}
			m, err := tx.Merchant.Create().SetName(name).SetDefaultCurrency(currency).SetReferenceCode(code).Save(sys)
			if err != nil {
				return err
			}
			u, err := tx.User.Create().SetMerchantID(m.ID).SetEmail(email).SetPasswordHash(string(hash)).Save(sys)
			if err != nil {
				if ent.IsConstraintError(err) {
					return fault.Invalid("email", "an account with this email already exists; sign in instead")
				}
				return err
			}
			out, err = s.newSession(sys, tx, u)
			return err
		})
		if errors.Is(err, errCodeTaken) && attempt < 5 {
			continue
		}
		if err == nil {
			s.trustDevice(ctx, email)
		}
		return out, err
	}
}

var errCodeTaken = errors.New("merchant reference code taken")

// checkPassword is the rule every new password follows (sign-up, reset).
func checkPassword(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return fault.Invalidf("password", "password must be at least %d characters", MinPasswordLength)
	}
	if len(password) > 72 {
		// bcrypt only reads 72 bytes; refusing is honest, truncating is not.
		return fault.Invalid("password", "password must be at most 72 bytes")
	}
	return nil
}

// dummyHash is compared against when no user exists, so that a sign-in for
// an unknown email takes as long as one with a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a real password"), bcrypt.DefaultCost)

// SignIn checks an email and password and starts a session; a browser also
// gets a device cookie for the account. While a rate limit refuses it, it
// returns a *ratelimit.Error (code RATE_LIMITED) without looking at the
// password.
func (s *Service) SignIn(ctx context.Context, email, password string) (*Session, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	end, err := s.beginSignIn(ctx, email)
	if err != nil {
		return nil, err
	}
	ses, err := s.signIn(ctx, email, password)
	end(errors.Is(err, ErrBadCredentials))
	if err == nil {
		s.trustDevice(ctx, email)
	}
	return ses, err
}

func (s *Service) signIn(ctx context.Context, email, password string) (*Session, error) {
	sys := tenant.System(ctx)
	u, err := s.client.User.Query().Where(user.Email(email)).Only(sys)
	if ent.IsNotFound(err) {
		if err := s.withHashSlot(ctx, func() { _ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password)) }); err != nil {
			return nil, err
		}
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	var mismatch error
	if err := s.withHashSlot(ctx, func() { mismatch = bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) }); err != nil {
		return nil, err
	}
	if mismatch != nil {
		return nil, ErrBadCredentials
	}
	return s.newSession(sys, s.client, u)
}

func (s *Service) newSession(ctx context.Context, client *ent.Client, u *ent.User) (*Session, error) {
	token, hash := newSecret(sessionPrefix)
	ses, err := client.Session.Create().
		SetMerchantID(u.MerchantID).
		SetUserID(u.ID).
		SetTokenHash(hash).
		SetExpiresAt(s.now().Add(SessionLifetime).UTC()).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	return &Session{Token: token, Viewer: &tenant.Viewer{MerchantID: u.MerchantID, UserID: u.ID, SessionID: ses.ID, Scopes: tenant.AllScopes, Actor: u.Email}}, nil
}

// SignOut ends the session whose token is given. It reports whether one was ended.
func (s *Service) SignOut(ctx context.Context, token string) (bool, error) {
	if !strings.HasPrefix(token, sessionPrefix) {
		return false, nil
	}
	sys := tenant.System(ctx)
	ses, err := s.client.Session.Query().Where(session.TokenHash(hashToken(token))).Only(sys)
	if ent.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := s.client.Session.DeleteOne(ses).Exec(sys); err != nil {
		if ent.IsNotFound(err) {
			return false, nil
		}
		return false, err
	}
	s.revoked(ctx, ses.MerchantID, ses.ID)
	return true, nil
}

// revoked tells onRevoke that a credential stopped working, so that
// connections it opened (websockets) can be closed.
func (s *Service) revoked(ctx context.Context, merchantID, credentialID string) {
	s.cache.forget(credentialID)
	s.onRevoke(ctx, merchantID, credentialID)
}

// Authenticate resolves a session token or API key to the viewer it acts as.
// A token looked up in the last CacheTTL is answered from memory (see
// cache.go for why a revocation still takes effect at once).
func (s *Service) Authenticate(ctx context.Context, token string) (*tenant.Viewer, error) {
	if !strings.HasPrefix(token, sessionPrefix) && !strings.HasPrefix(token, apiKeyPrefix) {
		return nil, ErrInvalidToken
	}
	hash := sha256.Sum256([]byte(token))
	now := s.now()
	if e, ok := s.cache.get(hash, now); ok {
		if e.viewer.APIKeyID != "" && now.Sub(e.lastUsed) > time.Minute {
			if err := s.recordUse(ctx, e.viewer.APIKeyID, now); err != nil {
				return nil, err
			}
			s.cache.touched(hash, now)
		}
		v := e.viewer
		return &v, nil
	}
	gen := s.cache.generation()
	e, err := s.lookup(ctx, token, hash[:], now)
	if err != nil {
		return nil, err
	}
	s.cache.put(hash, gen, e)
	v := e.viewer
	return &v, nil
}

// lookup reads a token's session or API key from the database.
func (s *Service) lookup(ctx context.Context, token string, hash []byte, now time.Time) (cached, error) {
	sys := tenant.System(ctx)
	until := now.Add(CacheTTL)
	if strings.HasPrefix(token, sessionPrefix) {
		// One statement with the user's email joined in.
		var rows []struct {
			ID         string    `sql:"id"`
			MerchantID string    `sql:"merchant_id"`
			UserID     string    `sql:"user_id"`
			ExpiresAt  time.Time `sql:"expires_at"`
			Email      string    `sql:"email"`
		}
		err := s.client.Session.Query().
			Where(session.TokenHash(hash), session.ExpiresAtGT(now)).
			Modify(func(q *sql.Selector) {
				u := sql.Table(user.Table)
				q.Join(u).On(q.C(session.FieldUserID), u.C(user.FieldID)).
					Select(q.C(session.FieldID), q.C(session.FieldMerchantID), q.C(session.FieldUserID), q.C(session.FieldExpiresAt), u.C(user.FieldEmail))
			}).
			Scan(sys, &rows)
		if err != nil {
			return cached{}, err
		}
		if len(rows) != 1 {
			return cached{}, ErrInvalidToken
		}
		ses := rows[0]
		if ses.ExpiresAt.Before(until) {
			until = ses.ExpiresAt
		}
		return cached{
			viewer: tenant.Viewer{MerchantID: ses.MerchantID, UserID: ses.UserID, SessionID: ses.ID, Scopes: tenant.AllScopes, Actor: ses.Email},
			until:  until,
		}, nil
	}
	k, err := s.client.APIKey.Query().
		Where(apikey.TokenHash(hash), apikey.RevokedAtIsNil()).
		Only(sys)
	if ent.IsNotFound(err) {
		return cached{}, ErrInvalidToken
	}
	if err != nil {
		return cached{}, err
	}
	var lastUsed time.Time
	if k.LastUsedAt != nil {
		lastUsed = *k.LastUsedAt
	}
	if now.Sub(lastUsed) > time.Minute {
		if err := s.recordUse(ctx, k.ID, now); err != nil {
			return cached{}, err
		}
		lastUsed = now
	}
	return cached{
		viewer:   tenant.Viewer{MerchantID: k.MerchantID, APIKeyID: k.ID, Scopes: KeyScopes(k), Actor: "API key " + k.Name},
		until:    until,
		lastUsed: lastUsed,
	}, nil
}

// recordUse writes down that an API key was used, which the API keys page
// shows. Callers do it at most once a minute per key: a write per request
// would make every read a write.
func (s *Service) recordUse(ctx context.Context, keyID string, now time.Time) error {
	if err := s.client.APIKey.UpdateOneID(keyID).SetLastUsedAt(now.UTC()).Exec(tenant.System(ctx)); err != nil {
		return fmt.Errorf("record API key use: %w", err)
	}
	return nil
}

// Forget drops what the cache knows of a session or API key: another
// process ended it.
func (s *Service) Forget(credentialID string) { s.cache.forget(credentialID) }

// ForgetAll empties the cache: revocations from other processes may have
// been missed.
func (s *Service) ForgetAll() { s.cache.forgetAll() }

// Active reports whether v's credential (its session or API key) still
// works: a long-lived connection that authenticated once asks this after it
// starts listening for revocations.
func (s *Service) Active(ctx context.Context, v *tenant.Viewer) (bool, error) {
	sys := tenant.System(ctx)
	switch {
	case v.SessionID != "":
		return s.client.Session.Query().Where(session.ID(v.SessionID), session.ExpiresAtGT(s.now())).Exist(sys)
	case v.APIKeyID != "":
		return s.client.APIKey.Query().Where(apikey.ID(v.APIKeyID), apikey.RevokedAtIsNil()).Exist(sys)
	default:
		return false, nil
	}
}

// KeyScopes is what k may do. Keys made before scopes existed may do
// everything, as they always could.
func KeyScopes(k *ent.APIKey) []string {
	if len(k.Scopes) == 0 {
		return tenant.AllScopes
	}
	return k.Scopes
}

// CreateAPIKey makes a key for the viewer's merchant and returns its secret,
// which is never retrievable again. scopes default to tenant.AllScopes; a
// key can never be given a scope its creator lacks.
func (s *Service) CreateAPIKey(ctx context.Context, name string, scopes []string) (*ent.APIKey, string, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, "", ErrSignInRequired
	}
	if scopes == nil {
		scopes = tenant.AllScopes
	}
	if len(scopes) == 0 {
		return nil, "", fault.Invalid("scopes", "give the key at least one scope: READ, WRITE or both")
	}
	var granted []string
	for _, want := range tenant.AllScopes { // canonical order, no duplicates
		if !slices.Contains(scopes, want) {
			continue
		}
		if !v.Allows(want) {
			return nil, "", fault.New(fault.CodeForbidden, fmt.Sprintf("this API key cannot create a key with the %s scope: a key can never do more than its creator", strings.ToUpper(want)))
		}
		granted = append(granted, want)
	}
	for _, sc := range scopes {
		if !slices.Contains(tenant.AllScopes, sc) {
			return nil, "", fault.Invalidf("scopes", "unknown scope %q; use READ or WRITE", sc)
		}
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, "", fault.Invalid("name", "give the key a name, e.g. \"Shop integration\"")
	}
	if utf8.RuneCountInString(name) > 100 {
		return nil, "", fault.Invalid("name", "name must be at most 100 characters")
	}
	secret, hash := newSecret(apiKeyPrefix)
	k, err := s.client.APIKey.Create().
		SetName(name).
		SetPrefix(secret[:len(apiKeyPrefix)+6]).
		SetTokenHash(hash).
		SetScopes(granted).
		SetCreatedBy(v.Actor).
		Save(ctx)
	if err != nil {
		return nil, "", err
	}
	return k, secret, nil
}

// RevokeAPIKey stops a key from working. Revoking twice is harmless.
func (s *Service) RevokeAPIKey(ctx context.Context, id string) (*ent.APIKey, error) {
	k, err := s.client.APIKey.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if k.RevokedAt != nil {
		return k, nil
	}
	k, err = s.client.APIKey.UpdateOne(k).SetRevokedAt(s.now().UTC()).Save(ctx)
	if err != nil {
		return nil, err
	}
	s.revoked(ctx, k.MerchantID, k.ID)
	return k, nil
}

// newSecret returns a token with 260 random bits (two rand.Text) after
// prefix, and the hash stored for it.
func newSecret(prefix string) (token string, hash []byte) {
	token = prefix + rand.Text() + rand.Text()
	return token, hashToken(token)
}

// hashToken is SHA-256: tokens are long random strings, so a fast hash is
// enough and lets a lookup be one indexed query.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
