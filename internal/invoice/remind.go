package invoice

import (
	"context"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/invoiceevent"
)

// SetRemind turns automatic reminders off (remind false, "don't remind")
// or back on for one invoice. Manual sends are not affected. The change
// is on the timeline, and bumps the version so live views refetch.
func (s *Service) SetRemind(ctx context.Context, id string, remind bool) (*ent.Invoice, error) {
	return s.update(ctx, id, func(ctx context.Context, tx *ent.Client, inv *ent.Invoice) (*ent.Invoice, error) {
		if inv.Remind == remind {
			return inv, nil
		}
		out, err := tx.Invoice.UpdateOne(inv).SetRemind(remind).AddVersion(1).Save(ctx)
		if err != nil {
			return nil, err
		}
		note := "automatic reminders turned off"
		if remind {
			note = "automatic reminders turned on"
		}
		_, err = recordEvent(ctx, tx, out, invoiceevent.TypeUPDATED, s.Now(out.MerchantID), nil, nil, note)
		return out, err
	})
}
