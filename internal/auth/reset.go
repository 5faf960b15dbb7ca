package auth

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/passwordreset"
	"github.com/tally-invoicing/tally/ent/session"
	"github.com/tally-invoicing/tally/ent/user"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/ratelimit"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/validate"
)

// ResetLifetime is how long a password reset link works.
const ResetLifetime = time.Hour

const resetPrefix = "tally_rst_"

// ErrResetLinkInvalid is the answer for a reset token that is unknown,
// expired or used.
var ErrResetLinkInvalid = fault.Invalid("token", "this reset link has expired or was already used; ask for a new one")

// ResetMailer queues the email carrying a reset link, in the transaction
// that stores the link's token; internal/mail's Outbox is one.
type ResetMailer interface {
	EnqueuePasswordReset(ctx context.Context, tx *ent.Client, merchantID, to, token string, expires time.Time) error
	// Wake asks for queued emails to be delivered now.
	Wake()
}

// NoResetMail accepts reset requests and sends no email: for tools and
// benchmarks that run without an outbox.
var NoResetMail ResetMailer = noResetMail{}

type noResetMail struct{}

func (noResetMail) EnqueuePasswordReset(context.Context, *ent.Client, string, string, string, time.Time) error {
	return nil
}

func (noResetMail) Wake() {}

// RequestPasswordReset emails a reset link to email if it has an account.
// The caller learns nothing either way: the answer, and how long it takes,
// are the same, because the lookup and the email happen after it returns.
// Only the rate limits (per email given and per client address, known
// accounts or not) and a malformed address are errors.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	email, err := validate.Email(email)
	if err != nil {
		return fault.WithField(err, "email")
	}
	if ip := ClientIP(ctx); ip != "" {
		if ok, wait := s.limits.PasswordResetPerIP.Allow(ratelimit.IPKey(ip)); !ok {
			return s.limits.PasswordResetPerIP.Err(wait)
		}
	}
	if ok, wait := s.limits.PasswordResetPerKey.Allow(email); !ok {
		return s.limits.PasswordResetPerKey.Err(wait)
	}
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := s.sendReset(ctx, email); err != nil {
			slog.ErrorContext(ctx, "password reset request", "err", err)
		}
	}()
	return nil
}

// Wait returns once the reset requests accepted so far have been stored.
func (s *Service) Wait() { s.background.Wait() }

// sendReset stores a reset token for email's user and queues its email, in
// one transaction. An unknown email does nothing.
func (s *Service) sendReset(ctx context.Context, email string) error {
	sys := tenant.System(ctx)
	u, err := s.client.User.Query().Where(user.Email(email)).Only(sys)
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	token, hash := newSecret(resetPrefix)
	expires := s.now().Add(ResetLifetime).UTC()
	err = database.InTx(sys, s.client, func(sys context.Context, tx *ent.Client) error {
		// The user's expired links are of no use to anyone any more.
		if _, err := tx.PasswordReset.Delete().Where(passwordreset.UserID(u.ID), passwordreset.ExpiresAtLT(s.now())).Exec(sys); err != nil {
			return err
		}
		err := tx.PasswordReset.Create().SetMerchantID(u.MerchantID).SetUserID(u.ID).
			SetTokenHash(hash).SetExpiresAt(expires).Exec(sys)
		if err != nil {
			return err
		}
		return s.mailer.EnqueuePasswordReset(sys, tx, u.MerchantID, u.Email, token, expires)
	})
	if err != nil {
		return fmt.Errorf("store password reset: %w", err)
	}
	s.mailer.Wake()
	return nil
}

// ResetPassword sets a new password with a token from a reset email. The
// token works once: of two concurrent uses, one wins and the other gets
// ErrResetLinkInvalid. Every session the user had ends (their websockets
// close too); API keys are the merchant's, not the user's, and keep
// working. The caller is signed in with a new session, and a browser gets
// a device cookie: the link proved they read the account's mail.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (*Session, error) {
	token = strings.TrimSpace(token)
	if !strings.HasPrefix(token, resetPrefix) {
		return nil, ErrResetLinkInvalid
	}
	if err := checkPassword(password); err != nil {
		return nil, err
	}
	sys := tenant.System(ctx)
	hash := hashToken(token)
	// A cheap read first, so a bad token costs no password hashing.
	now := s.now()
	pr, err := s.client.PasswordReset.Query().
		Where(passwordreset.TokenHash(hash), passwordreset.UsedAtIsNil(), passwordreset.ExpiresAtGT(now)).
		Only(sys)
	if ent.IsNotFound(err) {
		return nil, ErrResetLinkInvalid
	}
	if err != nil {
		return nil, err
	}
	var newHash []byte
	if herr := s.withHashSlot(ctx, func() { newHash, err = bcrypt.GenerateFromPassword([]byte(password), s.BcryptCost) }); herr != nil {
		return nil, herr
	}
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}

	var (
		out   *Session
		ended []string
	)
	err = database.InTx(sys, s.client, func(sys context.Context, tx *ent.Client) error {
		// Single use: only one transaction can move used_at from null.
		n, err := tx.PasswordReset.Update().
			Where(passwordreset.ID(pr.ID), passwordreset.UsedAtIsNil(), passwordreset.ExpiresAtGT(s.now())).
			SetUsedAt(s.now().UTC()).Save(sys)
		if err != nil {
			return err
		}
		if n != 1 {
			return ErrResetLinkInvalid
		}
		// Other links of the same user are pointless now.
		if err := tx.PasswordReset.Update().
			Where(passwordreset.UserID(pr.UserID), passwordreset.UsedAtIsNil()).
			SetUsedAt(s.now().UTC()).Exec(sys); err != nil {
			return err
		}
		u, err := tx.User.UpdateOneID(pr.UserID).SetPasswordHash(string(newHash)).Save(sys)
		if err != nil {
			return err
		}
		if ended, err = tx.Session.Query().Where(session.UserID(u.ID)).IDs(sys); err != nil {
			return err
		}
		if _, err := tx.Session.Delete().Where(session.UserID(u.ID)).Exec(sys); err != nil {
			return err
		}
		out, err = s.newSession(sys, tx, u)
		return err
	})
	if err != nil {
		return nil, err
	}
	// After the commit: the sessions are gone for good before anyone is
	// told to forget them.
	for _, id := range ended {
		s.revoked(ctx, out.Viewer.MerchantID, id)
	}
	s.trustDevice(ctx, out.Viewer.Actor)
	return out, nil
}
