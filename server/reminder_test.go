package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/ent"
	entemail "github.com/tally-invoicing/tally/ent/email"
	"github.com/tally-invoicing/tally/ent/invoiceevent"
	"github.com/tally-invoicing/tally/ent/webhookevent"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/mail"
	"github.com/tally-invoicing/tally/internal/tenant"
)

const advanceClock = `mutation($h: Int!) { advanceTestClock(input: {hours: $h}) { now offsetHours ran { job count } } }`

type testClockOut struct {
	Now         time.Time
	OffsetHours int
	Ran         []struct {
		Job   string
		Count int
	}
}

// ran is how many things job did in the pass an advance ran.
func (o testClockOut) ran(job string) int {
	for _, w := range o.Ran {
		if w.Job == job {
			return w.Count
		}
	}
	return -1
}

func (c *client) advance(hours int) testClockOut {
	c.t.Helper()
	var out struct{ AdvanceTestClock testClockOut }
	c.do(advanceClock, map[string]any{"h": hours}, &out)
	return out.AdvanceTestClock
}

// issueDueIn issues an invoice to customerID due at the end of the day
// days from now (payment terms), without emailing it, and returns its id.
func (c *client) issueDueIn(customerID string, days int) string {
	c.t.Helper()
	var d struct{ CreateInvoiceDraft struct{ ID string } }
	c.do(`mutation($c: ID!, $d: Int!) { createInvoiceDraft(input: {customerID: $c, paymentTermsDays: $d}) { id } }`,
		map[string]any{"c": customerID, "d": days}, &d)
	id := d.CreateInvoiceDraft.ID
	c.do(`mutation($id: ID!) { setInvoiceItems(id: $id, items: [{name: "Retainer", quantity: "1", unitPrice: "250.00"}]) { id } }`, map[string]any{"id": id}, nil)
	c.do(`mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [CRYPTO]) { id } }`, map[string]any{"id": id}, nil)
	c.issue(id)
	return id
}

// reminderRows are the automatic and manual reminders of invoice id,
// oldest first.
func (ta *testApp) reminderRows(t *testing.T, id string) []*ent.Email {
	t.Helper()
	rs, err := ta.db.Client.Email.Query().
		Where(entemail.InvoiceID(id), entemail.KindEQ(entemail.KindREMINDER)).
		Order(ent.Asc(entemail.FieldCreatedAt)).All(tenant.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func (ta *testApp) merchantOf(t *testing.T, invoiceID string) string {
	t.Helper()
	inv, err := ta.db.Client.Invoice.Get(tenant.System(context.Background()), invoiceID)
	if err != nil {
		t.Fatal(err)
	}
	return inv.MerchantID
}

func (ta *testApp) countEvents(t *testing.T, invoiceID string, typ invoiceevent.Type) int {
	t.Helper()
	n, err := ta.db.Client.InvoiceEvent.Query().Where(invoiceevent.InvoiceID(invoiceID), invoiceevent.TypeEQ(typ)).
		Count(tenant.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRemindersThirtyDays drives a month one day at a time with the test
// clock: an invoice due in 10 days on the default schedule [-3, 0, 7, 14]
// is reminded on days 7, 10 and 17, becomes overdue once on day 11, is
// paid on day 18 and is not reminded on day 24.
func TestRemindersThirtyDays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Autopilot Studio")
		cust := c.createCustomer("Ada Lovelace", "ada@example.com")
		id := c.issueDueIn(cust, 10)
		merchantID := ta.merchantOf(t, id)
		sys := tenant.System(context.Background())
		if err := ta.db.Client.WebhookEndpoint.Create().SetMerchantID(merchantID).SetURL("https://partner.example/hooks").
			SetEvents([]string{"invoice.overdue"}).SetSecret("whsec_test").Exec(sys); err != nil {
			t.Fatal(err)
		}

		ws := dialWS(t, ta.srv.URL, nil)
		ws.init(map[string]any{"token": c.token})
		ws.send(wsMessage{Type: "subscribe", ID: "s", Payload: mustJSON(map[string]any{"query": `subscription {
			invoiceStatusChanged { invoice { id } from to type version } }`})})
		time.Sleep(100 * time.Millisecond) // the subscription is registered before the first change

		var remindedOn []int
		overdueOn := 0
		for day := 1; day <= 30; day++ {
			out := c.advance(24)
			if out.OffsetHours != 24*day {
				t.Fatalf("day %d: offsetHours = %d, want %d", day, out.OffsetHours, 24*day)
			}
			if n := out.ran("reminders"); n > 0 {
				remindedOn = append(remindedOn, day)
				if n != 1 {
					t.Errorf("day %d: %d reminders queued, want 1", day, n)
				}
			}
			if n := out.ran("overdue"); n > 0 {
				overdueOn = day
			}
			if day == 7 {
				// The first reminder leaves through the outbox, rendered
				// when sent: the document with the amount due and the
				// payment link, subject "Reminder: ...".
				if _, err := ta.outbox.DeliverDue(context.Background()); err != nil {
					t.Fatal(err)
				}
				rs := ta.reminderRows(t, id)
				if len(rs) != 1 || rs[0].Status != entemail.StatusSENT {
					t.Fatalf("day 7: reminders %v, want one SENT", rs)
				}
				if !strings.HasPrefix(rs[0].Subject, "Reminder: Invoice INV-000001") || rs[0].To != "ada@example.com" {
					t.Errorf("reminder to %q subject %q", rs[0].To, rs[0].Subject)
				}
				if !strings.Contains(rs[0].HTML, "250.00") || !strings.Contains(rs[0].HTML, "/pay/") || !strings.Contains(rs[0].Text, "/pay/") {
					t.Errorf("the sent reminder lacks the amount due or the payment link:\n%s", rs[0].Text)
				}
			}
			if day == 18 {
				c.do(`mutation($id: ID!) { markInvoicePaid(id: $id, input: {channel: BANK_TRANSFER}) { id } }`, map[string]any{"id": id}, nil)
			}
		}
		if !slices.Equal(remindedOn, []int{7, 10, 17}) {
			t.Errorf("reminders on days %v, want [7 10 17]", remindedOn)
		}
		rs := ta.reminderRows(t, id)
		var keys []string
		for _, r := range rs {
			keys = append(keys, *r.DedupeKey)
		}
		want := []string{mail.ReminderKey(id, -3), mail.ReminderKey(id, 0), mail.ReminderKey(id, 7)}
		if !slices.Equal(keys, want) {
			t.Errorf("reminder keys %v, want %v", keys, want)
		}
		if overdueOn != 11 {
			t.Errorf("overdue on day %d, want 11 (due at the end of day 10)", overdueOn)
		}
		if n := ta.countEvents(t, id, invoiceevent.TypeOVERDUE); n != 1 {
			t.Errorf("%d OVERDUE events, want 1", n)
		}
		if n := ta.countEvents(t, id, invoiceevent.TypeEMAIL_QUEUED); n != 3 {
			t.Errorf("%d EMAIL_QUEUED events, want 3", n)
		}
		hooks, err := ta.db.Client.WebhookEvent.Query().Where(webhookevent.Type("invoice.overdue"), webhookevent.ObjectID(id)).All(sys)
		if err != nil {
			t.Fatal(err)
		}
		if len(hooks) != 1 || !strings.Contains(hooks[0].Payload, `"overdue":true`) {
			t.Errorf("invoice.overdue webhooks: %d, want 1 saying overdue", len(hooks))
		}

		// Live: ISSUED happened before subscribing; OVERDUE (OPEN -> OPEN)
		// once, then PAID.
		var types []string
		for range 2 {
			m := ws.receive()
			var r struct {
				Data struct {
					InvoiceStatusChanged struct {
						From, To, Type string
					}
				}
			}
			if err := json.Unmarshal(m.Payload, &r); err != nil {
				t.Fatal(err)
			}
			e := r.Data.InvoiceStatusChanged
			types = append(types, fmt.Sprintf("%s %s->%s", e.Type, e.From, e.To))
		}
		if !slices.Equal(types, []string{"OVERDUE OPEN->OPEN", "PAYMENT_RECEIVED OPEN->PAID"}) {
			t.Errorf("live events %v, want OVERDUE then PAYMENT_RECEIVED", types)
		}
		ws.expectQuiet()
	})
}

// TestRemindersNotSent: no reminder for an invoice marked "don't remind",
// a bouncing customer, a merchant with reminders off, a voided invoice or
// a step that fell before the invoice was issued.
func TestRemindersNotSent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		sys := tenant.System(context.Background())

		quiet := ta.signUp(t, "Quiet Shop")
		cq := quiet.createCustomer("Q", "q@example.com")
		dontRemind := quiet.issueDueIn(cq, 5)
		var set struct{ SetInvoiceReminders struct{ Remind bool } }
		quiet.do(`mutation($id: ID!) { setInvoiceReminders(id: $id, remind: false) { remind } }`, map[string]any{"id": dontRemind}, &set)
		if set.SetInvoiceReminders.Remind {
			t.Fatal("setInvoiceReminders(remind: false) answered remind: true")
		}
		bouncing := quiet.issueDueIn(quiet.createCustomer("B", "bounce@example.com"), 5)
		inv, _ := ta.db.Client.Invoice.Get(sys, bouncing)
		if err := ta.db.Client.Customer.UpdateOneID(inv.CustomerID).SetEmailBouncing(true).Exec(sys); err != nil {
			t.Fatal(err)
		}
		voided := quiet.issueDueIn(cq, 5)
		quiet.do(`mutation($id: ID!) { voidInvoice(id: $id) { id } }`, map[string]any{"id": voided}, nil)
		// Due today: the -3 and 0 steps fell before it was issued (the
		// start of the due day), so the first reminder is a week late, not
		// a "due soon" about an invoice just sent.
		dueToday := quiet.issueDueIn(cq, 0)

		off := ta.signUp(t, "Off Shop")
		off.do(`mutation { updateMerchant(input: {remindersEnabled: false}) { remindersEnabled } }`, nil, nil)
		disabled := off.issueDueIn(off.createCustomer("O", "o@example.com"), 5)

		quiet.advance(24 * 30)
		off.advance(24 * 30)
		for name, id := range map[string]string{"don't remind": dontRemind, "bouncing": bouncing, "void": voided, "reminders off": disabled} {
			if rs := ta.reminderRows(t, id); len(rs) != 0 {
				t.Errorf("%s: %d reminders, want none", name, len(rs))
			}
		}
		var keys []string
		for _, r := range ta.reminderRows(t, dueToday) {
			keys = append(keys, *r.DedupeKey)
		}
		if want := []string{mail.ReminderKey(dueToday, 7), mail.ReminderKey(dueToday, 14)}; !slices.Equal(keys, want) {
			t.Errorf("invoice due on its issue day: reminders %v, want %v", keys, want)
		}
	})
}

// TestRemindersAfterDowntime: when no pass ran for 30 days (the server
// was down, or the clock jumped), an invoice gets one reminder, the latest
// step due, not a burst of every missed step.
func TestRemindersAfterDowntime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Sleepy Shop")
		id := c.issueDueIn(c.createCustomer("S", "s@example.com"), 10)
		ctx := context.Background()
		// The clock moves without a pass, as a stopped server's would.
		if _, err := ta.clock.Advance(ctx, ta.merchantOf(t, id), 30*24*time.Hour); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := ta.scheduler.Pass(ctx); err != nil {
				t.Fatal(err)
			}
		}
		rs := ta.reminderRows(t, id)
		if len(rs) != 1 || *rs[0].DedupeKey != mail.ReminderKey(id, 14) {
			t.Fatalf("after 30 days without a pass: %d reminders, want one at step 14", len(rs))
		}
		if n := ta.countEvents(t, id, invoiceevent.TypeOVERDUE); n != 1 {
			t.Errorf("%d OVERDUE events, want 1", n)
		}
	})
}

// TestRemindersRacingProcesses: two tally processes on one database run
// their passes at the same time, again and again: each invoice gets one
// reminder per step and one OVERDUE event.
func TestRemindersRacingProcesses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		one := startApp(t, b)
		two := startAppAt(t, b.URL)
		c := one.signUp(t, "Busy Shop")
		var ids []string
		for i := range 30 {
			cust := c.createCustomer(fmt.Sprintf("C%d", i), fmt.Sprintf("c%d@example.com", i))
			ids = append(ids, c.issueDueIn(cust, i%12))
		}
		ctx := context.Background()
		if _, err := one.clock.Advance(ctx, one.merchantOf(t, ids[0]), 8*24*time.Hour); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for _, ta := range []*testApp{one, two, one, two} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 5 {
					if _, err := ta.scheduler.Pass(ctx); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("pass: %v", err)
		}
		total := 0
		for i, id := range ids {
			rs := one.reminderRows(t, id)
			if len(rs) != 1 {
				t.Errorf("invoice %d (due in %d days): %d reminders, want 1", i, i%12, len(rs))
			}
			total += len(rs)
			want := 0
			if i%12 < 8 {
				want = 1
			}
			if n := one.countEvents(t, id, invoiceevent.TypeOVERDUE); n != want {
				t.Errorf("invoice %d (due in %d days): %d OVERDUE events, want %d", i, i%12, n, want)
			}
		}
		if total != len(ids) {
			t.Errorf("%d reminders for %d invoices", total, len(ids))
		}
	})
}

// TestReminderCrashBetweenSendAndMark: a worker that handed a reminder to
// the provider and died before marking it leaves one row; later passes
// never queue a second one, and the row is delivered once its lease
// expires. What the outbox guarantees: one row per invoice and step; the
// provider send itself is at least once (the retry carries the same
// tally_email_id, so a duplicate is recognisable).
func TestReminderCrashBetweenSendAndMark(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Crashy Shop")
		id := c.issueDueIn(c.createCustomer("K", "k@example.com"), 4)
		if out := c.advance(24); out.ran("reminders") != 1 {
			t.Fatalf("reminders queued on day 1: %d, want 1 (3 days before due)", out.ran("reminders"))
		}
		sys := tenant.System(context.Background())
		rs := ta.reminderRows(t, id)
		// The dead worker's claim: leased, one attempt, never marked.
		if err := ta.db.Client.Email.UpdateOne(rs[0]).SetLeaseOwner("dead-worker").
			SetLeaseUntil(time.Now().Add(-time.Minute)).AddAttempts(1).Exec(sys); err != nil {
			t.Fatal(err)
		}
		// A process that crashed mid-pass re-runs it: nothing new.
		for range 2 {
			if _, err := ta.scheduler.Pass(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if rs := ta.reminderRows(t, id); len(rs) != 1 {
			t.Fatalf("%d reminder rows after re-running the pass, want 1", len(rs))
		}
		if _, err := ta.outbox.DeliverDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		rs = ta.reminderRows(t, id)
		if len(rs) != 1 || rs[0].Status != entemail.StatusSENT || rs[0].Attempts != 2 {
			t.Fatalf("after the lease expired: %d rows, status %s, attempts %d; want one SENT on attempt 2", len(rs), rs[0].Status, rs[0].Attempts)
		}
	})
}

// TestReminderSettings: the schedule is validated and stored sorted.
func TestReminderSettings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Settings Shop")
		upd := `mutation($s: [Int!]) { updateMerchant(input: {reminderSchedule: $s}) { reminderSchedule remindersEnabled } }`
		var out struct {
			UpdateMerchant struct {
				ReminderSchedule []int
				RemindersEnabled bool
			}
		}
		c.do(`query { viewer { merchant { reminderSchedule remindersEnabled } } }`, nil, nil)
		c.do(upd, map[string]any{"s": []int{14, -3, 0}}, &out)
		if !slices.Equal(out.UpdateMerchant.ReminderSchedule, []int{-3, 0, 14}) || !out.UpdateMerchant.RemindersEnabled {
			t.Errorf("stored %v enabled %v, want [-3 0 14] enabled", out.UpdateMerchant.ReminderSchedule, out.UpdateMerchant.RemindersEnabled)
		}
		for _, bad := range [][]int{{-31}, {91}, {1, 2, 3, 4, 5, 6, 7}, {7, 7}} {
			c.expectCode("VALIDATION", "reminderSchedule", upd, map[string]any{"s": bad})
		}
		c.do(upd, map[string]any{"s": []int{}}, &out)
		if len(out.UpdateMerchant.ReminderSchedule) != 0 {
			t.Errorf("[] stored as %v", out.UpdateMerchant.ReminderSchedule)
		}
	})
}

// TestTestClock: the clock reads and moves per merchant, refuses bad
// hours, and a production server refuses it.
func TestTestClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Clock Shop")
		other := ta.signUp(t, "Other Shop")
		out := c.advance(48)
		if out.OffsetHours != 48 || time.Until(out.Now) < 47*time.Hour {
			t.Errorf("after 48 hours: offset %d, now %v", out.OffsetHours, out.Now)
		}
		var q struct{ TestClock testClockOut }
		other.do(`query { testClock { now offsetHours ran { job } } }`, nil, &q)
		if q.TestClock.OffsetHours != 0 || time.Until(q.TestClock.Now) > time.Hour {
			t.Errorf("another merchant's clock moved: %+v", q.TestClock)
		}
		for _, h := range []int{0, -1, 8761} {
			c.expectCode("VALIDATION", "hours", advanceClock, map[string]any{"h": h})
		}
		ta.anonymous(t).expectCode("UNAUTHENTICATED", "", advanceClock, map[string]any{"h": 1})

		prod := startAppWith(t, b.URL, func(c *config) {
			c.Env = "production"
			c.BaseURL = "https://billing.example.com"
			c.MailgunAPIKey, c.MailgunDomain, c.MailgunSigningKey = "key-test", "mg.example.com", "signing-test"
			c.CryptoWebhookSecrets = strings.Repeat("s", 32)
		})
		p := &client{t: t, url: prod.srv.URL + "/query", token: c.token}
		p.expectCode("FORBIDDEN", "", advanceClock, map[string]any{"h": 1})
	})
}
