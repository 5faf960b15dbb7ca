package document

import (
	"context"
	"fmt"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/invoice"
)

// Load captures inv with its merchant and customer, read through inv's own
// client (and so filtered by the same merchant).
func Load(ctx context.Context, inv *ent.Invoice, baseURL string) (Snapshot, error) {
	m, err := inv.QueryMerchant().Only(ctx)
	if err != nil {
		return Snapshot{}, fmt.Errorf("document: merchant of %s: %w", inv.ID, err)
	}
	c := inv.Edges.Customer
	if c == nil {
		if c, err = inv.QueryCustomer().Only(ctx); err != nil {
			return Snapshot{}, fmt.Errorf("document: customer of %s: %w", inv.ID, err)
		}
	}
	return FromInvoice(inv, m, c, invoice.CheckoutURL(baseURL, inv)), nil
}
