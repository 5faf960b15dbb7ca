package graph

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/graph/model"
	"github.com/tally-invoicing/tally/internal/money"
)

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

// scopeNames turns GraphQL scopes into the stored names; nil stays nil
// (the default: every scope).
func scopeNames(in []model.APIKeyScope) []string {
	if in == nil {
		return nil
	}
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, strings.ToLower(string(s)))
	}
	return out
}

func apiKeyScopes(in []string) []model.APIKeyScope {
	out := make([]model.APIKeyScope, 0, len(in))
	for _, s := range in {
		out = append(out, model.APIKeyScope(strings.ToUpper(s)))
	}
	return out
}
