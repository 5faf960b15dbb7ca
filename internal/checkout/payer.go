package checkout

import (
	"context"
	"fmt"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/checkoutsession"
	"github.com/tally-invoicing/tally/ent/cryptowallet"
	"github.com/tally-invoicing/tally/internal/checkout/wallet"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice/paymethod"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Option is a way to pay that the checkout page offers.
type Option struct {
	Method   paymethod.Method
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
		return nil, fmt.Errorf("open payment link: %w", err)
	}
	m, err := s.client.Merchant.Get(ctx, inv.MerchantID)
	if err != nil {
		return nil, fmt.Errorf("merchant of invoice %s: %w", inv.ID, err)
	}
	v := &View{Invoice: inv, Merchant: m}
	_, infiniOK := s.accounts.InfiniAccount(m)
	for _, meth := range inv.PaymentMethods {
		switch paymethod.Method(meth) {
		case paymethod.InfiniCard:
			if infiniOK {
				v.Options = append(v.Options, Option{Method: paymethod.InfiniCard, Provider: checkoutsession.ProviderINFINI, Label: "Card"})
			}
		case paymethod.Crypto:
			if inv.Currency != "USD" {
				continue
			}
			ws, err := s.client.CryptoWallet.Query().Where(cryptowallet.MerchantID(m.ID)).
				Order(ent.Asc(cryptowallet.FieldNetwork), ent.Asc(cryptowallet.FieldAsset)).All(ctx)
			if err != nil {
				return nil, fmt.Errorf("wallets of merchant %s: %w", m.ID, err)
			}
			for _, w := range ws {
				v.Options = append(v.Options, Option{Method: paymethod.Crypto, Provider: checkoutsession.ProviderWALLET,
					Network: w.Network, Asset: w.Asset, Label: w.Asset + " on " + wallet.NetworkName(w.Network)})
			}
			if infiniOK {
				v.Options = append(v.Options, Option{Method: paymethod.Crypto, Provider: checkoutsession.ProviderINFINI, Label: "Crypto through Infini"})
			}
		}
	}
	return v, nil
}
