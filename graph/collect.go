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
		Direction: deref(m.Direction), HasHeader: m.HasHeader,
	}
}

// mappingOut shows a mapping; one that leaves the header to detection
// (HasHeader nil) reads as having one, which is what detection assumes
// until the rows say otherwise.
func mappingOut(m statement.Mapping) *model.StatementMapping {
	return &model.StatementMapping{
		Date: m.Date, Amount: m.Amount, Credit: m.Credit, Debit: m.Debit, Currency: m.Currency,
		FixedCurrency: m.FixedCurrency, Text: nonNil(m.Text), PayerName: m.PayerName, PayerAccount: m.PayerAccount,
		ExternalID: m.ExternalID, DateFormat: m.DateFormat, DecimalComma: m.DecimalComma,
		Direction: m.Direction, HasHeader: m.HasHeader == nil || *m.HasHeader,
	}
}

// formatIn is the declared statement format, nil to detect it.
func formatIn(f *model.StatementFormat) *collect.Format {
	if f == nil {
		return nil
	}
	c := collect.Format(*f)
	return &c
}

// statementPreview translates a preview; every list is non-nil, as the
// schema's non-null lists need.
func statementPreview(p *collect.StatementPreview) *model.StatementPreview {
	rows := make([][]string, len(p.Rows))
	for i, r := range p.Rows {
		rows[i] = nonNil(r)
	}
	skipped := make([]*model.SkippedStatementLine, len(p.Skipped))
	for i, sk := range p.Skipped {
		skipped[i] = &model.SkippedStatementLine{Line: sk.Line, Text: sk.Text, Reason: sk.Reason}
	}
	payments := make([]*model.StatementPayment, len(p.Payments))
	for i, l := range p.Payments {
		payments[i] = &model.StatementPayment{Line: l.No, BookedAt: l.BookedAt, Amount: l.Amount, Currency: l.Currency,
			Text: l.Text, PayerName: l.PayerName, PayerAccount: l.PayerAccount}
	}
	return &model.StatementPreview{
		Format: model.StatementFormat(p.Format), Headers: nonNil(p.Headers), Rows: rows, Mapping: mappingOut(p.Mapping),
		Skipped: skipped, Payments: payments, Incoming: p.Incoming, Outgoing: p.Outgoing,
		Notices: nonNil(p.Notices), Problems: nonNil(p.Problems),
	}
}

// nonNil is s, or an empty slice for a non-null GraphQL list.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
