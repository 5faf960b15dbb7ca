package merchant

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/cryptowallet"
	"github.com/tally-invoicing/tally/internal/checkout/infini"
	"github.com/tally-invoicing/tally/internal/checkout/wallet"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice/paymethod"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// SandboxAccount is the built-in Infini sandbox's one API account.
type SandboxAccount struct {
	BaseURL       string
	KeyID         string
	Secret        string
	WebhookSecret string
}

// PaymentsConfig is what the server decides about payment settings.
type PaymentsConfig struct {
	// BaseURL is Tally's public URL; Infini's webhooks are sent under it.
	BaseURL string
	// Sandbox is used by merchants without their own Infini keys; nil (in
	// production) means such merchants cannot take Infini payments.
	Sandbox *SandboxAccount
	// InfiniBaseURLs are the only Infini hosts merchants may enter and
	// Tally calls (production); nil accepts what infini.CheckBaseURL
	// accepts in development. Checked when an account is used too, so a
	// row saved under an older rule is never called.
	InfiniBaseURLs []string
}

// Payments answers which payment methods a merchant can offer, from its
// payment settings (its Infini keys, its stablecoin wallets) and the
// server's (the sandbox, the allowed Infini hosts).
type Payments struct {
	cfg PaymentsConfig
}

// NewPayments returns the payment settings service for cfg.
func NewPayments(cfg PaymentsConfig) *Payments { return &Payments{cfg: cfg} }

// InfiniAccount returns m's Infini account, or false when it has none.
func (p *Payments) InfiniAccount(m *ent.Merchant) (infini.Account, bool) {
	if m.InfiniKeyID != "" {
		base := m.InfiniBaseURL
		if base == "" {
			base = infini.ProductionURL
		}
		if _, err := infini.CheckBaseURL(base, p.cfg.InfiniBaseURLs); err != nil {
			slog.Warn("merchant's stored Infini base URL is not allowed here; Infini methods are off until it is changed",
				"merchant", m.ID, "baseURL", base, "err", err)
			return infini.Account{}, false
		}
		ws := m.InfiniWebhookSecret
		if ws == "" {
			ws = m.InfiniSecret
		}
		return infini.Account{BaseURL: base, KeyID: m.InfiniKeyID, Secret: m.InfiniSecret, WebhookSecret: ws,
			Sandbox: base != infini.ProductionURL, Own: true}, true
	}
	if sb := p.cfg.Sandbox; sb != nil {
		return infini.Account{BaseURL: sb.BaseURL, KeyID: sb.KeyID, Secret: sb.Secret, WebhookSecret: sb.WebhookSecret, Sandbox: true}, true
	}
	return infini.Account{}, false
}

// WebhookURL is where Infini must send a merchant's webhooks.
func (p *Payments) WebhookURL() string { return p.cfg.BaseURL + "/webhooks/infini" }

// Availability says whether a payment method can be put on new invoices.
type Availability struct {
	Method    paymethod.Method
	Available bool
	Detail    string
}

// Availabilities lists the payment methods and whether m can offer them.
// It reads through c, which may be a transaction's client.
func (p *Payments) Availabilities(ctx context.Context, c *ent.Client, m *ent.Merchant) ([]Availability, error) {
	wallets, err := c.CryptoWallet.Query().Where(cryptowallet.MerchantID(m.ID)).All(tenant.System(ctx))
	if err != nil {
		return nil, fmt.Errorf("merchant %s: wallets: %w", m.ID, err)
	}
	acct, ok := p.InfiniAccount(m)
	card := Availability{Method: paymethod.InfiniCard, Available: ok}
	crypto := Availability{Method: paymethod.Crypto, Available: ok || len(wallets) > 0}
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
		parts = append(parts, w.Asset+" on "+wallet.NetworkName(w.Network))
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
func (p *Payments) CheckMethods(ctx context.Context, tx *ent.Client, merchantID, currency string, methods []paymethod.Method) error {
	m, err := tx.Merchant.Get(tenant.System(ctx), merchantID)
	if err != nil {
		return fmt.Errorf("check payment methods of merchant %s: %w", merchantID, err)
	}
	av, err := p.Availabilities(ctx, tx, m)
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
			if want == paymethod.Crypto && currency != "USD" {
				return fault.Invalidf("methods", "crypto is offered for USD invoices only (stablecoins are 1:1 with the dollar); this invoice is in %s", currency)
			}
		}
	}
	return nil
}
