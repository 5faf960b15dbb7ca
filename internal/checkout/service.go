package checkout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/checkoutsession"
	"github.com/tally-invoicing/tally/ent/collection"
	"github.com/tally-invoicing/tally/ent/cryptowallet"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/ent/predicate"
	"github.com/tally-invoicing/tally/internal/checkout/infini"
	"github.com/tally-invoicing/tally/internal/checkout/wallet"
	"github.com/tally-invoicing/tally/internal/collect"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/tenant"
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

// maxWebhookCandidates bounds the sessions (in different provider accounts)
// a webhook's order id is tried against; the genuine one was stored first.
const maxWebhookCandidates = 20

// Recorder is what checkout needs from internal/collect.
type Recorder interface {
	Record(ctx context.Context, in collect.Input) (*collect.Outcome, error)
}

// SandboxAccount is the built-in Infini sandbox's one API account.
type SandboxAccount struct {
	BaseURL       string
	KeyID         string
	Secret        string
	WebhookSecret string
}

// Config wires a Service.
type Config struct {
	// BaseURL is Tally's public URL: payment links, return URLs, webhooks.
	BaseURL string
	// Sandbox is used by merchants without their own Infini keys; nil (in
	// production) means such merchants cannot take Infini payments.
	Sandbox *SandboxAccount
	// HTTPClient calls payment providers; nil means a default client.
	HTTPClient *http.Client
	// InfiniBaseURLs are the only Infini hosts called (production); nil
	// accepts what infini.CheckBaseURL accepts in development. Checked
	// when an account is used too, so a row saved under an older rule is
	// never called.
	InfiniBaseURLs []string
}

// Service runs checkout sessions and turns provider reports into payments.
type Service struct {
	client   *ent.Client
	invoices *invoice.Service
	// Collect records transfers no checkout session asked for, so they wait
	// in the review queue instead of being lost; nil drops them.
	Collect  Recorder
	cfg      Config
	rowLocks bool
	now      func() time.Time
}

// NewService returns a Service; dia is the database dialect.
func NewService(client *ent.Client, dia string, invoices *invoice.Service, cfg Config) *Service {
	return &Service{client: client, invoices: invoices, cfg: cfg, rowLocks: dia == dialect.Postgres, now: func() time.Time { return time.Now().UTC() }}
}

// SetClock replaces the clock, for tests of expiry.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Account is the Infini account a merchant's orders are created in.
type Account struct {
	BaseURL       string
	KeyID         string
	Secret        string
	WebhookSecret string
	// Sandbox is true for the built-in sandbox and Infini's own sandbox.
	Sandbox bool
	// Own is true when the merchant entered its own keys.
	Own bool
}

// ID names the account: order ids are unique only within it. Key ids are
// the provider's and are not secret, so the base URL is part of the name.
func (a Account) ID() string { return a.KeyID + "@" + a.BaseURL }

// InfiniAccount returns m's Infini account, or false when it has none.
func (s *Service) InfiniAccount(m *ent.Merchant) (Account, bool) {
	if m.InfiniKeyID != "" {
		base := m.InfiniBaseURL
		if base == "" {
			base = infini.ProductionURL
		}
		if _, err := infini.CheckBaseURL(base, s.cfg.InfiniBaseURLs); err != nil {
			slog.Warn("merchant's stored Infini base URL is not allowed here; Infini methods are off until it is changed",
				"merchant", m.ID, "baseURL", base, "err", err)
			return Account{}, false
		}
		ws := m.InfiniWebhookSecret
		if ws == "" {
			ws = m.InfiniSecret
		}
		return Account{BaseURL: base, KeyID: m.InfiniKeyID, Secret: m.InfiniSecret, WebhookSecret: ws,
			Sandbox: base != infini.ProductionURL, Own: true}, true
	}
	if sb := s.cfg.Sandbox; sb != nil {
		return Account{BaseURL: sb.BaseURL, KeyID: sb.KeyID, Secret: sb.Secret, WebhookSecret: sb.WebhookSecret, Sandbox: true}, true
	}
	return Account{}, false
}

// WebhookURL is where Infini must send a merchant's webhooks.
func (s *Service) WebhookURL() string { return s.cfg.BaseURL + "/webhooks/infini" }

func (s *Service) infiniClient(a Account) *infini.Client {
	return infini.NewClient(infini.Config{BaseURL: a.BaseURL, KeyID: a.KeyID, Secret: a.Secret, HTTPClient: s.cfg.HTTPClient})
}

// Availability says whether a payment method can be put on new invoices.
type Availability struct {
	Method    invoice.PaymentMethod
	Available bool
	Detail    string
}

// Availabilities lists the payment methods and whether m can offer them.
// It reads through c, which may be a transaction's client.
func (s *Service) Availabilities(ctx context.Context, c *ent.Client, m *ent.Merchant) ([]Availability, error) {
	wallets, err := c.CryptoWallet.Query().Where(cryptowallet.MerchantID(m.ID)).All(tenant.System(ctx))
	if err != nil {
		return nil, err
	}
	acct, ok := s.InfiniAccount(m)
	card := Availability{Method: invoice.MethodInfiniCard, Available: ok}
	crypto := Availability{Method: invoice.MethodCrypto, Available: ok || len(wallets) > 0}
	switch {
	case !ok:
		card.Detail = "Add your Infini API keys in Settings → Payments to accept cards."
	case acct.Sandbox:
		card.Detail = "Card payments through Infini's sandbox: no real money moves."
	default:
		card.Detail = "Card payments through your Infini account."
	}
	var parts []string
	if ok {
		parts = append(parts, "Infini's crypto checkout")
	}
	for _, w := range wallets {
		parts = append(parts, w.Asset+" on "+networkName(w.Network))
	}
	if crypto.Available {
		crypto.Detail = "Stablecoins by " + strings.Join(parts, ", ") + ". Offered on USD invoices."
	} else {
		crypto.Detail = "Add a stablecoin wallet or Infini API keys in Settings → Payments to accept crypto."
	}
	return []Availability{crypto, card}, nil
}

// CheckMethods refuses payment methods the merchant cannot offer on an
// invoice in currency, so a customer never sees a method that cannot work.
func (s *Service) CheckMethods(ctx context.Context, tx *ent.Client, merchantID, currency string, methods []invoice.PaymentMethod) error {
	m, err := tx.Merchant.Get(tenant.System(ctx), merchantID)
	if err != nil {
		return err
	}
	av, err := s.Availabilities(ctx, tx, m)
	if err != nil {
		return err
	}
	for _, want := range methods {
		for _, a := range av {
			if a.Method != want {
				continue
			}
			if !a.Available {
				return fault.Invalid("methods", a.Detail)
			}
			if want == invoice.MethodCrypto && currency != "USD" {
				return fault.Invalidf("methods", "crypto is offered for USD invoices only (stablecoins are 1:1 with the dollar); this invoice is in %s", currency)
			}
		}
	}
	return nil
}

// Option is a way to pay that the checkout page offers.
type Option struct {
	Method   invoice.PaymentMethod
	Provider checkoutsession.Provider
	Network  string
	Asset    string
	Label    string
}

// View is what a payer may see of an invoice.
type View struct {
	Invoice  *ent.Invoice
	Merchant *ent.Merchant
	Options  []Option
}

// Payable reports whether the invoice behind a link can still take money.
func Payable(inv *ent.Invoice) bool {
	return inv.Status == status.Open || inv.Status == status.PartiallyPaid || inv.Status == status.Uncollectible
}

// Load returns the payer's view of the invoice behind token, or a NOT_FOUND
// fault for unknown, draft and voided links alike.
func (s *Service) Load(ctx context.Context, token string) (*View, error) {
	ctx = tenant.System(ctx)
	inv, err := Find(ctx, s.client, token)
	if ent.IsNotFound(err) {
		return nil, fault.New(fault.CodeNotFound, "no invoice behind this link")
	}
	if err != nil {
		return nil, err
	}
	m, err := s.client.Merchant.Get(ctx, inv.MerchantID)
	if err != nil {
		return nil, err
	}
	v := &View{Invoice: inv, Merchant: m}
	_, infiniOK := s.InfiniAccount(m)
	for _, meth := range inv.PaymentMethods {
		switch invoice.PaymentMethod(meth) {
		case invoice.MethodInfiniCard:
			if infiniOK {
				v.Options = append(v.Options, Option{Method: invoice.MethodInfiniCard, Provider: checkoutsession.ProviderINFINI, Label: "Card"})
			}
		case invoice.MethodCrypto:
			if inv.Currency != "USD" {
				continue
			}
			ws, err := s.client.CryptoWallet.Query().Where(cryptowallet.MerchantID(m.ID)).
				Order(ent.Asc(cryptowallet.FieldNetwork), ent.Asc(cryptowallet.FieldAsset)).All(ctx)
			if err != nil {
				return nil, err
			}
			for _, w := range ws {
				v.Options = append(v.Options, Option{Method: invoice.MethodCrypto, Provider: checkoutsession.ProviderWALLET,
					Network: w.Network, Asset: w.Asset, Label: w.Asset + " on " + networkName(w.Network)})
			}
			if infiniOK {
				v.Options = append(v.Options, Option{Method: invoice.MethodCrypto, Provider: checkoutsession.ProviderINFINI, Label: "Crypto through Infini"})
			}
		}
	}
	return v, nil
}

// Start opens a checkout session for the invoice behind token: an order at
// Infini (card, or crypto without a network), or a wallet transfer with an
// amount unique to the session. An open session for the same choice and
// amount is returned again, so a double click or a reload starts nothing new.
func (s *Service) Start(ctx context.Context, token string, method invoice.PaymentMethod, network, asset string) (*ent.CheckoutSession, error) {
	ctx = tenant.System(ctx)
	v, err := s.Load(ctx, token)
	if err != nil {
		return nil, err
	}
	inv := v.Invoice
	if !Payable(inv) {
		if inv.Status == status.Paid {
			return nil, fault.New(fault.CodeConflict, "this invoice is already paid")
		}
		return nil, ErrNotPayable
	}
	if !slices.Contains(inv.PaymentMethods, string(method)) {
		return nil, fault.Invalidf("method", "%s is not accepted for this invoice", method)
	}
	if network != "" || asset != "" {
		if method != invoice.MethodCrypto {
			return nil, fault.Invalid("network", "a network and asset go with the CRYPTO method only")
		}
		return s.startWallet(ctx, v, network, asset)
	}
	return s.startInfini(ctx, v, method)
}

func (s *Service) startWallet(ctx context.Context, v *View, network, asset string) (*ent.CheckoutSession, error) {
	inv := v.Invoice
	if inv.Currency != "USD" {
		return nil, fault.Invalidf("method", "stablecoin payment is offered for USD invoices only; this one is in %s", inv.Currency)
	}
	tok, err := wallet.Lookup(wallet.Network(strings.ToUpper(network)), wallet.Asset(strings.ToUpper(asset)))
	if err != nil {
		return nil, fault.WithField(err, "network")
	}
	w, err := s.client.CryptoWallet.Query().Where(cryptowallet.MerchantID(inv.MerchantID),
		cryptowallet.Network(string(tok.Network)), cryptowallet.Asset(string(tok.Asset))).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fault.Invalidf("network", "%s has no %s wallet on %s", v.Merchant.Name, tok.Asset, networkName(string(tok.Network)))
	}
	if err != nil {
		return nil, err
	}
	c, _ := money.Lookup(inv.Currency)
	var out *ent.CheckoutSession
	// Two payers racing for the same amount on one address lose on the
	// unique open_key; the loser picks the next free amount.
	for attempt := 0; attempt < 5; attempt++ {
		err = database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
			inv, due, existing, err := s.lockPayable(ctx, tx, inv.ID,
				checkoutsession.ProviderEQ(checkoutsession.ProviderWALLET),
				checkoutsession.Network(string(tok.Network)), checkoutsession.Asset(string(tok.Asset)),
				checkoutsession.Address(w.Address))
			if err != nil || existing != nil {
				out = existing
				return err
			}
			now := s.now()
			// Amounts of sessions expired longer than the grace period are
			// free again.
			if _, err := tx.CheckoutSession.Update().Where(
				checkoutsession.Network(string(tok.Network)), checkoutsession.Asset(string(tok.Asset)),
				checkoutsession.Address(w.Address), checkoutsession.OpenKeyNotNil(), checkoutsession.ExpiresAtLTE(now.Add(-lateGrace)),
			).ClearOpenKey().Save(ctx); err != nil {
				return err
			}
			units, err := wallet.UniqueAmount(tok, money.FromMinor(due, c), func(u *big.Int) bool {
				n, _ := tx.CheckoutSession.Query().Where(checkoutsession.OpenKey(openKey(tok, w.Address, u))).Exist(ctx)
				return n
			})
			if err != nil {
				return fault.New(fault.CodeConflict, "too many payments are open on this wallet right now; try again in a few minutes")
			}
			out, err = tx.CheckoutSession.Create().
				SetMerchantID(inv.MerchantID).
				SetInvoiceID(inv.ID).
				SetMethod(checkoutsession.MethodCRYPTO).
				SetProvider(checkoutsession.ProviderWALLET).
				SetAmountMinor(due).
				SetCurrency(inv.Currency).
				SetExpiresAt(now.Add(walletSessionTTL)).
				SetClientReference(deref(inv.Reference)).
				SetNetwork(string(tok.Network)).
				SetAsset(string(tok.Asset)).
				SetAddress(w.Address).
				SetAmountUnits(units.String()).
				SetOpenKey(openKey(tok, w.Address, units)).
				Save(ctx)
			return err
		})
		if !ent.IsConstraintError(err) {
			break
		}
	}
	return out, err
}

func (s *Service) startInfini(ctx context.Context, v *View, method invoice.PaymentMethod) (*ent.CheckoutSession, error) {
	inv := v.Invoice
	acct, ok := s.InfiniAccount(v.Merchant)
	if !ok {
		return nil, fault.Invalidf("method", "%s does not take payments through Infini", v.Merchant.Name)
	}
	if method == invoice.MethodCrypto && inv.Currency != "USD" {
		return nil, fault.Invalidf("method", "crypto is offered for USD invoices only; this one is in %s", inv.Currency)
	}
	smethod := checkoutsession.Method(method)
	var sess *ent.CheckoutSession
	// The session, with the request_id Infini dedupes on, is stored before
	// the order is created, so a retry after a crash or timeout sends the
	// same request_id again instead of opening a second order.
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		inv, due, existing, err := s.lockPayable(ctx, tx, inv.ID,
			checkoutsession.ProviderEQ(checkoutsession.ProviderINFINI), checkoutsession.MethodEQ(smethod),
			checkoutsession.ProviderAccount(acct.ID()))
		if err != nil || existing != nil {
			sess = existing
			return err
		}
		// Infini wants client_reference unique per order; the first order
		// carries the invoice's reference as is, later ones (the rest of a
		// partial payment, a retry after expiry) a numbered suffix.
		n, err := tx.CheckoutSession.Query().Where(checkoutsession.InvoiceID(inv.ID), checkoutsession.ProviderEQ(checkoutsession.ProviderINFINI)).Count(ctx)
		if err != nil {
			return err
		}
		ref := deref(inv.Reference)
		if n > 0 {
			ref = fmt.Sprintf("%s-%d", ref, n+1)
		}
		sess, err = tx.CheckoutSession.Create().
			SetMerchantID(inv.MerchantID).
			SetInvoiceID(inv.ID).
			SetMethod(smethod).
			SetProvider(checkoutsession.ProviderINFINI).
			SetAmountMinor(due).
			SetCurrency(inv.Currency).
			SetExpiresAt(s.now().Add(infiniSessionTTL)).
			SetRequestID(infini.NewRequestID()).
			SetProviderAccount(acct.ID()).
			SetClientReference(ref).
			Save(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	if sess.OrderID != nil && sess.RedirectURL != "" {
		return sess, nil
	}
	return s.createOrder(ctx, v, acct, sess)
}

func (s *Service) createOrder(ctx context.Context, v *View, acct Account, sess *ent.CheckoutSession) (*ent.CheckoutSession, error) {
	c, _ := money.Lookup(sess.Currency)
	pay := infini.PayCard
	if sess.Method == checkoutsession.MethodCRYPTO {
		pay = infini.PayCrypto
	}
	back := s.cfg.BaseURL + "/pay/" + *v.Invoice.CheckoutToken
	desc := "Invoice " + deref(v.Invoice.Number) + " from " + v.Merchant.Name
	order, err := s.infiniClient(acct).CreateOrder(ctx, infini.OrderRequest{
		RequestID:       sess.RequestID,
		Amount:          money.FromMinor(sess.AmountMinor, c),
		Currency:        sess.Currency,
		ClientReference: sess.ClientReference,
		OrderDesc:       desc,
		ExpiresIn:       time.Until(sess.ExpiresAt).Truncate(time.Second),
		SuccessURL:      back + "?session=" + sess.ID,
		FailureURL:      back + "?session=" + sess.ID + "&failed=1",
		MerchantAlias:   v.Merchant.Name,
		PayMethods:      []infini.PayMethod{pay},
	})
	if err != nil {
		slog.ErrorContext(ctx, "infini: create order", "session", sess.ID, "merchant", sess.MerchantID, "err", err)
		if errors.Is(err, infini.ErrUnauthorized) || errors.Is(err, infini.ErrInvalidRequest) || errors.Is(err, infini.ErrDuplicateReference) {
			// Retrying will not help: close the session so the next try
			// starts a fresh one, and tell the payer plainly.
			_ = s.client.CheckoutSession.UpdateOne(sess).SetStatus(checkoutsession.StatusFAILED).ClearOpenKey().Exec(tenant.System(ctx))
		}
		return nil, ErrUnavailable
	}
	out, err := s.client.CheckoutSession.UpdateOne(sess).
		SetOrderID(order.OrderID).
		SetRedirectURL(order.CheckoutURL).
		Save(tenant.System(ctx))
	if ent.IsValidationError(err) {
		// An order id or URL no real provider sends (control characters).
		slog.ErrorContext(ctx, "infini: unusable order in the answer", "session", sess.ID, "merchant", sess.MerchantID, "err", err)
		_ = s.client.CheckoutSession.UpdateOne(sess).SetStatus(checkoutsession.StatusFAILED).Exec(tenant.System(ctx))
		return nil, ErrUnavailable
	}
	if ent.IsConstraintError(err) {
		slog.ErrorContext(ctx, "infini: order id already names another checkout in this account", "session", sess.ID,
			"merchant", sess.MerchantID, "order", order.OrderID, "account", deref(sess.ProviderAccount))
		_ = s.client.CheckoutSession.UpdateOne(sess).SetStatus(checkoutsession.StatusFAILED).Exec(tenant.System(ctx))
		return nil, ErrForeignOrder
	}
	return out, err
}

// HandleInfiniWebhook verifies and applies one Infini webhook delivery. It
// returns nil for deliveries to acknowledge (applied, duplicate, or not
// about an order), an infini verification error for a forged or stale one,
// and any other error for a failure Infini should retry.
func (s *Service) HandleInfiniWebhook(ctx context.Context, h http.Header, body []byte) error {
	ctx = tenant.System(ctx)
	head, err := infini.ParseEvent(body)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(head.Name, "order.") || head.OrderID == "" {
		return nil // card, subscription and unknown events: not ours to act on
	}
	sess, ev, err := s.webhookSession(ctx, head.OrderID, h, body)
	if err != nil {
		return err
	}
	return database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		// The receipt and the effect commit together: a redelivery finds the
		// receipt and changes nothing.
		err := tx.WebhookReceipt.Create().SetProvider("infini").SetEventID(ev.ID).Exec(ctx)
		if ent.IsConstraintError(err) {
			return errDuplicate
		}
		if err != nil {
			return err
		}
		return s.applyOrder(ctx, tx, sess.ID, orderState{
			Status: ev.Status, Currency: ev.Currency, Amount: ev.Amount, Confirmed: ev.AmountConfirmed,
			Tags: ev.ExceptionTags, Late: ev.Name == "order.late_payment",
		})
	})
}

// webhookSession finds the session a webhook is about and verifies the
// webhook. Webhooks name no account, and order ids are unique only within
// one, so the order id alone may match sessions of several merchants (one
// whose provider made up another's id): the session is the one whose
// account's webhook secret signed the delivery, the earliest if several do.
func (s *Service) webhookSession(ctx context.Context, orderID string, h http.Header, body []byte) (*ent.CheckoutSession, *infini.Event, error) {
	candidates, err := s.client.CheckoutSession.Query().
		Where(checkoutsession.OrderID(orderID), checkoutsession.ProviderEQ(checkoutsession.ProviderINFINI)).
		Order(ent.Asc(checkoutsession.FieldCreatedAt), ent.Asc(checkoutsession.FieldID)).
		Limit(maxWebhookCandidates).All(ctx)
	if err != nil {
		return nil, nil, err
	}
	if len(candidates) == 0 {
		return nil, nil, ErrUnknownOrder
	}
	for _, sess := range candidates {
		m, err := s.client.Merchant.Get(ctx, sess.MerchantID)
		if err != nil {
			return nil, nil, err
		}
		acct, ok := s.InfiniAccount(m)
		// A session from before accounts were recorded belongs to its
		// merchant's account; one from an account the merchant has since
		// left cannot be verified any more.
		if !ok || (sess.ProviderAccount != nil && *sess.ProviderAccount != acct.ID()) {
			continue
		}
		ev, err := infini.VerifyWebhook(acct.WebhookSecret, h, body, s.now())
		if err == nil || !errors.Is(err, infini.ErrBadSignature) {
			// Verified, or refused for a reason no other secret changes
			// (missing headers; a stale timestamp under a good signature).
			return sess, ev, err
		}
	}
	return nil, nil, infini.ErrBadSignature
}

var errDuplicate = errors.New("duplicate delivery")

// IsDuplicate reports whether HandleInfiniWebhook saw a redelivery.
func IsDuplicate(err error) bool { return errors.Is(err, errDuplicate) }

type orderState struct {
	Status    infini.OrderStatus
	Currency  string
	Amount    decimal.Decimal
	Confirmed decimal.Decimal
	Tags      []string
	Late      bool
}

// applyOrder brings a session and its invoice up to what Infini reports.
// amount_confirmed is cumulative, so only its growth is new money: an old or
// repeated report adds nothing, and a session never moves backwards.
func (s *Service) applyOrder(ctx context.Context, tx *ent.Client, sessionID string, st orderState) error {
	q := tx.CheckoutSession.Query().Where(checkoutsession.ID(sessionID))
	if s.rowLocks {
		q.ForUpdate()
	}
	sess, err := q.Only(ctx)
	if err != nil {
		return err
	}
	if st.Currency != "" && !strings.EqualFold(st.Currency, sess.Currency) {
		return fmt.Errorf("infini order %s is in %s, session %s in %s", deref(sess.OrderID), st.Currency, sess.ID, sess.Currency)
	}
	c, _ := money.Lookup(sess.Currency)
	// Amounts finer than the currency's minor unit are rounded down: Tally
	// never counts money that did not arrive.
	confirmed := st.Confirmed.Shift(c.Exponent).Floor().IntPart()
	late := st.Late || slices.Contains(st.Tags, "late") || s.now().After(sess.ExpiresAt)
	if delta := confirmed - sess.ConfirmedMinor; delta > 0 {
		channel := payment.ChannelCHECKOUT_CARD
		if sess.Method == checkoutsession.MethodCRYPTO {
			channel = payment.ChannelCHECKOUT_CRYPTO
		}
		if _, _, err := s.invoices.ApplyPayment(ctx, tx, sess.InvoiceID, invoice.Received{
			Amount: delta, Channel: channel, Provider: "infini", ExternalID: deref(sess.OrderID),
			ReceivedAt: s.now(), Late: late, CheckoutSessionID: sess.ID, Rule: payment.RuleCHECKOUT,
			// amount_confirmed only grows, so order + total names this money once.
			DedupeKey: dedupeKey(sess, confirmed),
		}); err != nil {
			return err
		}
	}
	upd := tx.CheckoutSession.UpdateOne(sess)
	if confirmed > sess.ConfirmedMinor {
		upd.SetConfirmedMinor(confirmed)
	}
	if len(st.Tags) > 0 {
		upd.SetExceptionTags(mergeTags(sess.ExceptionTags, st.Tags))
	}
	next := sess.Status
	switch {
	case max(confirmed, sess.ConfirmedMinor) >= sess.AmountMinor || st.Status == infini.StatusPaid:
		next = checkoutsession.StatusSETTLED
	case st.Status == infini.StatusExpired || st.Status == infini.StatusPartialPaid:
		next = checkoutsession.StatusEXPIRED
	case st.Status == infini.StatusProcessing:
		next = checkoutsession.StatusPROCESSING
	}
	if rank(next) > rank(sess.Status) {
		upd.SetStatus(next)
	}
	return upd.Exec(ctx)
}

// dedupeKey names the money an Infini order has confirmed up to confirmed.
// Order ids are unique within an account only, so the account is part of
// the key; sessions from before accounts were recorded keep the old form.
func dedupeKey(sess *ent.CheckoutSession, confirmed int64) string {
	if sess.ProviderAccount == nil {
		return fmt.Sprintf("infini:%s:%d", deref(sess.OrderID), confirmed)
	}
	return fmt.Sprintf("infini:%s:%s:%d", *sess.ProviderAccount, deref(sess.OrderID), confirmed)
}

// rank orders session statuses so reports arriving out of order never move
// a session back: NEW < PROCESSING < EXPIRED/FAILED < SETTLED.
func rank(st checkoutsession.Status) int {
	switch st {
	case checkoutsession.StatusPROCESSING:
		return 1
	case checkoutsession.StatusEXPIRED, checkoutsession.StatusFAILED:
		return 2
	case checkoutsession.StatusSETTLED:
		return 3
	}
	return 0
}

func mergeTags(have, add []string) []string {
	out := slices.Clone(have)
	for _, t := range add {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// Refresh asks Infini for the state of the invoice's open orders and applies
// it: the repair for a webhook that never came, run when the payer returns
// from the hosted checkout.
func (s *Service) Refresh(ctx context.Context, invoiceID string) error {
	ctx = tenant.System(ctx)
	sessions, err := s.client.CheckoutSession.Query().Where(
		checkoutsession.InvoiceID(invoiceID), checkoutsession.ProviderEQ(checkoutsession.ProviderINFINI),
		checkoutsession.OrderIDNotNil(), checkoutsession.StatusIn(checkoutsession.StatusNEW, checkoutsession.StatusPROCESSING),
	).All(ctx)
	if err != nil {
		return err
	}
	for _, sess := range sessions {
		if err := s.refreshSession(ctx, sess); err != nil {
			return err
		}
	}
	return nil
}

// Reconcile reads back open Infini orders that have been quiet for a while,
// so a payment whose webhooks were all lost and whose payer never came back
// still reaches its invoice. It returns how many orders it read.
func (s *Service) Reconcile(ctx context.Context) (int, error) {
	ctx = tenant.System(ctx)
	now := s.now()
	sessions, err := s.client.CheckoutSession.Query().Where(
		checkoutsession.ProviderEQ(checkoutsession.ProviderINFINI), checkoutsession.OrderIDNotNil(),
		checkoutsession.StatusIn(checkoutsession.StatusNEW, checkoutsession.StatusPROCESSING),
		checkoutsession.UpdatedAtLT(now.Add(-reconcileQuiet)),
		checkoutsession.ExpiresAtGT(now.Add(-lateGrace)),
	).Order(ent.Asc(checkoutsession.FieldUpdatedAt)).Limit(reconcileBatch).All(ctx)
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, sess := range sessions {
		if err := s.refreshSession(ctx, sess); err != nil {
			errs = append(errs, err)
		}
		// Touch it, so the next sweep reads the others first.
		_ = s.client.CheckoutSession.UpdateOne(sess).SetUpdatedAt(now).Exec(ctx)
	}
	return len(sessions), errors.Join(errs...)
}

// RunReconciler calls Reconcile every interval until ctx ends.
func (s *Service) RunReconciler(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.Reconcile(ctx); err != nil {
				slog.WarnContext(ctx, "checkout: reconcile Infini orders", "read", n, "err", err)
			}
		}
	}
}

const (
	// reconcileQuiet is how long an order may go without news before
	// Tally asks Infini itself; webhooks normally arrive within seconds.
	reconcileQuiet = 2 * time.Minute
	reconcileBatch = 50
)

func (s *Service) refreshSession(ctx context.Context, sess *ent.CheckoutSession) error {
	m, err := s.client.Merchant.Get(ctx, sess.MerchantID)
	if err != nil {
		return err
	}
	acct, ok := s.InfiniAccount(m)
	if !ok || (sess.ProviderAccount != nil && *sess.ProviderAccount != acct.ID()) {
		// The order lives in an account the merchant no longer uses; its
		// id means nothing in the current one.
		return nil
	}
	o, err := s.infiniClient(acct).GetOrder(ctx, *sess.OrderID)
	if err != nil {
		return fmt.Errorf("infini: read order %s: %w", *sess.OrderID, err)
	}
	return database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		return s.applyOrder(ctx, tx, sess.ID, orderState{Status: o.Status, Currency: o.Currency, Amount: o.Amount,
			Confirmed: o.AmountConfirmed, Tags: o.ExceptionTags})
	})
}

// TransferResult says what an observed transfer did.
type TransferResult struct {
	// Session is the checkout it paid; nil for a transfer no session asked
	// for, which is recorded as Collection instead.
	Session    *ent.CheckoutSession
	Collection *ent.Collection
	// Applied is false while the transfer lacks confirmations, and for a
	// transfer already counted.
	Applied bool
	Late    bool
}

// ObserveTransfer is the one entry for stablecoin transfers seen on chain
// (from the sandbox or an external chain watcher). A transfer to a
// merchant's wallet of exactly a session's amount pays that session's
// invoice once it has enough confirmations, even after the session expired
// (flagged late). The same transaction reported again changes nothing.
func (s *Service) ObserveTransfer(ctx context.Context, t wallet.Transfer) (*TransferResult, error) {
	caller := ctx
	ctx = tenant.System(ctx)
	tok, err := wallet.Lookup(t.Network, t.Asset)
	if err != nil {
		return nil, err
	}
	units, err := t.Units()
	if err != nil {
		return nil, err
	}
	sess, err := s.client.CheckoutSession.Query().Where(
		checkoutsession.ProviderEQ(checkoutsession.ProviderWALLET),
		checkoutsession.Network(string(t.Network)), checkoutsession.Asset(string(t.Asset)),
		checkoutsession.Address(t.To), checkoutsession.AmountUnits(units.String()),
	).Order(ent.Desc(checkoutsession.FieldCreatedAt)).First(ctx)
	if ent.IsNotFound(err) {
		return s.unexpectedTransfer(ctx, caller, t, tok, units)
	}
	if err != nil {
		return nil, err
	}
	res := &TransferResult{Session: sess, Late: s.now().After(sess.ExpiresAt)}
	if !t.Confirmed() {
		if sess.Status == checkoutsession.StatusNEW {
			sess, err = s.client.CheckoutSession.UpdateOne(sess).SetStatus(checkoutsession.StatusPROCESSING).Save(ctx)
			res.Session = sess
		}
		return res, err
	}
	err = database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		_, _, err := s.invoices.ApplyPayment(ctx, tx, sess.InvoiceID, invoice.Received{
			Amount: sess.AmountMinor, Channel: payment.ChannelCHECKOUT_CRYPTO, Provider: "wallet",
			ExternalID: t.TxHash, ReceivedAt: s.now(), Late: res.Late, CheckoutSessionID: sess.ID,
			Note:      fmt.Sprintf("%s %s on %s to %s", wallet.FromUnits(tok, units).String(), t.Asset, networkName(string(t.Network)), t.To),
			DedupeKey: "wallet:" + string(t.Network) + ":" + t.TxHash, Rule: payment.RuleCHECKOUT,
		})
		if err != nil {
			return err
		}
		res.Session, err = tx.CheckoutSession.UpdateOne(sess).SetStatus(checkoutsession.StatusSETTLED).ClearOpenKey().Save(ctx)
		return err
	})
	if errors.Is(err, invoice.ErrAlreadyRecorded) {
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	res.Applied = true
	return res, nil
}

// unexpectedTransfer records a confirmed transfer to a merchant's wallet
// that no checkout session asked for (a wrong amount, a customer paying
// without the page) as a collection, matched by its memo or left in the
// review queue. Stablecoins are dollars: the amount is counted in USD,
// rounded down to the cent.
// ctx looks across merchants for the wallet; caller (without that power)
// becomes the wallet's merchant to record the money.
func (s *Service) unexpectedTransfer(ctx, caller context.Context, t wallet.Transfer, tok wallet.Token, units *big.Int) (*TransferResult, error) {
	// An address belongs to one merchant (its claim); the order settles
	// rows saved before claims existed the same way every time.
	w, err := s.client.CryptoWallet.Query().Where(cryptowallet.Network(string(t.Network)), cryptowallet.Asset(string(t.Asset)), cryptowallet.Address(t.To)).
		Order(ent.Asc(cryptowallet.FieldCreatedAt), ent.Asc(cryptowallet.FieldID)).First(ctx)
	if ent.IsNotFound(err) || s.Collect == nil {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	if !t.Confirmed() {
		return &TransferResult{}, nil
	}
	amount := wallet.FromUnits(tok, units).Truncate(2)
	if !amount.IsPositive() {
		return nil, ErrNoSession
	}
	vctx := tenant.WithViewer(caller, &tenant.Viewer{MerchantID: w.MerchantID, Actor: "system"})
	out, err := s.Collect.Record(vctx, collect.Input{
		Amount: amount, Currency: "USD", Channel: collection.ChannelCHECKOUT_CRYPTO,
		Text:       fmt.Sprintf("%s %s on %s to %s, transaction %s", wallet.FromUnits(tok, units), t.Asset, networkName(string(t.Network)), t.To, t.TxHash),
		ExternalID: "wallet:" + string(t.Network) + ":" + t.TxHash,
	})
	if err != nil {
		return nil, err
	}
	return &TransferResult{Collection: out.Collection, Applied: !out.Existing}, nil
}

// SessionStatus is a session's status as a payer sees it now: an open
// session past its expiry is EXPIRED even before anything reports it.
func (s *Service) SessionStatus(sess *ent.CheckoutSession) checkoutsession.Status {
	if sess.Status == checkoutsession.StatusNEW && s.now().After(sess.ExpiresAt) {
		return checkoutsession.StatusEXPIRED
	}
	return sess.Status
}

// WalletAmount is the exact token amount a wallet session asks for.
func WalletAmount(sess *ent.CheckoutSession) (decimal.Decimal, wallet.Token, *big.Int, bool) {
	tok, err := wallet.Lookup(wallet.Network(sess.Network), wallet.Asset(sess.Asset))
	if err != nil {
		return decimal.Zero, tok, nil, false
	}
	units, ok := new(big.Int).SetString(sess.AmountUnits, 10)
	if !ok {
		return decimal.Zero, tok, nil, false
	}
	return wallet.FromUnits(tok, units), tok, units, true
}

// lockPayable locks invoice id in tx and returns it with what is due, and an
// open session matching where for that same amount that is not about to
// expire: one to hand out again rather than start another.
func (s *Service) lockPayable(ctx context.Context, tx *ent.Client, id string, where ...predicate.CheckoutSession) (*ent.Invoice, int64, *ent.CheckoutSession, error) {
	inv, err := s.lockInvoice(ctx, tx, id)
	if err != nil {
		return nil, 0, nil, err
	}
	due := invoice.AmountDue(inv)
	if due <= 0 {
		return nil, 0, nil, ErrNotPayable
	}
	where = append(where, checkoutsession.InvoiceID(inv.ID), checkoutsession.AmountMinor(due),
		checkoutsession.StatusIn(checkoutsession.StatusNEW, checkoutsession.StatusPROCESSING),
		checkoutsession.ExpiresAtGT(s.now().Add(reuseMargin)))
	sess, err := tx.CheckoutSession.Query().Where(where...).First(ctx)
	if ent.IsNotFound(err) {
		return inv, due, nil, nil
	}
	return inv, due, sess, err
}

func (s *Service) lockInvoice(ctx context.Context, tx *ent.Client, id string) (*ent.Invoice, error) {
	q := tx.Invoice.Query().Where(entinvoice.ID(id))
	if s.rowLocks {
		q.ForUpdate()
	}
	return q.Only(ctx)
}

func openKey(t wallet.Token, address string, units *big.Int) string {
	return string(t.Network) + ":" + string(t.Asset) + ":" + address + ":" + units.String()
}

func networkName(n string) string {
	switch n {
	case "ETHEREUM":
		return "Ethereum"
	case "TRON":
		return "Tron"
	case "POLYGON":
		return "Polygon"
	case "BSC":
		return "BNB Smart Chain"
	case "SOLANA":
		return "Solana"
	}
	return n
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
