package webhook

import (
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/collection"
	"github.com/tally-invoicing/tally/internal/money"
)

// CollectionData is a Collection (money received) in an event.
type CollectionData struct {
	ID           string    `json:"id"`
	Amount       string    `json:"amount"`
	Unallocated  string    `json:"unallocated"`
	Currency     string    `json:"currency"`
	Channel      string    `json:"channel"`
	ReceivedAt   time.Time `json:"receivedAt"`
	Status       string    `json:"status"`
	Text         string    `json:"text"`
	PayerName    string    `json:"payerName"`
	PayerAccount string    `json:"payerAccount"`
	ExternalID   *string   `json:"externalID"`
	CustomerID   *string   `json:"customerID"`
	ReviewReason string    `json:"reviewReason"`
	Statement    string    `json:"statement"`
}

// Collection is col as an event carries it.
func Collection(col *ent.Collection) CollectionData {
	c, _ := money.Lookup(col.Currency)
	return CollectionData{
		ID: col.ID, Amount: money.String(col.AmountMinor, c), Unallocated: money.String(col.UnallocatedMinor, c),
		Currency: col.Currency, Channel: string(col.Channel), ReceivedAt: col.ReceivedAt, Status: string(col.Status),
		Text: col.Text, PayerName: col.PayerName, PayerAccount: col.PayerAccount, ExternalID: col.ExternalID,
		CustomerID: col.CustomerID, ReviewReason: col.ReviewReason, Statement: col.Statement,
	}
}

// Unmatched reports whether col is money Tally could not (fully) match by
// itself, which collection.unmatched reports.
func Unmatched(col *ent.Collection) bool {
	return col.Status == collection.StatusUNMATCHED || col.Status == collection.StatusPARTIAL
}

// CollectionEvent is collection.unmatched for col.
func CollectionEvent(col *ent.Collection, now time.Time) Event {
	return Event{MerchantID: col.MerchantID, Type: CollectionUnmatched, ObjectID: col.ID, At: now, Data: Collection(col)}
}
