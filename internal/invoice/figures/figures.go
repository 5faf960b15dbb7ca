// Package figures computes the invoice amounts the API shows from the
// stored columns (amount due, overpaid, lines, taxes and discount in the
// invoice's currency). The generated ent.Invoice methods
// (ent/template/invoice_fields.tmpl) delegate here, so the rules are
// ordinary Go outside generated code. Of ent it imports only the tax
// category enum (a leaf package), so ent can import it.
package figures

import (
	"fmt"

	"github.com/tally-invoicing/tally/ent/taxrate"
	"github.com/tally-invoicing/tally/internal/invoice/amount"
	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
)

// LineItem is one row of an invoice as the API shows it (GraphQL LineItem):
// its stored lineitem.Item with the amounts in the invoice's currency.
type LineItem struct {
	Name string
	// Quantity keeps the scale it was stored with ("2.5").
	Quantity amount.Amount
	// UnitPrice, DiscountAmount and Amount have the currency's decimals ("120.00").
	UnitPrice amount.Amount
	Amount    amount.Amount
	// DiscountPercent is nil when the line has no discount.
	DiscountPercent *amount.Amount
	DiscountAmount  amount.Amount
	// TaxRates are the line's rates as they were when it was priced.
	TaxRates []AppliedTaxRate
}

// AppliedTaxRate is a tax rate as an invoice copied it (GraphQL AppliedTaxRate).
type AppliedTaxRate struct {
	ID         string
	Name       string
	Percentage amount.Amount
	Inclusive  bool
	Category   taxrate.Category
	// Country and ExemptionReason are nil when the rate had none.
	Country         *string
	ExemptionReason *string
}

// TaxAmount is one rate's tax on the whole invoice (GraphQL TaxAmount).
type TaxAmount struct {
	TaxRate       AppliedTaxRate
	TaxableAmount amount.Amount
	Amount        amount.Amount
}

// Discount is the discount on a whole invoice (GraphQL InvoiceDiscount).
type Discount struct {
	// Percent is nil when the discount was given as an amount.
	Percent *amount.Amount
	Amount  amount.Amount
	// Reason is nil when none was given.
	Reason *string
}

// LineItems are invoice id's stored items in its currency.
func LineItems(id, currency string, items []lineitem.Item) ([]LineItem, error) {
	c, err := lookup(id, currency)
	if err != nil {
		return nil, err
	}
	out := make([]LineItem, len(items))
	for i, it := range items {
		q, ok := amount.Parse(it.Quantity)
		if !ok {
			return nil, fmt.Errorf("invoice %s item %d: stored quantity %q is not a short decimal", id, i, it.Quantity)
		}
		out[i] = LineItem{
			Name:           it.Name,
			Quantity:       q,
			UnitPrice:      amount.New(it.UnitPrice, c.Exponent),
			Amount:         amount.New(it.Amount, c.Exponent),
			DiscountAmount: amount.New(it.DiscountAmount, c.Exponent),
			TaxRates:       make([]AppliedTaxRate, len(it.Taxes)),
		}
		if it.DiscountPercent != "" {
			p, ok := amount.Parse(it.DiscountPercent)
			if !ok {
				return nil, fmt.Errorf("invoice %s item %d: stored discount %q is not a short decimal", id, i, it.DiscountPercent)
			}
			out[i].DiscountPercent = &p
		}
		for k, t := range it.Taxes {
			if out[i].TaxRates[k], err = applied(id, t); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// Breakdown is invoice id's stored tax per rate in its currency.
func Breakdown(id, currency string, taxes []lineitem.TaxAmount) ([]TaxAmount, error) {
	c, err := lookup(id, currency)
	if err != nil {
		return nil, err
	}
	out := make([]TaxAmount, len(taxes))
	for i, t := range taxes {
		r, err := applied(id, t.Tax)
		if err != nil {
			return nil, err
		}
		out[i] = TaxAmount{TaxRate: r, TaxableAmount: amount.New(t.Taxable, c.Exponent), Amount: amount.New(t.Amount, c.Exponent)}
	}
	return out, nil
}

// DocumentDiscount is invoice id's stored document discount in its
// currency, nil when it has none.
func DocumentDiscount(id, currency string, d *lineitem.Discount) (*Discount, error) {
	if d == nil {
		return nil, nil
	}
	c, err := lookup(id, currency)
	if err != nil {
		return nil, err
	}
	out := &Discount{Amount: amount.New(d.Amount, c.Exponent), Reason: nonEmpty(d.Reason)}
	if d.Percent != "" {
		p, ok := amount.Parse(d.Percent)
		if !ok {
			return nil, fmt.Errorf("invoice %s: stored discount percent %q is not a short decimal", id, d.Percent)
		}
		out.Percent = &p
	}
	return out, nil
}

// Percentage is a tax rate's stored percentage as a decimal.
func Percentage(id, text string) (amount.Amount, error) {
	p, ok := amount.Parse(text)
	if !ok {
		return amount.Amount{}, fmt.Errorf("tax rate %s: stored percentage %q is not a short decimal", id, text)
	}
	return p, nil
}

func applied(invoiceID string, t lineitem.Tax) (AppliedTaxRate, error) {
	p, ok := amount.Parse(t.Percentage)
	if !ok {
		return AppliedTaxRate{}, fmt.Errorf("invoice %s: stored tax %s has percentage %q", invoiceID, t.ID, t.Percentage)
	}
	return AppliedTaxRate{
		ID: t.ID, Name: t.Name, Percentage: p, Inclusive: t.Inclusive, Category: taxrate.Category(t.Category),
		Country: nonEmpty(t.Country), ExemptionReason: nonEmpty(t.ExemptionReason),
	}, nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Money is minor units of invoice id's currency as an amount.
func Money(id, currency string, minor int64) (amount.Amount, error) {
	c, err := lookup(id, currency)
	if err != nil {
		return amount.Amount{}, err
	}
	return amount.New(minor, c.Exponent), nil
}

// Due is what is (or, for a draft, will be) owed, in minor units: total
// minus amount paid while DRAFT, OPEN, PARTIALLY_PAID or UNCOLLECTIBLE;
// nothing once PAID or VOID, and never less than nothing.
func Due(st status.Status, total, paid int64) int64 {
	switch st {
	case status.Draft, status.Open, status.PartiallyPaid, status.Uncollectible:
		return max(total-paid, 0)
	}
	return 0
}

// Overpaid is what was paid beyond the total, kept as the customer's
// credit; nothing for a draft.
func Overpaid(st status.Status, total, paid int64) int64 {
	if st == status.Draft {
		return 0
	}
	return max(paid-total, 0)
}

func lookup(id, currency string) (money.Currency, error) {
	c, ok := money.Lookup(currency)
	if !ok {
		return c, fmt.Errorf("invoice %s: unknown currency %q", id, currency)
	}
	return c, nil
}
