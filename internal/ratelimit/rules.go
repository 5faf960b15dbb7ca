package ratelimit

import (
	"time"

	"golang.org/x/time/rate"
)

// Rules is every limit Tally enforces. A zero Rule is off.
type Rules struct {
	SignInPerAccount Rule
	SignInPerIP      Rule
	SignUpPerIP      Rule
	CheckoutPerIP    Rule
	WebhooksPerIP    Rule
	APIPerCredential Rule
	APIPerIP         Rule
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
		// addresses. Only wrong passwords count, so someone who knows their
		// password is never slowed down by their own sign-ins; five tries
		// cover a few typos. After that one guess a minute (1,440 a day):
		// only the most common passwords fall within days, and the
		// 10-character minimum already rules most of those out. A user who
		// really forgot waits a minute, not an hour: a long lock-out would
		// let anyone lock any merchant out by guessing on purpose.
		SignInPerAccount: Rule{
			Name: "sign-in per account", Message: "too many sign-in attempts for this account",
			Rate: rate.Every(time.Minute), Burst: 5,
		},
		// Credential stuffing: one address trying many accounts. Every
		// attempt counts, right or wrong. Twenty at once leaves room for
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
	SignInPerAccount *Limiter
	SignInPerIP      *Limiter
	SignUpPerIP      *Limiter
	CheckoutPerIP    *Limiter
	WebhooksPerIP    *Limiter
	APIPerCredential *Limiter
	APIPerIP         *Limiter
}

// NewLimiters builds the limiters for r.
func NewLimiters(r Rules) *Limiters {
	return &Limiters{
		SignInPerAccount: New(r.SignInPerAccount),
		SignInPerIP:      New(r.SignInPerIP),
		SignUpPerIP:      New(r.SignUpPerIP),
		CheckoutPerIP:    New(r.CheckoutPerIP),
		WebhooksPerIP:    New(r.WebhooksPerIP),
		APIPerCredential: New(r.APIPerCredential),
		APIPerIP:         New(r.APIPerIP),
	}
}
