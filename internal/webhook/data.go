package webhook

import (
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/money"
)

// The objects events carry, named as the GraphQL API names their fields,
// so a partner app can parse a webhook with the types it already has.
// Amounts are decimal strings in the object's currency ("400.00").

// Ref is an object named by its id.
type Ref struct {
	ID string `json:"id"`
}

// InvoiceData is an Invoice in an event.
type InvoiceData struct {
	ID             string     `json:"id"`
	Number         *string    `json:"number"`
	Reference      *string    `json:"reference"`
	Status         string     `json:"status"`
	Currency       string     `json:"currency"`
	Total          string     `json:"total"`
	AmountPaid     string     `json:"amountPaid"`
	AmountCredited string     `json:"amountCredited"`
	AmountDue      string     `json:"amountDue"`
	DueDate        *time.Time `json:"dueDate"`
	IssuedAt       *time.Time `json:"issuedAt"`
	Overdue        bool       `json:"overdue"`
	Customer       Ref        `json:"customer"`
	Version        int        `json:"version"`
}

// Invoice is inv as an event carries it; overdue is judged at now.
func Invoice(inv *ent.Invoice, now time.Time) InvoiceData {
	c, _ := money.Lookup(inv.Currency)
	return InvoiceData{
		ID: inv.ID, Number: inv.Number, Reference: inv.Reference, Status: string(inv.Status), Currency: inv.Currency,
		Total:          money.String(inv.TotalMinor, c),
		AmountPaid:     money.String(inv.AmountPaidMinor, c),
		AmountCredited: money.String(inv.CreditedMinor, c),
		AmountDue:      money.String(inv.AmountDueMinor(), c),
		DueDate:        inv.DueDate, IssuedAt: inv.IssuedAt,
		Overdue:  inv.Status.Collectible() && inv.DueDate != nil && now.After(*inv.DueDate),
		Customer: Ref{ID: inv.CustomerID}, Version: inv.Version,
	}
}

// InvoiceEvent is an invoice.* event about inv.
func InvoiceEvent(typ string, inv *ent.Invoice, now time.Time) Event {
	return Event{MerchantID: inv.MerchantID, Type: typ, ObjectID: inv.ID, Data: Invoice(inv, now), At: now}
}

// PaymentData is a Payment in an event.
type PaymentData struct {
	ID         string    `json:"id"`
	Invoice    Ref       `json:"invoice"`
	Amount     string    `json:"amount"`
	Currency   string    `json:"currency"`
	Channel    string    `json:"channel"`
	Rule       string    `json:"rule"`
	ExternalID *string   `json:"externalID"`
	ReceivedAt time.Time `json:"receivedAt"`
}

// PaymentEvent is payment.received for p.
func PaymentEvent(p *ent.Payment, now time.Time) Event {
	c, _ := money.Lookup(p.Currency)
	return Event{MerchantID: p.MerchantID, Type: PaymentReceived, ObjectID: p.ID, At: now, Data: PaymentData{
		ID: p.ID, Invoice: Ref{ID: p.InvoiceID}, Amount: money.String(p.AmountMinor, c), Currency: p.Currency,
		Channel: string(p.Channel), Rule: string(p.Rule), ExternalID: p.ExternalID, ReceivedAt: p.ReceivedAt,
	}}
}
