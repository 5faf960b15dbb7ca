package main

import (
	"testing"

	"github.com/tally-invoicing/tally/ent/invoiceevent"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// TestOverdueOnTheMerchantsClock: Invoice.overdue, the overdue filter and
// the OVERDUE event follow the merchant's test clock; another merchant's
// identical invoice, on real time, is not overdue.
func TestOverdueOnTheMerchantsClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		late := ta.signUp(t, "Late Shop")
		onTime := ta.signUp(t, "On Time Shop")
		lateID := late.issueDueIn(late.createCustomer("L", "l@example.com"), 2)
		onTimeID := onTime.issueDueIn(onTime.createCustomer("T", "t@example.com"), 2)

		type view struct {
			Invoice  struct{ Overdue bool }
			Invoices struct{ TotalCount int }
		}
		look := func(c *client, id string) view {
			var v view
			c.do(`query($id: ID!) { invoice: node(id: $id) { ... on Invoice { overdue } } invoices(first: 10, where: {overdue: true}) { totalCount } }`,
				map[string]any{"id": id}, &v)
			return v
		}
		if out := late.advance(48); out.ran("overdue") != 0 {
			t.Fatalf("overdue on day 2 (due at its end): %d", out.ran("overdue"))
		}
		if v := look(late, lateID); v.Invoice.Overdue || v.Invoices.TotalCount != 0 {
			t.Fatalf("day 2: %+v, want not overdue", v)
		}
		if out := late.advance(24); out.ran("overdue") != 1 {
			t.Fatalf("day 3: %d invoices marked overdue, want 1", out.ran("overdue"))
		}
		if v := look(late, lateID); !v.Invoice.Overdue || v.Invoices.TotalCount != 1 {
			t.Errorf("day 3 on the merchant's clock: %+v, want overdue and listed", v)
		}
		if v := look(onTime, onTimeID); v.Invoice.Overdue || v.Invoices.TotalCount != 0 {
			t.Errorf("a merchant on real time sees %+v, want not overdue", v)
		}
		late.advance(24 * 5)
		if n := ta.countEvents(t, lateID, invoiceevent.TypeOVERDUE); n != 1 {
			t.Errorf("%d OVERDUE events after a week, want 1", n)
		}
		if n := ta.countEvents(t, onTimeID, invoiceevent.TypeOVERDUE); n != 0 {
			t.Errorf("the other merchant's invoice got %d OVERDUE events", n)
		}
		// The timeline is dated on the merchant's clock too.
		var tl struct {
			Invoice struct {
				IssuedAt string
				Events   []struct {
					Type string
					At   string
				}
			}
		}
		late.do(`query($id: ID!) { invoice: node(id: $id) { ... on Invoice { issuedAt events { type at } } } }`, map[string]any{"id": lateID}, &tl)
		for _, e := range tl.Invoice.Events {
			if e.Type == "OVERDUE" && e.At[:10] <= tl.Invoice.IssuedAt[:10] {
				t.Errorf("OVERDUE dated %s, issued %s: want the merchant's day 3", e.At, tl.Invoice.IssuedAt)
			}
		}
	})
}
