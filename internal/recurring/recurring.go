package recurring

import (
	"context"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/recurringschedule"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// MaxUpcoming is the most dates Upcoming lists.
const MaxUpcoming = 5

// Clock is the merchant's time (internal/clock).
type Clock interface {
	Now(merchantID string) time.Time
}

// Service keeps the merchants' recurring schedules and runs them.
type Service struct {
	client   *ent.Client
	invoices *invoice.Service
	clock    Clock
	// rowLocks is true on PostgreSQL, where a run and a pause of one
	// schedule queue on its row lock; SQLite serialises writers with
	// BEGIN IMMEDIATE.
	rowLocks bool
}

// NewService returns a Service over client; dia is the database dialect.
func NewService(client *ent.Client, dia string, invoices *invoice.Service, clock Clock) *Service {
	return &Service{client: client, invoices: invoices, clock: clock, rowLocks: dia == dialect.Postgres}
}

// CreateInput is a new schedule.
type CreateInput struct {
	// InvoiceID is the invoice or draft each period copies.
	InvoiceID string
	Interval  recurringschedule.Interval
	// IntervalCount is how many intervals make a period; nil for 1.
	IntervalCount *int
	StartDate     time.Time
	// EndAfterCount and EndDate are nil for no end.
	EndAfterCount *int
	EndDate       *time.Time
	// AutoSend is nil for true.
	AutoSend *bool
}

// maxIntervalCount bounds a period: 365 days, weeks or months.
const maxIntervalCount = 365

// Create makes a schedule from one of the merchant's invoices or drafts. It
// copies what each invoice carries now: later edits of the source change
// nothing.
func (s *Service) Create(ctx context.Context, in CreateInput) (*ent.RecurringSchedule, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, tenant.ErrNoViewer
	}
	count := 1
	if in.IntervalCount != nil {
		count = *in.IntervalCount
	}
	if count < 1 || count > maxIntervalCount {
		return nil, fault.Invalidf("intervalCount", "repeat every 1 to %d %ss", maxIntervalCount, strings.ToLower(string(in.Interval)))
	}
	if err := recurringschedule.IntervalValidator(in.Interval); err != nil {
		return nil, fault.Invalid("interval", "choose DAY, WEEK or MONTH")
	}
	if in.EndAfterCount != nil && *in.EndAfterCount < 1 {
		return nil, fault.Invalid("endAfterCount", "end after at least 1 invoice, or leave it out for no limit")
	}
	start := in.StartDate.UTC()
	if today := startOfDay(s.clock.Now(v.MerchantID)); start.Before(today) {
		return nil, fault.Invalidf("startDate", "the first invoice cannot be in the past; choose %s or later", today.Format(time.DateOnly))
	}
	if in.EndDate != nil && !in.EndDate.After(start) {
		return nil, fault.Invalid("endDate", "the end date must be after the start date")
	}
	autoSend := true
	if in.AutoSend != nil {
		autoSend = *in.AutoSend
	}
	var out *ent.RecurringSchedule
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		src, err := tx.Invoice.Get(ctx, in.InvoiceID)
		if ent.IsNotFound(err) {
			return &fault.Error{Code: fault.CodeNotFound, Field: "invoiceID", Message: "no invoice with this id"}
		}
		if err != nil {
			return err
		}
		if len(src.Items) == 0 {
			return fault.Invalid("invoiceID", "the invoice has no line items; add them before making it recurring")
		}
		if len(src.PaymentMethods) == 0 {
			return fault.Invalid("invoiceID", "the invoice has no payment methods; choose them before making it recurring")
		}
		tpl, err := s.invoices.TemplateOf(ctx, tx, src)
		if err != nil {
			return err
		}
		create := tx.RecurringSchedule.Create().
			SetCustomerID(tpl.CustomerID).
			SetSourceInvoiceID(src.ID).
			SetCurrency(tpl.Currency).
			SetItems(tpl.Items).
			SetNillableDescription(tpl.Description).
			SetPaymentMethods(tpl.PaymentMethods).
			SetNillablePaymentTermsDays(tpl.PaymentTermsDays).
			SetInterval(in.Interval).
			SetIntervalCount(count).
			SetStartDate(start).
			SetNillableEndAfterCount(in.EndAfterCount).
			SetAutoSend(autoSend).
			SetStatus(recurringschedule.StatusACTIVE).
			SetNextRunAt(start)
		if in.EndDate != nil {
			create.SetEndDate(in.EndDate.UTC())
		}
		if tpl.Discount != nil {
			create.SetDiscount(tpl.Discount)
		}
		out, err = create.Save(ctx)
		return err
	})
	return detach(out, err)
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Pause stops an active schedule from making invoices until Resume; the
// periods that pass meanwhile are skipped for good.
func (s *Service) Pause(ctx context.Context, id string) (*ent.RecurringSchedule, error) {
	return s.change(ctx, id, func(rs *ent.RecurringSchedule, upd *ent.RecurringScheduleUpdateOne) error {
		if rs.Status != recurringschedule.StatusACTIVE {
			return conflict("paused", rs.Status)
		}
		upd.SetStatus(recurringschedule.StatusPAUSED).ClearNextRunAt()
		return nil
	})
}

// Resume makes a paused schedule run again from its first period at or
// after the merchant's now. If that period is past the end date the
// schedule ends instead.
func (s *Service) Resume(ctx context.Context, id string) (*ent.RecurringSchedule, error) {
	return s.change(ctx, id, func(rs *ent.RecurringSchedule, upd *ent.RecurringScheduleUpdateOne) error {
		if rs.Status != recurringschedule.StatusPAUSED {
			return conflict("resumed", rs.Status)
		}
		p := periodOf(rs)
		next := p.At(p.Next(s.clock.Now(rs.MerchantID)))
		if ended(rs, rs.Runs, next) {
			upd.SetStatus(recurringschedule.StatusENDED).ClearNextRunAt()
			return nil
		}
		upd.SetStatus(recurringschedule.StatusACTIVE).SetNextRunAt(next)
		return nil
	})
}

// Cancel stops a schedule for good; the invoices it made stay.
func (s *Service) Cancel(ctx context.Context, id string) (*ent.RecurringSchedule, error) {
	return s.change(ctx, id, func(rs *ent.RecurringSchedule, upd *ent.RecurringScheduleUpdateOne) error {
		if rs.Status != recurringschedule.StatusACTIVE && rs.Status != recurringschedule.StatusPAUSED {
			return conflict("cancelled", rs.Status)
		}
		upd.SetStatus(recurringschedule.StatusCANCELLED).ClearNextRunAt()
		return nil
	})
}

func conflict(verb string, st recurringschedule.Status) error {
	return fault.New(fault.CodeConflict, fmt.Sprintf("this schedule is %s and cannot be %s", strings.ToLower(string(st)), verb))
}

// ended reports whether a schedule that has made runs invoices makes none
// at next: its count is reached or next is past its end date.
func ended(rs *ent.RecurringSchedule, runs int, next time.Time) bool {
	return (rs.EndAfterCount != nil && runs >= *rs.EndAfterCount) || (rs.EndDate != nil && next.After(*rs.EndDate))
}

// change runs fn on schedule id, locked against a concurrent run, and saves
// what fn set.
func (s *Service) change(ctx context.Context, id string, fn func(*ent.RecurringSchedule, *ent.RecurringScheduleUpdateOne) error) (*ent.RecurringSchedule, error) {
	var out *ent.RecurringSchedule
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		rs, err := s.lock(ctx, tx, id)
		if ent.IsNotFound(err) {
			return &fault.Error{Code: fault.CodeNotFound, Field: "id", Message: "no recurring schedule with this id"}
		}
		if err != nil {
			return err
		}
		upd := tx.RecurringSchedule.UpdateOne(rs)
		if err := fn(rs, upd); err != nil {
			return err
		}
		out, err = upd.Save(ctx)
		return err
	})
	return detach(out, err)
}

func (s *Service) lock(ctx context.Context, tx *ent.Client, id string) (*ent.RecurringSchedule, error) {
	q := tx.RecurringSchedule.Query().Where(recurringschedule.ID(id))
	if s.rowLocks {
		q.ForUpdate()
	}
	return q.Only(ctx)
}

// Filter narrows the schedule list; zero fields do not filter.
type Filter struct {
	Status     *recurringschedule.Status
	CustomerID *string
}

// Query returns the viewer's schedules matching f, for pagination.
func (s *Service) Query(f Filter) *ent.RecurringScheduleQuery {
	q := s.client.RecurringSchedule.Query()
	if f.Status != nil {
		q.Where(recurringschedule.StatusEQ(*f.Status))
	}
	if f.CustomerID != nil {
		q.Where(recurringschedule.CustomerID(*f.CustomerID))
	}
	return q
}

// Template is what each of rs's invoices copies.
func Template(rs *ent.RecurringSchedule) invoice.Template {
	return invoice.Template{
		MerchantID:       rs.MerchantID,
		CustomerID:       rs.CustomerID,
		Currency:         rs.Currency,
		Items:            rs.Items,
		Discount:         rs.Discount,
		Description:      rs.Description,
		PaymentMethods:   rs.PaymentMethods,
		PaymentTermsDays: rs.PaymentTermsDays,
	}
}

// Upcoming lists when rs makes its next invoices, at most n (MaxUpcoming):
// none once cancelled or ended; for a paused schedule, the dates it would
// run on if resumed now.
func (s *Service) Upcoming(rs *ent.RecurringSchedule, n int) []time.Time {
	n = min(n, MaxUpcoming)
	p := periodOf(rs)
	var k int
	switch {
	case rs.Status == recurringschedule.StatusACTIVE && rs.NextRunAt != nil:
		k = p.Next(*rs.NextRunAt)
	case rs.Status == recurringschedule.StatusPAUSED:
		k = p.Next(s.clock.Now(rs.MerchantID))
	default:
		return []time.Time{}
	}
	out := make([]time.Time, 0, n)
	for runs := rs.Runs; len(out) < n; runs, k = runs+1, k+1 {
		at := p.At(k)
		if ended(rs, runs, at) {
			break
		}
		out = append(out, at)
	}
	return out
}

// detach points a schedule returned from a committed transaction back at
// the main client, so edges resolved later still load.
func detach(rs *ent.RecurringSchedule, err error) (*ent.RecurringSchedule, error) {
	if err != nil || rs == nil {
		return nil, err
	}
	return rs.Unwrap(), nil
}
