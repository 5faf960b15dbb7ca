package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/schema"
	"github.com/tally-invoicing/tally/ent/webhookendpoint"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Event types, as posted in "type" and chosen in an endpoint's events.
const (
	InvoiceIssued        = "invoice.issued"
	InvoiceSent          = "invoice.sent"
	InvoicePaid          = "invoice.paid"
	InvoicePartiallyPaid = "invoice.partially_paid"
	InvoiceOverdue       = "invoice.overdue"
	InvoiceVoided        = "invoice.voided"
	InvoiceUncollectible = "invoice.marked_uncollectible"
	PaymentReceived      = "payment.received"
	CollectionUnmatched  = "collection.unmatched"
	CreditNoteCreated    = "credit_note.created"
	// All is the wildcard an endpoint subscribes with to receive every type.
	All = "*"
)

// Catalogue is every event type with what it means, in the order the
// partner guide lists them.
var Catalogue = []struct{ Type, Description string }{
	{InvoiceIssued, "An invoice left DRAFT: it has its number and payment reference. data is the Invoice."},
	{InvoiceSent, "An invoice's first email was accepted by the mail provider. data is the Invoice."},
	{InvoicePaid, "An invoice became PAID. data is the Invoice."},
	{InvoicePartiallyPaid, "A payment left an invoice PARTIALLY_PAID. data is the Invoice."},
	{InvoiceOverdue, "An invoice passed its due date unpaid (sent once per invoice). data is the Invoice."},
	{InvoiceVoided, "An invoice was voided. data is the Invoice."},
	{InvoiceUncollectible, "An invoice was written off as UNCOLLECTIBLE. data is the Invoice."},
	{PaymentReceived, "Money was applied to an invoice (checkout, webhook, statement, by hand or from credit). data is the Payment."},
	{CollectionUnmatched, "Money arrived that Tally could not match to an invoice by itself. data is the Collection."},
	{CreditNoteCreated, "A credit note was issued against an invoice. data is the CreditNote."},
}

// Known reports whether t is an event type an endpoint can subscribe to.
func Known(t string) bool {
	if t == All {
		return true
	}
	for _, c := range Catalogue {
		if c.Type == t {
			return true
		}
	}
	return false
}

// Event is one thing to report to a merchant's endpoints.
type Event struct {
	MerchantID string
	Type       string
	// ObjectID is the id of Data's object (inv_..., pay_...).
	ObjectID string
	// Data is the object as the GraphQL API names its fields; it is
	// marshalled to JSON now, so later changes to the object do not change
	// what was reported.
	Data any
	At   time.Time
}

// Envelope is the JSON body posted: {id, type, createdAt, data}.
type Envelope struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	CreatedAt time.Time       `json:"createdAt"`
	Data      json.RawMessage `json:"data"`
}

// Emit records evs through tx, the transaction making the change they
// report: for each event, if any enabled endpoint of its merchant wants its
// type, one WebhookEvent with its payload and one WebhookDelivery per such
// endpoint, due at once. Events no endpoint wants are not stored. One query
// finds the endpoints of every merchant involved, whatever len(evs).
func Emit(ctx context.Context, tx *ent.Client, evs ...Event) error {
	if len(evs) == 0 {
		return nil
	}
	sys := tenant.System(ctx)
	merchants := make([]string, 0, 1)
	for _, e := range evs {
		if !slices.Contains(merchants, e.MerchantID) {
			merchants = append(merchants, e.MerchantID)
		}
	}
	eps, err := tx.WebhookEndpoint.Query().
		Where(webhookendpoint.MerchantIDIn(merchants...), webhookendpoint.StatusEQ(webhookendpoint.StatusENABLED)).
		Select(webhookendpoint.FieldID, webhookendpoint.FieldMerchantID, webhookendpoint.FieldEvents).
		All(sys)
	if err != nil {
		return fmt.Errorf("webhook endpoints: %w", err)
	}
	if len(eps) == 0 {
		return nil
	}
	var events []*ent.WebhookEventCreate
	var deliveries []*ent.WebhookDeliveryCreate
	now := time.Now().UTC()
	for _, e := range evs {
		var want []*ent.WebhookEndpoint
		for _, ep := range eps {
			if ep.MerchantID == e.MerchantID && (slices.Contains(ep.Events, e.Type) || slices.Contains(ep.Events, All)) {
				want = append(want, ep)
			}
		}
		if len(want) == 0 {
			continue
		}
		id, ev, err := eventRow(tx, e)
		if err != nil {
			return err
		}
		events = append(events, ev)
		for _, ep := range want {
			deliveries = append(deliveries, tx.WebhookDelivery.Create().SetMerchantID(e.MerchantID).SetEventID(id).
				SetEndpointID(ep.ID).SetNextAttemptAt(now))
		}
	}
	if len(events) == 0 {
		return nil
	}
	// A pass that emits thousands writes them a few hundred rows per
	// statement, events before the deliveries that point at them.
	for chunk := range slices.Chunk(events, emitChunk) {
		if err := tx.WebhookEvent.CreateBulk(chunk...).Exec(sys); err != nil {
			return fmt.Errorf("webhook: record events: %w", err)
		}
	}
	for chunk := range slices.Chunk(deliveries, emitChunk) {
		if err := tx.WebhookDelivery.CreateBulk(chunk...).Exec(sys); err != nil {
			return fmt.Errorf("webhook: queue deliveries: %w", err)
		}
	}
	// Without a transaction (ErrNoTx) the deliveries are committed
	// already, and the workers' next poll finds them.
	if err := database.OnCommit(ctx, wakeAll); err != nil {
		wakeAll()
	}
	return nil
}

// emitChunk is how many rows one INSERT of Emit writes.
const emitChunk = 500

// eventRow builds e's event row and returns its id.
func eventRow(tx *ent.Client, e Event) (string, *ent.WebhookEventCreate, error) {
	data, err := json.Marshal(e.Data)
	if err != nil {
		return "", nil, fmt.Errorf("webhook %s: encode data: %w", e.Type, err)
	}
	at := e.At
	if at.IsZero() {
		at = time.Now().UTC()
	}
	id := schema.NewID("wev")
	body, err := json.Marshal(Envelope{ID: id, Type: e.Type, CreatedAt: at.UTC(), Data: data})
	if err != nil {
		return "", nil, err
	}
	return id, tx.WebhookEvent.Create().SetID(id).SetMerchantID(e.MerchantID).SetType(e.Type).
		SetObjectID(e.ObjectID).SetPayload(string(body)).SetCreatedAt(at.UTC()), nil
}

// Wants reports whether an enabled endpoint of merchantID subscribes to
// typ, so a caller can skip building events nobody receives.
func Wants(ctx context.Context, tx *ent.Client, merchantID, typ string) (bool, error) {
	eps, err := tx.WebhookEndpoint.Query().
		Where(webhookendpoint.MerchantID(merchantID), webhookendpoint.StatusEQ(webhookendpoint.StatusENABLED)).
		Select(webhookendpoint.FieldEvents).All(tenant.System(ctx))
	if err != nil {
		return false, fmt.Errorf("webhook endpoints: %w", err)
	}
	for _, ep := range eps {
		if slices.Contains(ep.Events, typ) || slices.Contains(ep.Events, All) {
			return true, nil
		}
	}
	return false, nil
}
