package ratelimit

import (
	"time"

	"golang.org/x/time/rate"
)

// Rules is every limit Tally enforces. A zero Rule is off.
type Rules struct {
	SignInPerAccount    Rule
	SignInPerDevice     Rule
	SignInFromNewIP     Rule
	SignInFailedIP      Rule
	SignInPerIP         Rule
	SignUpPerIP         Rule
	PasswordResetPerKey Rule
	PasswordResetPerIP  Rule
	CheckoutPerIP       Rule
	WebhooksPerIP       Rule
	APIPerCredential    Rule
	APIPerIP            Rule
	// RendersPerCredential bounds invoice documents rendered (previews,
	// PDFs) per credential or payment link; see Renders.
	RendersPerCredential Rule
}

// Defaults are the production limits, all in one place. Read each as "a
// quiet caller may do Burst at once, then one per interval". They are per
// process (see the package doc): with N processes a caller may get up to N
// times as much, so each is set low enough that a few times it is still
// safe.
func Defaults() Rules {
	return Rules{
		// Password guessing against one account, from any number of
		// addresses without a device cookie. Only wrong passwords count,
		// so someone who knows their password is never slowed down by
		// their own sign-ins; five tries cover a few typos. After that one
		// guess a minute (1,440 a day): only the most common passwords
		// fall within days, and the 10-character minimum already rules
		// most of those out. Strangers can keep this bucket empty, so it
		// is not the only way in: see the three rules below.
		SignInPerAccount: Rule{
			Name: "sign-in per account", Message: "too many sign-in attempts for this account",
			Rate: rate.Every(time.Minute), Burst: 5,
		},
		// A browser that signed in to the account before carries a signed
		// device cookie and gets a bucket of its own, the same size as
		// the account's: strangers' failures never touch it, and only
		// someone who once knew the password can hold such a cookie.
		SignInPerDevice: Rule{
			Name: "sign-in per device", Message: "too many sign-in attempts from this browser",
			Rate: rate.Every(time.Minute), Burst: 5,
		},
		// While the account's bucket is empty, an address that has not
		// failed for the account (SignInFailedIP) may still try, out of
		// this allowance: so an owner or API client without a device
		// cookie gets in from a clean address while a guesser is kept at
		// one guess a minute. Each guesser's address spends at most one
		// of these, so a botnet adds at most ten guesses at once and one
		// every ten minutes (144 a day) to the account's 1,440.
		SignInFromNewIP: Rule{
			Name: "sign-in per account from new addresses", Message: "too many sign-in attempts for this account",
			Rate: rate.Every(10 * time.Minute), Burst: 10,
		},
		// Remembers, per account and address, a wrong password in the
		// last hour: such an address no longer counts as new for the
		// account.
		SignInFailedIP: Rule{
			Name: "sign-in failures per account and address", Message: "too many sign-in attempts for this account",
			Rate: rate.Every(time.Hour), Burst: 1,
		},
		// Credential stuffing: one address trying many accounts. Every
		// attempt counts, right or wrong, except from a browser with the
		// account's device cookie (someone behind the same NAT must not
		// keep the owner out). Twenty at once leaves room for
		// an office behind one NAT signing in at nine o'clock; one every
		// 3 s (1,200 an hour) is far above any human and far below a
		// leaked-password list.
		SignInPerIP: Rule{
			Name: "sign-in per IP", Message: "too many sign-in attempts from this address",
			Rate: rate.Every(3 * time.Second), Burst: 20,
		},
		// Account spam (accounts made to send invoice-shaped phishing from
		// our mail domain, or to enumerate registered emails through the
		// "already exists" answer). Every attempt counts, invalid ones
		// too. Ten covers typos and a small team signing up together; one
		// every 10 minutes after that.
		SignUpPerIP: Rule{
			Name: "sign-up per IP", Message: "too many sign-ups from this address",
			Rate: rate.Every(10 * time.Minute), Burst: 10,
		},
		// "Forgot password?" mails a link to the address given. Per
		// address (known or not, so the answer reveals nothing): three
		// cover a mail that was slow to arrive, then one an hour, so
		// nobody can fill a merchant's inbox with reset mails. Per client
		// address: ten, then one every two minutes.
		PasswordResetPerKey: Rule{
			Name: "password reset per email", Message: "a reset link was asked for this address recently; check the inbox (and spam folder) for it",
			Rate: rate.Every(time.Hour), Burst: 3,
		},
		PasswordResetPerIP: Rule{
			Name: "password reset per IP", Message: "too many password reset requests from this address",
			Rate: rate.Every(2 * time.Minute), Burst: 10,
		},
		// Payers' pages: GET /pay/{token}, POST …/start (which opens a
		// session at the payment provider, so floods cost us there too)
		// and the …/events stream. A payer makes a handful of requests
		// (page, start, return, events reconnects); 60 at once and one a
		// second covers many payers behind one NAT while stopping anyone
		// from hammering links or provider sessions.
		CheckoutPerIP: Rule{
			Name: "checkout per IP", Message: "too many payment page requests from this address",
			Rate: rate.Every(time.Second), Burst: 60,
		},
		// /webhooks/*: generous. Providers send from few addresses and in
		// bursts (catching up after an outage), and refusing a real
		// webhook only delays it until the provider retries. This stops a
		// flood of forged deliveries, which are refused anyway once their
		// signatures are checked, from costing more than the checking.
		WebhooksPerIP: Rule{
			Name: "webhooks per IP", Message: "too many webhook deliveries from this address",
			Rate: 50, Burst: 200,
		},
		// /query (and invoice PDFs) per API key or session: an integration
		// importing a backlog, or a dashboard page loading, gets 200 at
		// once and 50 a second sustained, the same order as large payment
		// APIs allow; a runaway loop is slowed before it starves others.
		APIPerCredential: Rule{
			Name: "API per key", Message: "too many requests for this API key or session",
			Rate: 50, Burst: 200,
		},
		// /query without credentials: the sign-in and sign-up pages and
		// nothing much else. Mainly a cheap first wall in front of the
		// sign-in limits above (it is checked before GraphQL runs).
		APIPerIP: Rule{
			Name: "API per IP (signed out)", Message: "too many requests from this address",
			Rate: 5, Burst: 60,
		},
		// Rendering a document costs a template run and, for a PDF, a
		// browser tab: far more than a column read. A dashboard previews
		// what it opens and a partner renders a few dozen at once; a
		// hundred at once, then ten a second, leaves the other merchants
		// their share of the cores.
		RendersPerCredential: Rule{
			Name: "document renders per credential", Message: "too many invoice documents rendered with this credential",
			Rate: 10, Burst: 100,
		},
	}
}

// Limiters holds one Limiter per rule; a rule that is off has a nil one,
// which allows everything.
type Limiters struct {
	SignInPerAccount    *Limiter
	SignInPerDevice     *Limiter
	SignInFromNewIP     *Limiter
	SignInFailedIP      *Limiter
	SignInPerIP         *Limiter
	SignUpPerIP         *Limiter
	PasswordResetPerKey *Limiter
	PasswordResetPerIP  *Limiter
	CheckoutPerIP       *Limiter
	WebhooksPerIP       *Limiter
	APIPerCredential    *Limiter
	APIPerIP            *Limiter
}

// NewLimiters builds the limiters for r.
func NewLimiters(r Rules) *Limiters {
	return &Limiters{
		SignInPerAccount:    New(r.SignInPerAccount),
		SignInPerDevice:     New(r.SignInPerDevice),
		SignInFromNewIP:     New(r.SignInFromNewIP),
		SignInFailedIP:      New(r.SignInFailedIP),
		SignInPerIP:         New(r.SignInPerIP),
		SignUpPerIP:         New(r.SignUpPerIP),
		PasswordResetPerKey: New(r.PasswordResetPerKey),
		PasswordResetPerIP:  New(r.PasswordResetPerIP),
		CheckoutPerIP:       New(r.CheckoutPerIP),
		WebhooksPerIP:       New(r.WebhooksPerIP),
		APIPerCredential:    New(r.APIPerCredential),
		APIPerIP:            New(r.APIPerIP),
	}
}
