package mail

import (
	"context"
	"fmt"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/webhook"
)

// emitSent reports invoice.sent for invoice id through tx, the transaction
// that records its first email as accepted by the provider.
func emitSent(ctx context.Context, tx *ent.Client, id string, now time.Time) error {
	inv, err := tx.Invoice.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("load sent invoice: %w", err)
	}
	if err := webhook.Emit(ctx, tx, webhook.InvoiceEvent(webhook.InvoiceSent, inv, now)); err != nil {
		return fmt.Errorf("emit invoice.sent: %w", err)
	}
	return nil
}
