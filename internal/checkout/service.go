package checkout

import (
	"context"
	"errors"
	"net/http"
	"time"

	"entgo.io/ent/dialect"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/checkout/infini"
	"github.com/tally-invoicing/tally/internal/collect"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice"
)

// How long a customer has to finish paying once they chose a method.
const (
	walletSessionTTL = time.Hour
	infiniSessionTTL = time.Hour
	// A session about to expire is not handed out again; a fresh one is.
	reuseMargin = 10 * time.Minute
	// An expired wallet session keeps its amount this long, so a transfer
	// that arrives late is still matched to it and to nothing else (Infini
	// likewise counts payments up to 24 hours late).
	lateGrace = 24 * time.Hour
)

// Errors a payer or a provider can get.
var (
	ErrNotPayable   = fault.New(fault.CodeConflict, "this invoice cannot be paid online any more")
	ErrUnavailable  = &fault.Error{Code: fault.CodeUnavailable, Message: "this payment method is unavailable right now; try again in a minute or choose another"}
	ErrNoSession    = errors.New("checkout: no checkout session matches")
	ErrUnknownOrder = errors.New("checkout: the webhook names an order Tally did not create")
	// ErrForeignOrder means the provider answered a new order with an order
	// id that already names another checkout in the same account: a
	// misbehaving (or fake) provider. The session fails; nothing else moves.
	ErrForeignOrder = &fault.Error{Code: fault.CodeUnavailable, Message: "the payment provider answered with an order that belongs to another checkout; this payment method is unavailable, choose another"}
)

// Recorder is what checkout needs from internal/collect.
type Recorder interface {
	Record(ctx context.Context, in collect.Input) (*collect.Outcome, error)
}

// Accounts is what checkout needs from the merchant's payment settings
// (internal/merchant's Payments).
type Accounts interface {
	// InfiniAccount returns m's Infini account, or false when it has none.
	InfiniAccount(m *ent.Merchant) (infini.Account, bool)
}

// Deps are the services a checkout works with; every one is required.
type Deps struct {
	Invoices *invoice.Service
	// Accounts says which Infini account a merchant's orders go to.
	Accounts Accounts
	// Collect records transfers no checkout session asked for, so they
	// wait in the review queue instead of being lost.
	Collect Recorder
}

// Config is what the server decides about checkouts.
type Config struct {
	// BaseURL is Tally's public URL: payment links, return URLs.
	BaseURL string
	// HTTPClient calls payment providers; nil means a default client.
	HTTPClient *http.Client
}

// Service runs checkout sessions and turns provider reports into payments.
type Service struct {
	client   *ent.Client
	invoices *invoice.Service
	accounts Accounts
	collect  Recorder
	cfg      Config
	rowLocks bool
	now      func() time.Time
}

// NewService returns a Service; dia is the database dialect. It panics when
// a dependency is missing, so a wiring mistake stops the server at start-up.
func NewService(client *ent.Client, dia string, d Deps, cfg Config) *Service {
	if d.Invoices == nil || d.Accounts == nil || d.Collect == nil {
		panic("checkout.NewService: Deps.Invoices, Accounts and Collect are all required")
	}
	return &Service{client: client, invoices: d.Invoices, accounts: d.Accounts, collect: d.Collect, cfg: cfg,
		rowLocks: dia == dialect.Postgres, now: func() time.Time { return time.Now().UTC() }}
}

// SetClock replaces the clock, for tests of expiry.
func (s *Service) SetClock(now func() time.Time) { s.now = now }
