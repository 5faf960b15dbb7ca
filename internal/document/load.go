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
	s := FromInvoice(inv, m, c, invoice.CheckoutURL(baseURL, inv))
	// The logo is its own row so that only printing reads its bytes.
	switch l, err := m.QueryLogo().Only(ctx); {
	case err == nil:
		s.Logo = &Logo{ContentType: l.ContentType, Data: l.Data, Width: l.Width, Height: l.Height}
	case !ent.IsNotFound(err):
		return Snapshot{}, fmt.Errorf("document: logo of %s: %w", inv.MerchantID, err)
	}
	return s, nil
}
