package bench

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	_ "github.com/lib/pq" // the baseline reads through database/sql

	"github.com/tally-invoicing/tally/ent"
	entemail "github.com/tally-invoicing/tally/ent/email"
	"github.com/tally-invoicing/tally/ent/invoiceevent"
	"github.com/tally-invoicing/tally/internal/auth"
	"github.com/tally-invoicing/tally/internal/clock"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/mail"
	"github.com/tally-invoicing/tally/internal/reminder"
	"github.com/tally-invoicing/tally/internal/schedule"
	"github.com/tally-invoicing/tally/internal/tenant"

	"golang.org/x/crypto/bcrypt"
)

var reminderInvoices = flag.Int("reminder-invoices", 100_000, "open invoices TestReminderPass schedules over")

// TestReminderPass times one scheduler pass (overdue, then reminders)
// over many open invoices on PostgreSQL, against a baseline in the same
// run: one plain SQL SELECT of the same candidate rows (open, remind on,
// due date in the reminder range, the customer's address) through
// database/sql. README.md, section TestReminderPass, says why.
func TestReminderPass(t *testing.T) {
	if os.Getenv("TALLY_BENCH") != "1" {
		t.Skip("set TALLY_BENCH=1 to run the benchmarks")
	}
	n := *reminderInvoices
	ctx := context.Background()
	url := freshSchema(t)
	db, err := database.Open(ctx, url, "", database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	accounts := auth.NewService(db.Client, auth.Options{Mailer: auth.NoResetMail, OnRevoke: func(context.Context, string, string) {}})
	accounts.BcryptCost = bcrypt.MinCost
	session, err := accounts.SignUp(ctx, auth.SignUpInput{MerchantName: "Bench Reminders", Email: "owner@reminders.example", Password: "benchmark password"})
	if err != nil {
		t.Fatal(err)
	}
	merchantID := session.Viewer.MerchantID
	sys := tenant.System(ctx)

	// 100 customers; n open invoices issued 60 days ago, due from 40 days
	// ago to 20 days ahead, spread evenly: about two thirds overdue and
	// about seven in ten with a reminder step due.
	start := time.Now()
	now := time.Now().UTC()
	custs := make([]*ent.CustomerCreate, 100)
	for i := range custs {
		custs[i] = db.Client.Customer.Create().SetMerchantID(merchantID).SetName(fmt.Sprintf("Customer %d", i)).
			SetEmail(fmt.Sprintf("billing%d@customer.example", i))
	}
	cs, err := db.Client.Customer.CreateBulk(custs...).Save(sys)
	if err != nil {
		t.Fatal(err)
	}
	issued := now.AddDate(0, 0, -60)
	for lo := 0; lo < n; lo += 1000 {
		batch := make([]*ent.InvoiceCreate, 0, 1000)
		for i := lo; i < min(lo+1000, n); i++ {
			due := invoice.DueAfter(now.AddDate(0, 0, -40), i*60/n)
			batch = append(batch, db.Client.Invoice.Create().SetMerchantID(merchantID).SetCustomerID(cs[i%len(cs)].ID).
				SetCurrency("USD").SetStatus(status.Open).SetNumber(fmt.Sprintf("INV-%06d", i+1)).
				SetReference(fmt.Sprintf("RFBENCH%09d", i+1)).SetIssuedAt(issued).SetDueDate(due).
				SetItems([]lineitem.Item{}).SetPaymentMethods([]string{"CRYPTO"}).
				SetTotalMinor(25_000).SetSubtotalMinor(25_000))
		}
		if err := db.Client.Invoice.CreateBulk(batch...).Exec(sys); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("seeded %d open invoices in %s", n, time.Since(start).Round(time.Millisecond))

	// Baseline: the candidate rows, read once with plain SQL.
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = raw.Close() }()
	// A server that has 100,000 invoices has statistics about them:
	// autovacuum analyses a table once a tenth of it changed. Without
	// them the planner takes the freshly loaded table for a handful of
	// rows and reads every invoice for each batch of ids.
	if _, err := raw.ExecContext(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	baseStart := time.Now()
	rows, err := raw.QueryContext(ctx, `SELECT i.id, i.due_date, i.issued_at, i.version, c.email, c.language
		FROM invoices i JOIN customers c ON c.id = i.customer_id
		WHERE i.merchant_id = $1 AND i.status IN ('OPEN', 'PARTIALLY_PAID') AND i.remind
		  AND i.due_date < $2 AND NOT c.email_bouncing`, merchantID, now.AddDate(0, 0, 4))
	if err != nil {
		t.Fatal(err)
	}
	candidates := 0
	for rows.Next() {
		var id, email string
		var due, iss time.Time
		var version int
		var lang sql.NullString
		if err := rows.Scan(&id, &due, &iss, &version, &email, &lang); err != nil {
			t.Fatal(err)
		}
		candidates++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	baseline := time.Since(baseStart)

	invoices := invoice.NewService(db.Client, db.Dialect, invoice.Deps{Mailer: invoice.NoMail, Methods: invoice.AnyMethod, Events: invoice.NoEvents, Clock: invoice.RealTime})
	outbox := mail.NewOutbox(db.Client, mail.DevMailbox{}, nil, "https://tally.bench.example", "invoices@bench.example")
	took := map[string]time.Duration{}
	timed := func(name string, run func(context.Context, time.Time, schedule.Scope) (int, error)) schedule.Job {
		return schedule.Job{Name: name, Run: func(ctx context.Context, now time.Time, sc schedule.Scope) (int, error) {
			t0 := time.Now()
			defer func() { took[name] += time.Since(t0) }()
			return run(ctx, now, sc)
		}}
	}
	sched := schedule.New(clock.New(db.Client, false),
		timed("overdue", invoices.MarkOverdue), timed("reminders", reminder.New(db.Client, db.Dialect, outbox).Run))

	passStart := time.Now()
	work, err := sched.Pass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pass := time.Since(passStart)
	t.Logf("first pass by job: overdue %s, reminders %s", took["overdue"].Round(time.Millisecond), took["reminders"].Round(time.Millisecond))
	againStart := time.Now()
	again, err := sched.Pass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	steady := time.Since(againStart)

	reminders, _ := db.Client.Email.Query().Where(entemail.KindEQ(entemail.KindREMINDER)).Count(sys)
	overdue, _ := db.Client.InvoiceEvent.Query().Where(invoiceevent.TypeEQ(invoiceevent.TypeOVERDUE)).Count(sys)
	t.Logf("PostgreSQL, %d open invoices (%d candidate rows for the baseline)", n, candidates)
	t.Logf("first pass (overdue + reminders): %s  work %v  -> %d OVERDUE events, %d reminder emails", pass.Round(time.Millisecond), work, overdue, reminders)
	t.Logf("second pass (nothing new due):     %s  work %v", steady.Round(time.Millisecond), again)
	t.Logf("baseline (plain SELECT of the candidates): %s", baseline.Round(time.Millisecond))
	t.Logf("ratio first pass / baseline: %.1fx; second pass / baseline: %.1fx; goal: first pass < 10s", pass.Seconds()/baseline.Seconds(), steady.Seconds()/baseline.Seconds())
	for _, w := range again {
		if w.Count != 0 {
			t.Errorf("second pass did %d %s, want nothing", w.Count, w.Job)
		}
	}
	if pass > 10*time.Second {
		t.Errorf("one pass over %d open invoices took %s, want < 10s", n, pass)
	}
}
