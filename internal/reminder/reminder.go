package reminder

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"golang.org/x/sync/errgroup"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/customer"
	entemail "github.com/tally-invoicing/tally/ent/email"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/merchant"
	"github.com/tally-invoicing/tally/ent/predicate"
	"github.com/tally-invoicing/tally/ent/user"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/mail"
	"github.com/tally-invoicing/tally/internal/schedule"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// DefaultSchedule is a new merchant's schedule: three days before the due
// date, on it, a week and two weeks after.
var DefaultSchedule = []int{-3, 0, 7, 14}

// Queuer is what the job needs from internal/mail's outbox.
type Queuer interface {
	QueueReminders(ctx context.Context, tx *ent.Client, rs []mail.Reminder, at time.Time) ([]mail.Reminder, error)
	Wake()
}

// Job queues due reminders.
type Job struct {
	client  *ent.Client
	outbox  Queuer
	workers int // batches written at once
}

// New returns the job over client; dia is the database dialect.
func New(client *ent.Client, dia string, outbox Queuer) *Job {
	j := &Job{client: client, outbox: outbox, workers: 1}
	if dia == dialect.Postgres {
		j.workers = passWorkers
	}
	return j
}

// batch is how many invoices one transaction reminds.
const batch = 1000

// Run is the scheduler's job: for each merchant in scope with reminders
// on, and each step of its schedule, it finds the invoices whose latest
// due step is that one (a window of due dates, so one query per step and
// batch, not one per invoice) and queues their reminder unless it exists.
// It returns how many reminders it queued.
func (j *Job) Run(ctx context.Context, now time.Time, scope schedule.Scope) (int, error) {
	ctx = tenant.System(ctx)
	ms, err := j.client.Merchant.Query().
		Where(merchant.RemindersEnabled(true), func(s *sql.Selector) { scope.Where(s, merchant.FieldID) }).
		Select(merchant.FieldID, merchant.FieldName, merchant.FieldLanguage, merchant.FieldReminderSchedule).
		All(ctx)
	if err != nil {
		return 0, fmt.Errorf("reminders: merchants: %w", err)
	}
	total := 0
	for _, m := range ms {
		n, err := j.merchant(ctx, m, now)
		total += n
		if err != nil {
			return total, fmt.Errorf("reminders of merchant %s: %w", m.ID, err)
		}
	}
	if total > 0 {
		j.outbox.Wake()
	}
	return total, nil
}

// dayStart is the start (00:00 UTC) of t's day.
func dayStart(t time.Time) time.Time {
	y, mo, d := t.UTC().Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
}

// StepTime is when step s of an invoice due at due is sent: the start of
// the due day (UTC) plus s days.
func StepTime(due time.Time, s int) time.Time { return dayStart(due).AddDate(0, 0, s) }

// dueBefore is the bound on due dates for step s to be due at now:
// StepTime(due, s) <= now exactly when due < dueBefore(now, s).
func dueBefore(now time.Time, s int) time.Time {
	return dayStart(now.AddDate(0, 0, -s)).AddDate(0, 0, 1)
}

func (j *Job) merchant(ctx context.Context, m *ent.Merchant, now time.Time) (int, error) {
	steps := slices.Clone(m.ReminderSchedule)
	if steps == nil {
		steps = DefaultSchedule
	}
	slices.Sort(steps)
	steps = slices.Compact(steps)
	replyTo := ""
	if owner, err := j.client.User.Query().Where(user.MerchantID(m.ID)).Order(ent.Asc(user.FieldCreatedAt)).First(ctx); err == nil {
		replyTo = owner.Email
	} else if !ent.IsNotFound(err) {
		return 0, err
	}
	var total atomic.Int64
	for i, s := range steps {
		// Invoices whose latest due step is s: s is due, the next is not.
		upper := dueBefore(now, s)
		var lower *time.Time
		if i+1 < len(steps) {
			l := dueBefore(now, steps[i+1])
			lower = &l
		}
		where := slices.Clip(candidates(m.ID, s, upper, lower)) // each batch appends its ids to a copy
		// The candidates' ids first, without locks; each batch then locks
		// its own and checks them again, so the pass reads each invoice a
		// bounded number of times however many are due.
		ids, err := j.client.Invoice.Query().Where(where...).IDs(ctx)
		if err != nil {
			return int(total.Load()), err
		}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(j.workers)
		for chunk := range slices.Chunk(ids, batch) {
			g.Go(func() error {
				n, err := j.step(gctx, m, replyTo, s, append(where, entinvoice.IDIn(chunk...)), now)
				total.Add(int64(n))
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return int(total.Load()), err
		}
	}
	return int(total.Load()), nil
}

// passWorkers is how many batches a pass writes at once on PostgreSQL,
// where two transactions' writes proceed side by side (SQLite has one
// writer).
const passWorkers = 2

// candidates selects merchant m's invoices that step s reminds: owed,
// reminders on, due in [lower, upper), a customer address that does not
// bounce, and no reminder at this step yet.
func candidates(merchantID string, s int, upper time.Time, lower *time.Time) []predicate.Invoice {
	key := mail.ReminderKey("", s) // "reminder//<s>": the invoice id goes between
	prefix, suffix := key[:len("reminder/")], key[len("reminder/"):]
	ps := []predicate.Invoice{
		entinvoice.MerchantID(merchantID),
		entinvoice.StatusIn(status.Open, status.PartiallyPaid),
		entinvoice.Remind(true),
		entinvoice.DueDateLT(upper),
		entinvoice.HasCustomerWith(customer.EmailBouncing(false), customer.EmailContains("@")),
		func(sel *sql.Selector) {
			// Not reminded at this step yet: one lookup in the dedupe
			// key's unique index per invoice.
			t := sql.Table(entemail.Table)
			sel.Where(sql.NotExists(sql.Select(t.C("id")).From(t).Where(sql.P(func(b *sql.Builder) {
				b.Ident(t.C("dedupe_key")).WriteString(" = ").Arg(prefix).WriteString(" || ").
					Ident(sel.C(entinvoice.FieldID)).WriteString(" || ").Arg(suffix)
			}))))
		},
	}
	if lower != nil {
		ps = append(ps, entinvoice.DueDateGTE(*lower))
	}
	return ps
}

// step queues, in one transaction, the reminders at step s of the invoices
// where selects (a batch of ids and the candidates' conditions, checked
// again under the batch's row locks). It returns how many it queued.
func (j *Job) step(ctx context.Context, m *ent.Merchant, replyTo string, s int, where []predicate.Invoice, now time.Time) (int, error) {
	queued := 0
	err := database.InTx(ctx, j.client, func(ctx context.Context, tx *ent.Client) error {
		q := tx.Invoice.Query().Where(where...).
			Select(entinvoice.FieldID, entinvoice.FieldMerchantID, entinvoice.FieldCustomerID, entinvoice.FieldNumber,
				entinvoice.FieldDueDate, entinvoice.FieldIssuedAt, entinvoice.FieldVersion)
		// No row locks: the dedupe key's unique index is what makes two
		// processes queue a reminder once, and a reminder whose invoice
		// gets paid before it leaves is not sent (RenderReminder), so
		// locking would only add a write to every invoice read.
		invs, err := q.All(ctx)
		if err != nil || len(invs) == 0 {
			return err
		}
		custIDs := make([]string, 0, len(invs))
		for _, inv := range invs {
			custIDs = append(custIDs, inv.CustomerID)
		}
		custs, err := tx.Customer.Query().Where(customer.IDIn(custIDs...)).
			Select(customer.FieldID, customer.FieldEmail, customer.FieldLanguage).All(ctx)
		if err != nil {
			return err
		}
		byID := make(map[string]*ent.Customer, len(custs))
		for _, c := range custs {
			byID[c.ID] = c
		}
		rs := make([]mail.Reminder, 0, len(invs))
		for _, inv := range invs {
			at := StepTime(*inv.DueDate, s)
			// A step that fell before the invoice existed is never sent.
			if inv.IssuedAt == nil || at.Before(*inv.IssuedAt) {
				continue
			}
			c := byID[inv.CustomerID]
			lang := m.Language
			if c.Language != nil && *c.Language != "" {
				lang = *c.Language
			}
			rs = append(rs, mail.Reminder{Invoice: inv, Step: s, To: c.Email, Lang: lang,
				MerchantName: m.Name, ReplyTo: replyTo, Note: "automatic reminder (" + Describe(s) + ")"})
		}
		done, err := j.outbox.QueueReminders(ctx, tx, rs, now)
		queued = len(done)
		return err
	})
	if err != nil {
		return 0, err
	}
	return queued, nil
}

// Describe names a step for the timeline: "3 days before due", "on the due
// date", "7 days after due".
func Describe(s int) string {
	switch {
	case s == 0:
		return "on the due date"
	case s == -1:
		return "1 day before due"
	case s < 0:
		return fmt.Sprintf("%d days before due", -s)
	case s == 1:
		return "1 day after due"
	default:
		return fmt.Sprintf("%d days after due", s)
	}
}
