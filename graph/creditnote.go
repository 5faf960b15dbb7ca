package graph

import (
	"entgo.io/contrib/entgql"
	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/graph/model"
	"github.com/tally-invoicing/tally/internal/creditnote"
	"github.com/tally-invoicing/tally/internal/money"
)

// minorDecimal is minor units of currency code as the API's Decimal.
func minorDecimal(minor int64, code string) *decimal.Decimal {
	c, _ := money.Lookup(code)
	d := money.FromMinor(minor, c)
	return &d
}

// pointers is a list of values as the list of pointers gqlgen binds.
func pointers[T any](vs []T) []*T {
	out := make([]*T, len(vs))
	for i := range vs {
		out[i] = &vs[i]
	}
	return out
}

func creditNoteInput(in model.CreateCreditNoteInput) creditnote.Input {
	out := creditnote.Input{InvoiceID: in.InvoiceID, Amount: in.Amount, Reason: in.Reason, Send: in.Send != nil && *in.Send}
	for _, l := range in.Lines {
		out.Lines = append(out.Lines, creditnote.LineInput{Line: l.Line, Quantity: l.Quantity})
	}
	return out
}

// creditNoteOrder is the order asked for, newest first by default.
func creditNoteOrder(o *ent.CreditNoteOrder) *ent.CreditNoteOrder {
	if o == nil {
		return &ent.CreditNoteOrder{Field: ent.CreditNoteOrderFieldCreatedAt, Direction: entgql.OrderDirectionDesc}
	}
	return o
}
