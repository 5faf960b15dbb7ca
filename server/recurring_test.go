package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/email"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/schedule"
	"github.com/tally-invoicing/tally/internal/tenant"
)

const (
	scheduleFields = `id status runs nextRunAt upcoming autoSend interval intervalCount total items { name amount }`
	createSchedule = `mutation($in: CreateRecurringScheduleInput!) { createRecurringSchedule(input: $in) { ` + scheduleFields + ` } }`
	scheduleNode   = `query($id: ID!) { node(id: $id) { ... on RecurringSchedule { ` + scheduleFields + `
		invoices(first: 100) { edges { node { id number reference status draftStep total recurringSchedule { id }
			events { type actor note } } } } } } }`
)

type scheduleData struct {
	ID, Status, Interval, Total string
	Runs, IntervalCount         int
	AutoSend                    bool
	NextRunAt                   *time.Time
	Upcoming                    []time.Time
	Items                       []struct{ Name, Amount string }
	Invoices                    struct {
		Edges []struct{ Node recurringInvoice }
	}
}

type recurringInvoice struct {
	ID, Status, DraftStep, Total string
	Number, Reference            *string
	RecurringSchedule            *struct{ ID string }
	Events                       []struct{ Type, Actor, Note string }
}

func (c *client) newSchedule(in map[string]any) scheduleData {
	c.t.Helper()
	var out struct{ CreateRecurringSchedule scheduleData }
	c.do(createSchedule, map[string]any{"in": in}, &out)
	return out.CreateRecurringSchedule
}

func (c *client) schedule(id string) scheduleData {
	c.t.Helper()
	var out struct{ Node scheduleData }
	c.do(scheduleNode, map[string]any{"id": id}, &out)
	return out.Node
}

func (c *client) scheduleAction(action, id string) scheduleData {
	c.t.Helper()
	var out map[string]scheduleData
	c.do(fmt.Sprintf(`mutation($id: ID!) { %s(id: $id) { %s } }`, action, scheduleFields), map[string]any{"id": id}, &out)
	return out[action]
}

func (s scheduleData) invoices() []recurringInvoice {
	out := make([]recurringInvoice, len(s.Invoices.Edges))
	for i, e := range s.Invoices.Edges {
		out[i] = e.Node
	}
	return out
}

// moveClock moves a merchant's test clock forward by d without running
// anything, in steps the clock accepts.
func (ta *testApp) moveClock(t *testing.T, merchantID string, d time.Duration) time.Time {
	t.Helper()
	var now time.Time
	for d > 0 {
		step := min(d, 365*24*time.Hour)
		var err error
		if now, err = ta.clock.Advance(t.Context(), merchantID, step.Truncate(time.Second)); err != nil {
			t.Fatal(err)
		}
		d -= step
	}
	return now
}

// runTo advances the merchant's test clock to at (as advanceTestClock
// does) and returns how many invoices the recurring job made.
func (ta *testApp) runTo(t *testing.T, merchantID string, at time.Time) int {
	t.Helper()
	d := at.Sub(ta.clock.Now(merchantID)).Truncate(time.Second)
	if d <= 0 {
		t.Fatalf("runTo %s: the clock is already at %s", at, ta.clock.Now(merchantID))
	}
	_, work, err := ta.scheduler.Advance(t.Context(), merchantID, d)
	if err != nil {
		t.Fatal(err)
	}
	return count(work, "recurring")
}

func count(work []schedule.Work, job string) int {
	for _, w := range work {
		if w.Job == job {
			return w.Count
		}
	}
	return -1
}

// periodOf is the stored period of a recurring invoice (not in the API).
func (ta *testApp) periodOf(t *testing.T, invoiceID string) int {
	t.Helper()
	inv, err := ta.db.Client.Invoice.Get(tenant.System(t.Context()), invoiceID)
	if err != nil || inv.RecurringPeriod == nil {
		t.Fatalf("invoice %s: %v, period %v", invoiceID, err, inv)
	}
	return *inv.RecurringPeriod
}

func (ta *testApp) invoiceEmails(t *testing.T, invoiceID string) []*ent.Email {
	t.Helper()
	es, err := ta.db.Client.Email.Query().Where(email.InvoiceID(invoiceID)).All(tenant.System(t.Context()))
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestRecurringMonthlyFromJan31: a monthly schedule started on Jan 31, 2028
// runs on Feb 29 (leap year), Mar 31 and Apr 30, one issued and emailed
// invoice each, numbered in order with distinct references, each made on
// its date and not before.
func TestRecurringMonthlyFromJan31(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Retainer Co")
		mid := c.merchantID()
		cust := c.createCustomer("Harbor Cafe", "owner@harbor.example")
		src := c.draft(cust, map[string]any{"name": "Monthly retainer", "quantity": "1", "unitPrice": "1500.00"})
		c.issue(src) // INV-000001

		ta.moveClock(t, mid, utc("2028-01-30T10:00:00Z").Sub(ta.clock.Now(mid)))
		s := c.newSchedule(map[string]any{"invoiceID": src, "interval": "MONTH", "startDate": "2028-01-31T09:00:00Z"})
		want := []string{"2028-01-31T09:00:00Z", "2028-02-29T09:00:00Z", "2028-03-31T09:00:00Z", "2028-04-30T09:00:00Z", "2028-05-31T09:00:00Z"}
		if s.Status != "ACTIVE" || s.Total != "1500.00" || len(s.Items) != 1 || s.Items[0].Name != "Monthly retainer" || !s.AutoSend ||
			s.NextRunAt == nil || !s.NextRunAt.Equal(utc(want[0])) || len(s.Upcoming) != 5 {
			t.Fatalf("new schedule: %+v", s)
		}
		for i, w := range want {
			if !s.Upcoming[i].Equal(utc(w)) {
				t.Fatalf("upcoming[%d] = %s, want %s", i, s.Upcoming[i], w)
			}
		}

		for k, at := range want[:4] {
			due := utc(at)
			if n := ta.runTo(t, mid, due.Add(-time.Minute)); n != 0 {
				t.Fatalf("period %d: %d invoices made a minute before %s", k+1, n, at)
			}
			if n := ta.runTo(t, mid, due.Add(time.Minute)); n != 1 {
				t.Fatalf("period %d: %d invoices made at %s, want 1", k+1, n, at)
			}
		}

		s = c.schedule(s.ID)
		invs := s.invoices()
		if s.Runs != 4 || s.Status != "ACTIVE" || !s.NextRunAt.Equal(utc(want[4])) || len(invs) != 4 {
			t.Fatalf("after four periods: runs %d status %s next %v, %d invoices", s.Runs, s.Status, s.NextRunAt, len(invs))
		}
		refs := map[string]bool{}
		for k, inv := range invs {
			wantNumber := fmt.Sprintf("INV-%06d", k+2)
			if inv.Number == nil || *inv.Number != wantNumber || inv.Reference == nil || refs[*inv.Reference] ||
				inv.Status != "OPEN" || inv.Total != "1500.00" || inv.RecurringSchedule == nil || inv.RecurringSchedule.ID != s.ID {
				t.Fatalf("invoice %d: %+v, want number %s and a new reference", k+1, inv, wantNumber)
			}
			refs[*inv.Reference] = true
			if p := ta.periodOf(t, inv.ID); p != k+1 {
				t.Fatalf("invoice %s: period %d, want %d", *inv.Number, p, k+1)
			}
			created := inv.Events[0]
			if created.Type != "CREATED" || created.Actor != "system" ||
				created.Note != fmt.Sprintf("made by recurring schedule %s, period %d", s.ID, k+1) {
				t.Fatalf("invoice %s timeline starts with %+v", *inv.Number, created)
			}
			if es := ta.invoiceEmails(t, inv.ID); len(es) != 1 || es[0].Kind != email.KindINVOICE || es[0].To != "owner@harbor.example" {
				t.Fatalf("invoice %s: emails %v, want one INVOICE email to the customer", *inv.Number, es)
			}
		}
	})
}

// TestRecurringDraftsAndEndAfterCount: without autoSend each run leaves a
// draft to check, and endAfterCount 3 makes three and ends.
func TestRecurringDraftsAndEndAfterCount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Daily Bread")
		mid := c.merchantID()
		cust := c.createCustomer("Corner Shop", "shop@corner.example")
		src := c.draft(cust) // a draft is a template too

		start := ta.clock.Now(mid).Add(time.Hour).Truncate(time.Second)
		s := c.newSchedule(map[string]any{"invoiceID": src, "interval": "DAY", "startDate": start.Format(time.RFC3339),
			"endAfterCount": 3, "autoSend": false})
		if len(s.Upcoming) != 3 || !s.Upcoming[2].Equal(start.AddDate(0, 0, 2)) {
			t.Fatalf("upcoming of a 3-run schedule: %v", s.Upcoming)
		}
		if n := ta.runTo(t, mid, start.AddDate(0, 0, 6)); n != 3 {
			t.Fatalf("made %d invoices over 6 days, want 3", n)
		}
		s = c.schedule(s.ID)
		if s.Status != "ENDED" || s.Runs != 3 || s.NextRunAt != nil || len(s.Upcoming) != 0 || len(s.invoices()) != 3 {
			t.Fatalf("ended schedule: %+v", s)
		}
		for _, inv := range s.invoices() {
			if inv.Status != "DRAFT" || inv.DraftStep != "CONFIRM" || inv.Number != nil || len(ta.invoiceEmails(t, inv.ID)) != 0 {
				t.Fatalf("autoSend false: %+v, want a draft at CONFIRM with no email", inv)
			}
		}
		// The merchant checks one and issues it by hand.
		if got := c.issue(s.invoices()[0].ID); got != "INV-000001" {
			t.Fatalf("issued draft got %s", got)
		}
		c.expectCode("CONFLICT", "", `mutation($id: ID!) { pauseRecurringSchedule(id: $id) { id } }`, map[string]any{"id": s.ID})
	})
}

// TestRecurringPauseResumeCancel: periods passed while paused are skipped
// for good; resume continues from the next period; cancel stops.
func TestRecurringPauseResumeCancel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Weekly Wash")
		mid := c.merchantID()
		cust := c.createCustomer("Laundromat", "owner@laundromat.example")
		src := c.draft(cust)
		c.issue(src)

		start := ta.clock.Now(mid).Add(time.Hour).Truncate(time.Second)
		week := func(k int) time.Time { return start.AddDate(0, 0, 7*(k-1)) }
		s := c.newSchedule(map[string]any{"invoiceID": src, "interval": "WEEK", "startDate": start.Format(time.RFC3339)})
		if n := ta.runTo(t, mid, start.Add(time.Minute)); n != 1 {
			t.Fatalf("period 1: made %d", n)
		}
		s = c.scheduleAction("pauseRecurringSchedule", s.ID)
		if s.Status != "PAUSED" || s.NextRunAt != nil {
			t.Fatalf("paused: %+v", s)
		}
		c.expectCode("CONFLICT", "", `mutation($id: ID!) { pauseRecurringSchedule(id: $id) { id } }`, map[string]any{"id": s.ID})
		if n := ta.runTo(t, mid, week(3).Add(time.Hour)); n != 0 {
			t.Fatalf("made %d invoices while paused", n)
		}
		s = c.scheduleAction("resumeRecurringSchedule", s.ID)
		if s.Status != "ACTIVE" || s.NextRunAt == nil || !s.NextRunAt.Equal(week(4)) || !s.Upcoming[0].Equal(week(4)) {
			t.Fatalf("resumed: %+v, want next run %s (periods 2 and 3 skipped)", s, week(4))
		}
		if n := ta.runTo(t, mid, week(4).Add(time.Minute)); n != 1 {
			t.Fatalf("period 4: made %d", n)
		}
		s = c.schedule(s.ID)
		if invs := s.invoices(); len(invs) != 2 || ta.periodOf(t, invs[1].ID) != 4 || s.Runs != 2 {
			t.Fatalf("after resume: runs %d, invoices %+v", s.Runs, invs)
		}

		s = c.scheduleAction("cancelRecurringSchedule", s.ID)
		if s.Status != "CANCELLED" || s.NextRunAt != nil || len(s.Upcoming) != 0 {
			t.Fatalf("cancelled: %+v", s)
		}
		for _, op := range []string{"resumeRecurringSchedule", "cancelRecurringSchedule", "pauseRecurringSchedule"} {
			c.expectCode("CONFLICT", "", fmt.Sprintf(`mutation($id: ID!) { %s(id: $id) { id } }`, op), map[string]any{"id": s.ID})
		}
		if n := ta.runTo(t, mid, week(8)); n != 0 {
			t.Fatalf("made %d invoices after cancel", n)
		}
		if got := len(c.schedule(s.ID).invoices()); got != 2 {
			t.Fatalf("cancel kept %d invoices, want 2", got)
		}
	})
}

// TestRecurringRace: several scheduler passes at once (two per process,
// and on PostgreSQL two processes on one database) over ten due periods
// make exactly one invoice per period, numbered in period order.
func TestRecurringRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		apps := []*testApp{ta}
		if b.Name == "postgres" {
			apps = append(apps, startAppAt(t, b.URL))
		}
		c := ta.signUp(t, "Race Track")
		mid := c.merchantID()
		cust := c.createCustomer("Pit Crew", "crew@pit.example")
		src := c.draft(cust)

		start := ta.clock.Now(mid).Add(time.Hour).Truncate(time.Second)
		s := c.newSchedule(map[string]any{"invoiceID": src, "interval": "DAY", "startDate": start.Format(time.RFC3339)})
		ta.moveClock(t, mid, 10*24*time.Hour) // periods 1 to 10 are due

		var wg sync.WaitGroup
		var mu sync.Mutex
		made := 0
		for _, a := range apps {
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 5 {
						work, err := a.scheduler.Pass(context.Background())
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						made += count(work, "recurring")
						mu.Unlock()
					}
				}()
			}
		}
		wg.Wait()

		s = c.schedule(s.ID)
		invs := s.invoices()
		if made != 10 || len(invs) != 10 || s.Runs != 10 || !s.NextRunAt.Equal(start.AddDate(0, 0, 10)) {
			t.Fatalf("racing passes: reported %d made, %d invoices, runs %d, next %v; want 10, 10, 10", made, len(invs), s.Runs, s.NextRunAt)
		}
		numbers, refs := map[string]int{}, map[string]bool{}
		for _, inv := range invs {
			numbers[*inv.Number] = ta.periodOf(t, inv.ID)
			refs[*inv.Reference] = true
		}
		for k := 1; k <= 10; k++ {
			if p := numbers[fmt.Sprintf("INV-%06d", k)]; p != k {
				t.Fatalf("INV-%06d is period %d, want %d (numbers %v)", k, p, k, numbers)
			}
		}
		if len(refs) != 10 {
			t.Fatalf("%d distinct references, want 10", len(refs))
		}
	})
}

// TestRecurringValidationAndList: what createRecurringSchedule refuses, and
// the list's filters and tenancy.
func TestRecurringValidationAndList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Checker")
		mid := c.merchantID()
		cust := c.createCustomer("Alpha", "alpha@example.com")
		other := c.createCustomer("Beta", "beta@example.com")
		src := c.draft(cust)
		var empty struct{ CreateInvoiceDraft struct{ ID string } }
		c.do(`mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c}) { id } }`, map[string]any{"c": cust}, &empty)

		now := ta.clock.Now(mid)
		tomorrow := now.AddDate(0, 0, 1).Format(time.RFC3339)
		base := func(change map[string]any) map[string]any {
			in := map[string]any{"invoiceID": src, "interval": "MONTH", "startDate": tomorrow}
			for k, v := range change {
				in[k] = v
			}
			return map[string]any{"in": in}
		}
		for _, tc := range []struct {
			code, field string
			change      map[string]any
		}{
			{"VALIDATION", "startDate", map[string]any{"startDate": now.AddDate(0, 0, -1).Format(time.RFC3339)}},
			{"VALIDATION", "endDate", map[string]any{"endDate": now.Format(time.RFC3339)}},
			{"VALIDATION", "endAfterCount", map[string]any{"endAfterCount": 0}},
			{"VALIDATION", "intervalCount", map[string]any{"intervalCount": 0}},
			{"VALIDATION", "intervalCount", map[string]any{"intervalCount": 366}},
			{"VALIDATION", "invoiceID", map[string]any{"invoiceID": empty.CreateInvoiceDraft.ID}},
			{"NOT_FOUND", "invoiceID", map[string]any{"invoiceID": "inv_01jd3qxxxxxxxxxxxxxxxxxxxx"}},
		} {
			c.expectCode(tc.code, tc.field, createSchedule, base(tc.change))
		}
		// Today counts as "today or later" in the merchant's clock.
		first := c.newSchedule(map[string]any{"invoiceID": src, "interval": "WEEK", "intervalCount": 2,
			"startDate": time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).Format(time.RFC3339)})
		src2 := c.draft(other)
		second := c.newSchedule(map[string]any{"invoiceID": src2, "interval": "DAY", "startDate": tomorrow})
		c.scheduleAction("pauseRecurringSchedule", second.ID)

		list := func(c *client, args string) []string {
			var out struct {
				RecurringSchedules struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
			c.do(`{ recurringSchedules(first: 10`+args+`) { edges { node { id } } } }`, nil, &out)
			var ids []string
			for _, e := range out.RecurringSchedules.Edges {
				ids = append(ids, e.Node.ID)
			}
			return ids
		}
		if got := list(c, ""); strings.Join(got, ",") != second.ID+","+first.ID {
			t.Fatalf("newest first: %v", got)
		}
		if got := list(c, ", status: PAUSED"); len(got) != 1 || got[0] != second.ID {
			t.Fatalf("status filter: %v", got)
		}
		if got := list(c, fmt.Sprintf(", customerID: %q", cust)); len(got) != 1 || got[0] != first.ID {
			t.Fatalf("customer filter: %v", got)
		}
		if got := list(c, ", orderBy: {field: NEXT_RUN_AT, direction: ASC}"); len(got) != 2 {
			t.Fatalf("ordered: %v", got)
		}

		// Another merchant sees none of it and cannot touch it.
		stranger := ta.signUp(t, "Stranger")
		if got := list(stranger, ""); len(got) != 0 {
			t.Fatalf("stranger sees %v", got)
		}
		stranger.expectCode("NOT_FOUND", "", `mutation($id: ID!) { cancelRecurringSchedule(id: $id) { id } }`, map[string]any{"id": first.ID})
		stranger.expectCode("NOT_FOUND", "invoiceID", createSchedule, map[string]any{"in": map[string]any{
			"invoiceID": src, "interval": "DAY", "startDate": tomorrow}})
	})
}

// TestDuplicateInvoice: a duplicate is a new draft at the confirm step with
// the source's lines, tax copies, discount, description and methods, its
// own number once issued, and a foreign invoice is not found.
func TestDuplicateInvoice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Copy Shop")
		cust := c.createCustomer("Harbor Cafe", "owner@harbor.example")
		vat := c.rate(map[string]any{"name": "VAT", "percentage": "19"})
		id := c.draft(cust)
		src := c.setTaxed(id, []map[string]any{
			{"name": "Consulting", "quantity": "1.5", "unitPrice": "100.00", "taxRateIDs": []string{vat.ID}},
			{"name": "Books", "quantity": "2", "unitPrice": "31.25", "discountPercent": "20", "taxRateIDs": []string{}},
		}, map[string]any{"percent": "10", "reason": "Loyalty"})
		c.do(`mutation($id: ID!) { setInvoiceDescription(id: $id, description: "Spring work") { id } }`, map[string]any{"id": id}, nil)
		c.do(`mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }`, map[string]any{"id": id}, nil)
		number := c.issue(id)
		// A rate edited since changes neither the source nor its copy.
		c.do(updateRate, map[string]any{"id": vat.ID, "in": map[string]any{"percentage": "21"}}, nil)

		var out struct {
			DuplicateInvoice struct {
				ID, Status, DraftStep string
				Number, Reference     *string
				Description           *string
				PaymentMethods        []string
				DuplicatedFromID      *string
				Events                []struct{ Type, Note string }
			}
		}
		c.do(`mutation($id: ID!) { duplicateInvoice(id: $id) { id status draftStep number reference description paymentMethods
			duplicatedFromID events { type note } } }`, map[string]any{"id": id}, &out)
		d := out.DuplicateInvoice
		if d.ID == id || d.Status != "DRAFT" || d.DraftStep != "CONFIRM" || d.Number != nil || d.Reference != nil ||
			d.Description == nil || *d.Description != "Spring work" || strings.Join(d.PaymentMethods, ",") != "INFINI_CARD" ||
			d.DuplicatedFromID == nil || *d.DuplicatedFromID != id ||
			len(d.Events) != 1 || d.Events[0].Type != "CREATED" || d.Events[0].Note != "duplicated from "+number {
			t.Fatalf("duplicate: %+v", d)
		}
		dup := c.taxedInvoice(d.ID)
		if dup.Subtotal != src.Subtotal || dup.TotalDiscount != src.TotalDiscount || dup.TotalTax != src.TotalTax ||
			dup.Total != src.Total || len(dup.Items) != 2 || dup.Items[0].TaxRates[0].Percentage != "19" ||
			dup.Items[1].DiscountAmount != src.Items[1].DiscountAmount || len(dup.Items[1].TaxRates) != 0 ||
			dup.Discount == nil || *dup.Discount.Percent != "10" || *dup.Discount.Reason != "Loyalty" ||
			!sameRows(breakdownOf(dup), breakdownOf(src)) {
			t.Fatalf("duplicate figures: %+v\nsource: %+v", dup, src)
		}
		if got := c.issue(d.ID); got == number || got == "" {
			t.Fatalf("issued duplicate got number %q (source %s)", got, number)
		}

		stranger := ta.signUp(t, "Stranger")
		stranger.expectCode("NOT_FOUND", "", `mutation($id: ID!) { duplicateInvoice(id: $id) { id } }`, map[string]any{"id": id})
		n, err := ta.db.Client.Invoice.Query().Where(entinvoice.DuplicatedFromID(id)).Count(tenant.System(t.Context()))
		if err != nil || n != 1 {
			t.Fatalf("%d duplicates stored (%v), want 1: the stranger's attempt made none", n, err)
		}
	})
}
