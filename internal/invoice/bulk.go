package invoice

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/tally-invoicing/tally/ent"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// MaxBulk is how many invoices one bulk action (send reminders, delete
// drafts, download PDFs) takes.
const MaxBulk = 100

// BulkResult is what a bulk action did to one invoice.
type BulkResult struct {
	ID string
	// Number is the invoice's number; "" for a draft or an id not found.
	Number string
	// Err is why the action was refused or failed; nil when done.
	Err *fault.Error
}

// CheckBulk refuses an empty list, more than MaxBulk ids, or an id given
// twice, naming field.
func CheckBulk(field string, ids []string) error {
	if len(ids) == 0 {
		return fault.Invalid(field, "select at least one invoice")
	}
	if len(ids) > MaxBulk {
		return fault.Invalidf(field, "select at most %d invoices at once (%d given)", MaxBulk, len(ids))
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return fault.Invalidf(field, "invoice %s is given twice", id)
		}
		seen[id] = true
	}
	return nil
}

// SendReminders emails each invoice of ids again, as "Send reminder" on
// its page does (Send), each on its own: one refusal does not stop the
// others.
func (s *Service) SendReminders(ctx context.Context, ids []string, message string) ([]BulkResult, error) {
	return s.bulk(ctx, ids, func(ctx context.Context, inv *ent.Invoice) error {
		_, err := s.Send(ctx, inv.ID, message)
		return err
	})
}

// DeleteDrafts deletes each draft of ids (DeleteDraft): drafts are never
// voided, since they have no number and nothing was sent; an issued
// invoice is refused with CONFLICT and stays as it is.
func (s *Service) DeleteDrafts(ctx context.Context, ids []string) ([]BulkResult, error) {
	return s.bulk(ctx, ids, func(ctx context.Context, inv *ent.Invoice) error {
		if inv.Number != nil {
			return fault.New(fault.CodeConflict, fmt.Sprintf("issued (%s): only drafts can be deleted; void an issued invoice from its page", inv.Status))
		}
		return s.DeleteDraft(ctx, inv.ID)
	})
}

// bulk runs act on each invoice of ids the viewer can see, in the order
// given; ids it cannot see are NOT_FOUND.
func (s *Service) bulk(ctx context.Context, ids []string, act func(context.Context, *ent.Invoice) error) ([]BulkResult, error) {
	if tenant.FromContext(ctx) == nil {
		return nil, tenant.ErrNoViewer
	}
	if err := CheckBulk("ids", ids); err != nil {
		return nil, err
	}
	found, err := s.client.Invoice.Query().Where(entinvoice.IDIn(ids...)).
		Select(entinvoice.FieldID, entinvoice.FieldNumber, entinvoice.FieldStatus).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("bulk action: %w", err)
	}
	byID := make(map[string]*ent.Invoice, len(found))
	for _, inv := range found {
		byID[inv.ID] = inv
	}
	out := make([]BulkResult, len(ids))
	for i, id := range ids {
		out[i].ID = id
		inv := byID[id]
		if inv == nil {
			out[i].Err = fault.New(fault.CodeNotFound, "no such invoice")
			continue
		}
		if inv.Number != nil {
			out[i].Number = *inv.Number
		}
		err := act(ctx, inv)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if f, ok := fault.As(err); ok {
			out[i].Err = f
		} else if ent.IsNotFound(err) {
			out[i].Err = fault.New(fault.CodeNotFound, "no such invoice")
		} else {
			slog.Error("bulk action on an invoice", "invoice", id, "err", err)
			out[i].Err = fault.New(fault.CodeInternal, "internal error; it has been logged")
		}
	}
	return out, nil
}
