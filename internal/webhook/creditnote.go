package webhook

import (
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/money"
)

// CreditNoteData is a CreditNote in an event.
type CreditNoteData struct {
	ID                 string    `json:"id"`
	Number             string    `json:"number"`
	Invoice            Ref       `json:"invoice"`
	Currency           string    `json:"currency"`
	Total              string    `json:"total"`
	Subtotal           string    `json:"subtotal"`
	TotalTax           string    `json:"totalTax"`
	CreditedToCustomer string    `json:"creditedToCustomer"`
	Reason             string    `json:"reason"`
	IssuedAt           time.Time `json:"issuedAt"`
}

// CreditNoteEvent is credit_note.created for cn.
func CreditNoteEvent(cn *ent.CreditNote, now time.Time) Event {
	c, _ := money.Lookup(cn.Currency)
	return Event{MerchantID: cn.MerchantID, Type: CreditNoteCreated, ObjectID: cn.ID, At: now, Data: CreditNoteData{
		ID: cn.ID, Number: cn.Number, Invoice: Ref{ID: cn.InvoiceID}, Currency: cn.Currency,
		Total: money.String(cn.TotalMinor, c), Subtotal: money.String(cn.SubtotalMinor, c),
		TotalTax: money.String(cn.TaxMinor, c), CreditedToCustomer: money.String(cn.CreditMinor, c),
		Reason: cn.Reason, IssuedAt: cn.IssuedAt,
	}}
}
