package recurring

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/tally-invoicing/tally/ent"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/recurringschedule"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/schedule"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// JobName is how the scheduler reports the recurring job.
const JobName = "recurring"

// Job is the scheduler's job that makes the invoices that became due.
func (s *Service) Job() schedule.Job {
	return schedule.Job{Name: JobName, Run: s.Run}
}

// maxRaces bounds how often one schedule's period is found made by
// another process within a pass before the pass moves on.
const maxRaces = 3

// Run makes, for every active schedule in scope whose next run is at or
// before now, the invoice of each period that is due, oldest first: after
// downtime or a test clock jump, each missed period gets its own invoice,
// numbered in period order and issued now. It returns how many invoices
// it made.
//
// One period is one transaction: the schedule row is locked (PostgreSQL;
// SQLite transactions are immediate), the invoice is made and the schedule
// moved on together, so two processes or a pass after a crash never make a
// period twice. The unique (recurring_schedule_id, recurring_period) index
// is the last guard: a period found made is skipped.
func (s *Service) Run(ctx context.Context, now time.Time, scope schedule.Scope) (int, error) {
	ctx = tenant.System(ctx)
	ids, err := s.client.RecurringSchedule.Query().
		Where(recurringschedule.StatusEQ(recurringschedule.StatusACTIVE), recurringschedule.NextRunAtLTE(now),
			func(sel *sql.Selector) { scope.Where(sel, recurringschedule.FieldMerchantID) }).
		Order(ent.Asc(recurringschedule.FieldNextRunAt), ent.Asc(recurringschedule.FieldID)).
		IDs(ctx)
	if err != nil {
		return 0, fmt.Errorf("due recurring schedules: %w", err)
	}
	made := 0
	var errs error
	for _, id := range ids {
		n, err := s.catchUp(ctx, id, now)
		made += n
		if err != nil {
			errs = errors.Join(errs, fmt.Errorf("recurring schedule %s: %w", id, err))
		}
		if ctx.Err() != nil {
			break
		}
	}
	return made, errs
}

// catchUp runs schedule id's due periods one by one until none is due.
func (s *Service) catchUp(ctx context.Context, id string, now time.Time) (int, error) {
	made, races := 0, 0
	for {
		n, more, err := s.runPeriod(ctx, id, now)
		made += n
		switch {
		case errors.Is(err, invoice.ErrPeriodMade):
			// Another process made it between this one's read and write;
			// its commit moved the schedule on: read it again.
			if races++; races > maxRaces {
				return made, err
			}
			continue
		case err != nil:
			if f, ok := fault.As(err); ok {
				return made, s.halt(ctx, id, f)
			}
			return made, err
		case !more:
			return made, nil
		}
	}
}

// runPeriod makes schedule id's next invoice if it is due at now and moves
// the schedule on, in one transaction. more says another period is due.
func (s *Service) runPeriod(ctx context.Context, id string, now time.Time) (made int, more bool, err error) {
	err = database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		rs, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if rs.Status != recurringschedule.StatusACTIVE || rs.NextRunAt == nil || rs.NextRunAt.After(now) {
			return nil // run by another process, paused or cancelled since the query
		}
		p := periodOf(rs)
		k := p.Next(*rs.NextRunAt)
		done, err := tx.Invoice.Query().Where(entinvoice.RecurringScheduleID(rs.ID), entinvoice.RecurringPeriod(k)).Exist(ctx)
		if err != nil {
			return err
		}
		if !done {
			if _, err := s.invoices.MakeRecurring(ctx, Template(rs), rs.ID, k, rs.AutoSend); err != nil {
				return err
			}
			made = 1
		}
		runs, next := rs.Runs+1, p.At(k+1)
		upd := tx.RecurringSchedule.UpdateOne(rs).SetRuns(runs)
		if ended(rs, runs, next) {
			upd.SetStatus(recurringschedule.StatusENDED).ClearNextRunAt()
		} else {
			upd.SetNextRunAt(next)
			more = !next.After(now)
		}
		return upd.Exec(ctx)
	})
	if err != nil {
		return 0, false, err
	}
	return made, more, nil
}

// halt pauses a schedule whose invoice cannot be made for a reason only
// the merchant can fix (its customer was deleted, say), instead of failing
// every pass; resuming it after the fix carries on.
func (s *Service) halt(ctx context.Context, id string, why *fault.Error) error {
	slog.WarnContext(ctx, "recurring schedule paused: its invoice cannot be made", "schedule", id, "reason", why.Message)
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		return tx.RecurringSchedule.UpdateOneID(id).
			Where(recurringschedule.StatusEQ(recurringschedule.StatusACTIVE)).
			SetStatus(recurringschedule.StatusPAUSED).ClearNextRunAt().Exec(ctx)
	})
	if err != nil && !ent.IsNotFound(err) {
		return fmt.Errorf("pause after %q: %w", why.Message, err)
	}
	return nil
}
