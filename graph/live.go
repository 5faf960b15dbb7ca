package graph

import (
	"context"

	"github.com/tally-invoicing/tally/graph/model"
	"github.com/tally-invoicing/tally/internal/event"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// statusChanges streams the viewer's merchant's invoice status changes until
// the subscription ends. Only the viewer's merchant is ever subscribed to:
// the bus fans out by merchant id, so other merchants' events never reach
// this function.
func (r *subscriptionResolver) statusChanges(ctx context.Context, invoiceID, customerID *string) (<-chan *model.InvoiceStatusEvent, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, tenant.ErrNoViewer
	}
	var filter func(event.Message) bool
	if invoiceID != nil {
		id := *invoiceID
		filter = func(m event.Message) bool { return m.InvoiceID == id }
	}
	sub := r.Events.Subscribe(v.MerchantID, filter)
	out := make(chan *model.InvoiceStatusEvent, 1)
	go func() {
		defer close(out)
		// Dropped as too slow, or the server is stopping: Receive returns
		// and closing out ends the stream, which tells the client to
		// reconnect and refetch.
		_ = event.Receive(ctx, sub, func(d event.Delivery[*invoice.Change]) bool {
			ch := d.Value
			if ch == nil || (customerID != nil && ch.Invoice.CustomerID != *customerID) {
				return true
			}
			select {
			case out <- &model.InvoiceStatusEvent{Invoice: ch.Invoice, From: ch.From, To: ch.To, Version: ch.Version, At: ch.At, Type: ch.Type}:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	return out, nil
}
