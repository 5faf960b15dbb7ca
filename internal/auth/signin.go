package auth

import (
	"context"

	"github.com/tally-invoicing/tally/internal/ratelimit"
)

// beginSignIn decides whether a sign-in attempt for email may check the
// password, before any database work, and returns the function that ends
// it (charging the right buckets if the password was wrong). The rules,
// after OWASP's advice against lock-outs that anyone can trigger:
//
//  1. A browser with a genuine device cookie for the account (it signed in
//     before) has its own bucket, SignInPerDevice. Nothing a stranger does
//     touches it, not even from the same address.
//  2. Everyone else is first limited per address (SignInPerIP, every
//     attempt), then shares the account's bucket (SignInPerAccount,
//     failures only). Unknown emails are limited like known ones, so the
//     limits do not tell which accounts exist.
//  3. When the account's bucket is empty, an address that has not failed
//     for this account in the last hour (SignInFailedIP) may still try,
//     out of the account's allowance for new addresses (SignInFromNewIP).
//     So an API client, or the owner on a new browser, gets in from a
//     clean address while someone keeps guessing from theirs.
//
// A guesser thus gets what the account's bucket gives (as before rule 3
// existed) plus at most one guess per address that had not yet failed,
// within SignInFromNewIP; a guesser whose addresses have all failed gets
// exactly the account's bucket.
func (s *Service) beginSignIn(ctx context.Context, email string) (end func(failed bool), err error) {
	l := s.limits
	if d, ok := s.requestDevice(ctx, email); ok {
		a, ok, wait := l.SignInPerDevice.Begin(email + "\x00" + d.nonce)
		if !ok {
			return nil, l.SignInPerDevice.Err(wait)
		}
		return a.End, nil
	}
	ip := ratelimit.IPKey(ClientIP(ctx))
	if ip != "" {
		if ok, wait := l.SignInPerIP.Allow(ip); !ok {
			return nil, l.SignInPerIP.Err(wait)
		}
	}
	addrKey := email + "\x00" + ip
	account, ok, wait := l.SignInPerAccount.Begin(email)
	if ok {
		// Held open, the address's bucket counts this attempt as a
		// failure while it runs: concurrent guesses from the address do
		// not pass for a new address's (rule 3) before it has failed.
		var addr *ratelimit.Attempt
		if ip != "" {
			addr, _, _ = l.SignInFailedIP.Begin(addrKey)
		}
		return func(failed bool) {
			account.End(failed)
			switch {
			case addr != nil:
				addr.End(failed)
			case failed && ip != "":
				l.SignInFailedIP.Allow(addrKey) // no longer new to the account
			}
		}, nil
	}
	refused := l.SignInPerAccount.Err(wait)
	if ip == "" || l.SignInFailedIP == nil {
		// Without addresses (or their memory) there is no telling a
		// guesser's next attempt from anyone else's.
		return nil, refused
	}
	addr, ok, _ := l.SignInFailedIP.Begin(addrKey)
	if !ok {
		return nil, refused
	}
	fresh, ok, _ := l.SignInFromNewIP.Begin(email)
	if !ok {
		addr.End(false)
		return nil, refused
	}
	return func(failed bool) {
		addr.End(failed)
		fresh.End(failed)
	}, nil
}
