package graph

import (
	"fmt"
	"strings"

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
