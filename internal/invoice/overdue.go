package invoice

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect/sql"
	"golang.org/x/sync/errgroup"

	"github.com/tally-invoicing/tally/ent"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/invoiceevent"
	"github.com/tally-invoicing/tally/ent/predicate"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/event"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/schedule"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/webhook"
)

// overdueBatch is how many invoices one transaction of the overdue pass
// marks: large enough that 100,000 take a hundred transactions, small
// enough that a batch holds its row locks briefly.
const overdueBatch = 1000

// passWorkers is how many batches a pass writes at once on PostgreSQL,
// where the writes of two transactions proceed side by side (SQLite has
// one writer, so there it is one).
const passWorkers = 2

// overdueColumns are what the OVERDUE event, its webhook and the
// announcement need; the items and the document are not read.
var overdueColumns = []string{
	entinvoice.FieldID, entinvoice.FieldMerchantID, entinvoice.FieldCustomerID, entinvoice.FieldNumber,
	entinvoice.FieldReference, entinvoice.FieldStatus, entinvoice.FieldCurrency, entinvoice.FieldTotalMinor,
	entinvoice.FieldAmountPaidMinor, entinvoice.FieldCreditedMinor, entinvoice.FieldDueDate,
	entinvoice.FieldIssuedAt, entinvoice.FieldVersion,
}

// overdueWhere selects the invoices of scope that are owed, past their due
// date at now and not marked yet.
func overdueWhere(now time.Time, scope schedule.Scope) []predicate.Invoice {
	return []predicate.Invoice{
		entinvoice.StatusIn(status.Open, status.PartiallyPaid),
		entinvoice.DueDateNotNil(),
		entinvoice.DueDateLT(now),
		entinvoice.OverdueAtIsNil(),
		func(sel *sql.Selector) { scope.Where(sel, entinvoice.FieldMerchantID) },
	}
}

// MarkOverdue is the scheduler's overdue job: every OPEN or PARTIALLY_PAID
// invoice in scope whose due date is before now, and that has not been
// marked yet, gets overdue_at, a new version, an OVERDUE timeline event
// (from and to its current status), an invoice.overdue webhook and a live
// announcement, exactly once.
//
// It reads the candidates' ids first, without locks (one index range
// scan), then marks them a batch per transaction, each batch rechecking
// the conditions under row locks that a concurrent pass skips: the
// conditional update (overdue_at IS NULL) is what makes two processes mark
// an invoice once, and reading by id keeps the pass linear, where asking
// again for "the next thousand unmarked" would walk past the marked ones
// every time. It returns how many invoices it marked.
func (s *Service) MarkOverdue(ctx context.Context, now time.Time, scope schedule.Scope) (int, error) {
	ctx = tenant.System(ctx)
	ids, err := s.client.Invoice.Query().Where(overdueWhere(now, scope)...).IDs(ctx)
	if err != nil {
		return 0, fmt.Errorf("mark overdue invoices: %w", err)
	}
	workers := 1
	if s.rowLocks {
		workers = passWorkers
	}
	var total atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for chunk := range slices.Chunk(ids, overdueBatch) {
		g.Go(func() error {
			n, err := s.markOverdueBatch(gctx, now, chunk)
			total.Add(int64(n))
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return int(total.Load()), fmt.Errorf("mark overdue invoices: %w", err)
	}
	return int(total.Load()), nil
}

func (s *Service) markOverdueBatch(ctx context.Context, now time.Time, ids []string) (int, error) {
	var announce []event.Message
	marked := 0
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		q := tx.Invoice.Query().
			Where(append(overdueWhere(now, schedule.Scope{}), entinvoice.IDIn(ids...))...).
			Select(overdueColumns...)
		if s.rowLocks {
			// Another process's pass, or a payment holding an invoice,
			// keeps its rows; this pass takes the others. A skipped
			// invoice is marked by the next pass if it is still owed.
			q.ForUpdate(sql.WithLockAction(sql.SkipLocked))
		}
		invs, err := q.All(ctx)
		if err != nil || len(invs) == 0 {
			return err
		}
		ids := make([]string, len(invs))
		for i, inv := range invs {
			ids[i] = inv.ID
		}
		n, err := tx.Invoice.Update().
			Where(entinvoice.IDIn(ids...), entinvoice.OverdueAtIsNil(),
				entinvoice.StatusIn(status.Open, status.PartiallyPaid)).
			SetOverdueAt(now).AddVersion(1).Save(ctx)
		if err != nil {
			return err
		}
		if n != len(ids) {
			// The rows are locked (PostgreSQL) or the database is
			// (SQLite): nothing else can have changed them. Roll back
			// rather than write events for invoices not marked.
			return fmt.Errorf("marked %d of %d locked invoices", n, len(ids))
		}
		evs := make([]*ent.InvoiceEventCreate, len(invs))
		hooks := make([]webhook.Event, len(invs))
		for i, inv := range invs {
			inv.Version++
			inv.OverdueAt = &now
			st := inv.Status
			evs[i] = tx.InvoiceEvent.Create().SetMerchantID(inv.MerchantID).SetInvoiceID(inv.ID).
				SetType(invoiceevent.TypeOVERDUE).SetAt(now).SetActor("system").
				SetFromStatus(st).SetToStatus(st).SetInvoiceVersion(inv.Version).
				SetNote("unpaid past its due date of " + inv.DueDate.UTC().Format(time.DateOnly))
			hooks[i] = webhook.InvoiceEvent(webhook.InvoiceOverdue, inv, now)
		}
		saved, err := tx.InvoiceEvent.CreateBulk(evs...).Save(ctx)
		if err != nil {
			return fmt.Errorf("record OVERDUE events: %w", err)
		}
		if err := webhook.Emit(ctx, tx, hooks...); err != nil {
			return err
		}
		announce = make([]event.Message, len(saved))
		for i, ev := range saved {
			announce[i] = event.Message{MerchantID: ev.MerchantID, InvoiceID: ev.InvoiceID, EventID: ev.ID}
		}
		marked = len(invs)
		return nil
	})
	if err != nil {
		return 0, err
	}
	if len(announce) > 0 {
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := s.events.PublishAll(pctx, announce); err != nil {
			// Committed; a lost announcement only delays a screen that
			// refetches on reconnect.
			slog.Warn("announcing overdue invoices", "invoices", len(announce), "err", err)
		}
	}
	return marked, nil
}
