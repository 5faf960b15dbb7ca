// Package figures computes the invoice amounts the API shows from the
// stored columns (amount due, overpaid, lines in the invoice's currency).
// The generated ent.Invoice methods (ent/template/invoice_fields.tmpl)
// delegate here, so the rules are ordinary Go outside generated code. It
// does not import ent, so ent can import it.
package figures

import (
	"fmt"

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
	// UnitPrice and Amount have the currency's decimals ("120.00").
	UnitPrice amount.Amount
	Amount    amount.Amount
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
			Name:      it.Name,
			Quantity:  q,
			UnitPrice: amount.New(it.UnitPrice, c.Exponent),
			Amount:    amount.New(it.Amount, c.Exponent),
		}
	}
	return out, nil
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
