package collect

import (
	"context"
	"fmt"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/collection"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/webhook"
)

// emitUnmatched reports collection.unmatched for col, through tx, when
// automatic matching left some or all of it unallocated.
func (s *Service) emitUnmatched(ctx context.Context, tx *ent.Client, col *ent.Collection) error {
	if !webhook.Unmatched(col) {
		return nil
	}
	if err := webhook.Emit(ctx, tx, webhook.CollectionEvent(col, s.now())); err != nil {
		return fmt.Errorf("emit collection.unmatched: %w", err)
	}
	return nil
}

// emitImported reports collection.unmatched, in one Emit, for the
// collections ids an import left UNMATCHED or PARTIAL. Nothing is read
// when no endpoint of the merchant wants the event.
func (s *Service) emitImported(ctx context.Context, tx *ent.Client, ids []string) error {
	v := tenant.FromContext(ctx)
	if len(ids) == 0 || v == nil {
		return nil
	}
	if want, err := webhook.Wants(ctx, tx, v.MerchantID, webhook.CollectionUnmatched); err != nil || !want {
		return err
	}
	now := s.now()
	evs := make([]webhook.Event, 0, len(ids))
	const batch = 500
	for i := 0; i < len(ids); i += batch {
		cols, err := tx.Collection.Query().
			Where(collection.IDIn(ids[i:min(i+batch, len(ids))]...), collection.StatusIn(collection.StatusUNMATCHED, collection.StatusPARTIAL)).
			Order(ent.Asc(collection.FieldReceivedAt), ent.Asc(collection.FieldID)).All(ctx)
		if err != nil {
			return fmt.Errorf("imported collections: %w", err)
		}
		for _, col := range cols {
			evs = append(evs, webhook.CollectionEvent(col, now))
		}
	}
	if err := webhook.Emit(ctx, tx, evs...); err != nil {
		return fmt.Errorf("emit collection.unmatched: %w", err)
	}
	return nil
}
