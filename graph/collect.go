package graph

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/graph/model"
	"github.com/tally-invoicing/tally/internal/collect"
	"github.com/tally-invoicing/tally/internal/collect/statement"
	"github.com/tally-invoicing/tally/internal/money"
)

func collectionAmount(c *ent.Collection, minor int64) (*decimal.Decimal, error) {
	cur, ok := money.Lookup(c.Currency)
	if !ok {
		return nil, fmt.Errorf("collection %s: unknown currency %q", c.ID, c.Currency)
	}
	d := money.FromMinor(minor, cur)
	return &d, nil
}

func collectionResult(out *collect.Outcome) (*model.CollectionResult, error) {
	left, err := collectionAmount(out.Collection, out.Collection.UnallocatedMinor)
	if err != nil {
		return nil, err
	}
	allocs := out.Allocations
	if allocs == nil {
		allocs = []*ent.Payment{}
	}
	return &model.CollectionResult{Collection: out.Collection, Allocations: allocs, Unallocated: *left}, nil
}

func mappingIn(m *model.StatementMappingInput) *statement.Mapping {
	if m == nil {
		return nil
	}
	return &statement.Mapping{
		Date: m.Date, Amount: deref(m.Amount), Credit: deref(m.Credit), Debit: deref(m.Debit),
		Currency: deref(m.Currency), FixedCurrency: deref(m.FixedCurrency), Text: m.Text,
		PayerName: deref(m.PayerName), PayerAccount: deref(m.PayerAccount), ExternalID: deref(m.ExternalID),
		DateFormat: deref(m.DateFormat), DecimalComma: deref(m.DecimalComma),
	}
}

func mappingOut(m statement.Mapping) *model.StatementMapping {
	text := m.Text
	if text == nil {
		text = []string{}
	}
	return &model.StatementMapping{
		Date: m.Date, Amount: m.Amount, Credit: m.Credit, Debit: m.Debit, Currency: m.Currency,
		FixedCurrency: m.FixedCurrency, Text: text, PayerName: m.PayerName, PayerAccount: m.PayerAccount,
		ExternalID: m.ExternalID, DateFormat: m.DateFormat, DecimalComma: m.DecimalComma,
	}
}
