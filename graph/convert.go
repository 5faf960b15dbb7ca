package graph

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/graph/model"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/money"
)

// MaxPageSize caps first/last so that one request cannot ask for a table.
const MaxPageSize = 100

func checkPage(first, last *int) error {
	for name, n := range map[string]*int{"first": first, "last": last} {
		if n != nil && (*n < 0 || *n > MaxPageSize) {
			return fault.Invalidf(name, "%s must be between 0 and %d", name, MaxPageSize)
		}
	}
	return nil
}

func currencyOf(inv *ent.Invoice) (money.Currency, error) {
	c, ok := money.Lookup(inv.Currency)
	if !ok {
		return c, fmt.Errorf("invoice %s: unknown currency %q", inv.ID, inv.Currency)
	}
	return c, nil
}

func amount(inv *ent.Invoice, minor int64) (*decimal.Decimal, error) {
	c, err := currencyOf(inv)
	if err != nil {
		return nil, err
	}
	d := money.FromMinor(minor, c)
	return &d, nil
}

func lineItems(inv *ent.Invoice) ([]*model.LineItem, error) {
	c, err := currencyOf(inv)
	if err != nil {
		return nil, err
	}
	out := make([]*model.LineItem, len(inv.Items))
	for i, it := range inv.Items {
		q, err := decimal.NewFromString(it.Quantity)
		if err != nil {
			return nil, fmt.Errorf("invoice %s item %d: %w", inv.ID, i, err)
		}
		out[i] = &model.LineItem{
			Name:      it.Name,
			Quantity:  q,
			UnitPrice: money.FromMinor(it.UnitPrice, c),
			Amount:    money.FromMinor(it.Amount, c),
		}
	}
	return out, nil
}
