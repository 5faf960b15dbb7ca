package graph

import (
	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/graph/model"
	"github.com/tally-invoicing/tally/internal/checkout"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/ptr"
	"github.com/tally-invoicing/tally/internal/reference"
)

// checkoutView is the payer-safe projection of an invoice: no customer
// email, no internal ids.
func checkoutView(v *checkout.View, baseURL string) (*model.Checkout, error) {
	inv := v.Invoice
	c, err := currencyOf(inv)
	if err != nil {
		return nil, err
	}
	out := &model.Checkout{
		MerchantName: v.Merchant.Name,
		Number:       ptr.Val(inv.Number),
		Status:       inv.Status,
		Currency:     inv.Currency,
		Total:        money.FromMinor(inv.TotalMinor, c),
		AmountPaid:   money.FromMinor(inv.AmountPaidMinor, c),
		AmountDue:    money.FromMinor(invoice.AmountDue(inv), c),
		Reference:    reference.Format(ptr.Val(inv.Reference)),
		DueDate:      inv.DueDate,
		PDFURL:       baseURL + "/invoices/" + inv.ID + "/pdf?token=" + ptr.Val(inv.CheckoutToken) + "&download=1",
	}
	for _, o := range v.Options {
		opt := &model.CheckoutOption{Method: model.PaymentMethod(o.Method), Provider: model.CheckoutProvider(o.Provider), Label: o.Label}
		if o.Network != "" {
			opt.Network, opt.Asset = &o.Network, &o.Asset
		}
		out.Options = append(out.Options, opt)
	}
	return out, nil
}

// paymentURI is the wallet payment request of a wallet session, or nil.
func paymentURI(s *ent.CheckoutSession) *string {
	if uri, ok := checkout.PaymentURI(s); ok {
		return &uri
	}
	return nil
}
