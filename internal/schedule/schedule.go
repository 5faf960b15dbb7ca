// Package schedule runs Tally's time-based work: the overdue pass,
// reminders, recurring invoices and webhook retries are Jobs, and the
// Scheduler runs each of them on a timer against internal/clock's time.
//
// A pass has a Scope. Merchants on real time (every merchant, in
// production) share one pass with real "now"; on a development server each
// merchant whose test clock is ahead gets its own pass with its own "now".
// advanceTestClock moves a merchant's clock and runs that merchant's pass
// before it answers. Jobs must be idempotent: two processes, or a pass
// after a crash, may find the same work due, and must do it once (unique
// keys in the database, never in memory).
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/tally-invoicing/tally/internal/clock"
)

// Scope is whose work one pass does: one merchant (MerchantID set), or
// every merchant except Except (those with a test clock of their own).
type Scope struct {
	MerchantID string
	Except     []string
}

// Where restricts a query on a table whose merchant column is column
// (usually "merchant_id") to the scope, e.g.
// client.Invoice.Query().Where(func(s *sql.Selector) { scope.Where(s, invoice.FieldMerchantID) }).
func (sc Scope) Where(s *sql.Selector, column string) {
	if sc.MerchantID != "" {
		s.Where(sql.EQ(s.C(column), sc.MerchantID))
		return
	}
	if len(sc.Except) > 0 {
		args := make([]any, len(sc.Except))
		for i, id := range sc.Except {
			args[i] = id
		}
		s.Where(sql.NotIn(s.C(column), args...))
	}
}

// Includes reports whether merchantID's work is in the scope.
func (sc Scope) Includes(merchantID string) bool {
	if sc.MerchantID != "" {
		return merchantID == sc.MerchantID
	}
	for _, id := range sc.Except {
		if id == merchantID {
			return false
		}
	}
	return true
}

// Job is one kind of time-based work.
type Job struct {
	// Name is how the job is reported: overdue, reminders, recurring, webhooks.
	Name string
	// Run does everything due at now within scope and says how many
	// things it did. It runs with a system context (tenant.System).
	Run func(ctx context.Context, now time.Time, scope Scope) (int, error)
}

// Work is what one job did in a pass.
type Work struct {
	Job   string
	Count int
}

// Scheduler runs jobs on a timer.
type Scheduler struct {
	clock *clock.Clock
	jobs  []Job
	log   *slog.Logger
	// Every is the time between passes.
	Every time.Duration
}

// New returns a scheduler that runs jobs, in order, against c.
func New(c *clock.Clock, jobs ...Job) *Scheduler {
	return &Scheduler{clock: c, jobs: jobs, log: slog.Default(), Every: time.Minute}
}

// Clock is the scheduler's clock.
func (s *Scheduler) Clock() *clock.Clock { return s.clock }

// Add appends a job, for wiring that builds jobs after the scheduler.
func (s *Scheduler) Add(j Job) { s.jobs = append(s.jobs, j) }

// Run runs a pass every Every until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	t := time.NewTicker(s.Every)
	defer t.Stop()
	for {
		if _, err := s.Pass(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("scheduler pass", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Pass runs every job once for merchants on real time, then once for each
// merchant whose test clock is ahead, at its own time.
func (s *Scheduler) Pass(ctx context.Context) ([]Work, error) {
	if err := s.clock.Load(ctx); err != nil {
		return nil, err
	}
	ahead := s.clock.Ahead()
	except := make([]string, 0, len(ahead))
	for id := range ahead {
		except = append(except, id)
	}
	work, err := s.run(ctx, s.clock.Real(), Scope{Except: except})
	for id := range ahead {
		w, e := s.run(ctx, s.clock.Now(id), Scope{MerchantID: id})
		work = merge(work, w)
		err = errors.Join(err, e)
	}
	return work, err
}

// Advance moves merchantID's test clock forward by d and runs everything
// that became due for that merchant, in steps of at most a day so that a
// month's jump sees each day's work in order, before returning its new
// time and what was done.
func (s *Scheduler) Advance(ctx context.Context, merchantID string, d time.Duration) (time.Time, []Work, error) {
	if s.clock.Production() {
		return time.Time{}, nil, clock.ErrProduction
	}
	if d <= 0 || d > clock.MaxAdvance {
		// Let the clock name the limit.
		_, err := s.clock.Advance(ctx, merchantID, d)
		return time.Time{}, nil, err
	}
	var work []Work
	var now time.Time
	for left := d; left > 0; {
		step := min(left, 24*time.Hour)
		var err error
		if now, err = s.clock.Advance(ctx, merchantID, step); err != nil {
			return time.Time{}, nil, err
		}
		w, err := s.run(ctx, now, Scope{MerchantID: merchantID})
		work = merge(work, w)
		if err != nil {
			return now, work, err
		}
		left -= step
	}
	return now, work, nil
}

func (s *Scheduler) run(ctx context.Context, now time.Time, scope Scope) ([]Work, error) {
	var err error
	work := make([]Work, 0, len(s.jobs))
	for _, j := range s.jobs {
		n, e := j.Run(ctx, now, scope)
		if e != nil {
			err = errors.Join(err, fmt.Errorf("%s: %w", j.Name, e))
		}
		work = append(work, Work{Job: j.Name, Count: n})
	}
	return work, err
}

// merge adds b's counts into a, job by job.
func merge(a, b []Work) []Work {
	if a == nil {
		return b
	}
	for _, w := range b {
		found := false
		for i := range a {
			if a[i].Job == w.Job {
				a[i].Count += w.Count
				found = true
			}
		}
		if !found {
			a = append(a, w)
		}
	}
	return a
}
