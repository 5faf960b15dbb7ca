package main

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/tenant"
)

const receivablesQuery = `{ receivables { currency outstanding outstandingCount overdue overdueCount
	paidLast30Days paymentCount aging { bucket amount invoiceCount } } }`

type agingOut struct {
	Bucket, Amount string
	InvoiceCount   int
}

type receivablesOut struct {
	Currency                       string
	Outstanding, Overdue           string
	OutstandingCount, OverdueCount int
	PaidLast30Days                 string
	PaymentCount                   int
	Aging                          []agingOut
}

// issuedIn issues an invoice of one line at price in currency to
// customerID, without emailing it, and returns its id.
func (c *client) issuedIn(customerID, currency, price string) string {
	c.t.Helper()
	id := c.newDraft(customerID, currency)
	c.do(`mutation($id: ID!, $p: Decimal!) { setInvoiceItems(id: $id, items: [{name: "Work", quantity: "1", unitPrice: $p}], ) { id } }`,
		map[string]any{"id": id, "p": price}, nil)
	c.do(`mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }`, map[string]any{"id": id}, nil)
	c.issue(id)
	return id
}

// pay records money for invoice id received at at and returns the payment's id.
func (c *client) pay(id, amount string, at time.Time) string {
	c.t.Helper()
	var out struct {
		MarkInvoicePaid struct{ Payments []struct{ ID string } }
	}
	c.do(`mutation($id: ID!, $in: MarkInvoicePaidInput!) { markInvoicePaid(id: $id, input: $in) { payments { id } } }`,
		map[string]any{"id": id, "in": map[string]any{"amount": amount, "channel": "BANK_TRANSFER", "receivedAt": at.Format(time.RFC3339)}}, &out)
	p := out.MarkInvoicePaid.Payments
	return p[len(p)-1].ID
}

// setDue moves invoice id's due date (nil: none), as time would have.
func (ta *testApp) setDue(t *testing.T, id string, due *time.Time) {
	t.Helper()
	u := ta.db.Client.Invoice.UpdateOneID(id)
	if due == nil {
		u.ClearDueDate()
	} else {
		u.SetDueDate(due.UTC())
	}
	if err := u.Exec(tenant.System(context.Background())); err != nil {
		t.Fatal(err)
	}
}

// TestReceivables checks every figure of Query.receivables against sums
// done by hand: partial payments and a credit note lower what is owed,
// paid, void and draft invoices owe nothing, payments outside the last 30
// days and undone ones do not count, two currencies stay apart, another
// merchant's invoices are not seen, the aging buckets follow the
// merchant's test clock (ten days ahead), and a read-only API key gets the
// same answer. The aging filter of the invoice list returns the invoices
// of each bucket.
func TestReceivables(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Money Shop")
		other := ta.signUp(t, "Other Shop")
		other.issuedIn(other.createCustomer("O", "o@example.com"), "USD", "999.00")

		var empty struct{ Receivables []receivablesOut }
		c.do(receivablesQuery, nil, &empty)
		if len(empty.Receivables) != 0 {
			t.Fatalf("a new merchant's receivables: %+v, want none", empty.Receivables)
		}

		now := c.advance(24 * 10).Now.UTC()
		day := 24 * time.Hour
		at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
		alice := c.createCustomer("Alice", "alice@example.com")
		bob := c.createCustomer("Bob", "bob@example.com")

		noDue := c.issuedIn(alice, "USD", "100.00")
		ta.setDue(t, noDue, nil)
		partial := c.issuedIn(alice, "USD", "200.00") // due in 5 days, 50 paid today
		ta.setDue(t, partial, at(5*day))
		c.pay(partial, "50.00", now.Add(-time.Hour))
		credited := c.issuedIn(bob, "USD", "300.00") // 10 days late, 40 credited
		ta.setDue(t, credited, at(-10*day))
		c.creditNote(map[string]any{"invoiceID": credited, "reason": "Late delivery", "amount": "40.00"})
		late45 := c.issuedIn(bob, "USD", "400.00") // 45 days late, 100 paid 40 days ago
		ta.setDue(t, late45, at(-45*day))
		c.pay(late45, "100.00", now.Add(-40*day))
		late75 := c.issuedIn(bob, "USD", "500.00")
		ta.setDue(t, late75, at(-75*day))
		late120 := c.issuedIn(alice, "USD", "600.00")
		ta.setDue(t, late120, at(-120*day))
		paid := c.issuedIn(alice, "USD", "700.00") // paid in full 2 days ago
		ta.setDue(t, paid, at(-20*day))
		c.pay(paid, "700.00", now.Add(-2*day))
		void := c.issuedIn(alice, "USD", "800.00")
		ta.setDue(t, void, at(-20*day))
		c.do(`mutation($id: ID!) { voidInvoice(id: $id) { id } }`, map[string]any{"id": void}, nil)
		c.newDraft(alice, "USD")                    // a draft owes nothing yet
		undone := c.issuedIn(alice, "USD", "50.00") // paid, then the payment taken back
		ta.setDue(t, undone, at(2*day))
		pay := c.pay(undone, "50.00", now.Add(-time.Hour))
		c.do(`mutation($id: ID!) { undoAllocation(id: $id) { id } }`, map[string]any{"id": pay}, nil)
		euro := c.issuedIn(bob, "EUR", "1000.00") // 3 days late, 250 paid
		ta.setDue(t, euro, at(-3*day))
		c.pay(euro, "250.00", now.Add(-day))

		want := []receivablesOut{
			{Currency: "EUR", Outstanding: "750.00", OutstandingCount: 1, Overdue: "750.00", OverdueCount: 1,
				PaidLast30Days: "250.00", PaymentCount: 1, Aging: []agingOut{
					{"CURRENT", "0.00", 0}, {"DAYS_1_30", "750.00", 1}, {"DAYS_31_60", "0.00", 0}, {"DAYS_61_90", "0.00", 0}, {"OVER_90", "0.00", 0}}},
			// 100 + 150 + 260 + 300 + 500 + 600 + 50; overdue 260 + 300 + 500 + 600; paid 50 + 700.
			{Currency: "USD", Outstanding: "1960.00", OutstandingCount: 7, Overdue: "1660.00", OverdueCount: 4,
				PaidLast30Days: "750.00", PaymentCount: 2, Aging: []agingOut{
					{"CURRENT", "300.00", 3}, {"DAYS_1_30", "260.00", 1}, {"DAYS_31_60", "300.00", 1}, {"DAYS_61_90", "500.00", 1}, {"OVER_90", "600.00", 1}}},
		}
		var got struct{ Receivables []receivablesOut }
		c.do(receivablesQuery, nil, &got)
		if !reflect.DeepEqual(got.Receivables, want) {
			t.Errorf("receivables:\n got %+v\nwant %+v", got.Receivables, want)
		}
		var byKey struct{ Receivables []receivablesOut }
		c.apiKey("READ").do(receivablesQuery, nil, &byKey)
		if !reflect.DeepEqual(byKey.Receivables, want) {
			t.Errorf("receivables with a read-only API key:\n got %+v\nwant %+v", byKey.Receivables, want)
		}

		// Each bucket filters the invoice list to the invoices it counts.
		for bucket, ids := range map[string][]string{
			"CURRENT":    {noDue, partial, undone},
			"DAYS_1_30":  {credited, euro},
			"DAYS_31_60": {late45},
			"DAYS_61_90": {late75},
			"OVER_90":    {late120},
		} {
			var list struct {
				Invoices struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
			c.do(`query($a: AgingBucket!) { invoices(first: 50, where: {aging: $a}) { edges { node { id } } } }`,
				map[string]any{"a": bucket}, &list)
			seen := map[string]bool{}
			for _, e := range list.Invoices.Edges {
				seen[e.Node.ID] = true
			}
			wantSeen := map[string]bool{}
			for _, id := range ids {
				wantSeen[id] = true
			}
			if !reflect.DeepEqual(seen, wantSeen) {
				t.Errorf("invoices in %s: %v, want %v", bucket, seen, wantSeen)
			}
		}

		// Thirty-one days later the payments have left the window; the
		// invoices due in 5 and 2 days are 26 and 29 days late, the credited
		// one 41.
		c.advance(24 * 31)
		c.do(receivablesQuery, nil, &got)
		usd := got.Receivables[1]
		if usd.PaidLast30Days != "0.00" || usd.PaymentCount != 0 {
			t.Errorf("paid in the last 30 days, a month on: %s (%d), want 0.00 (0)", usd.PaidLast30Days, usd.PaymentCount)
		}
		wantAging := []agingOut{{"CURRENT", "100.00", 1}, {"DAYS_1_30", "200.00", 2}, {"DAYS_31_60", "260.00", 1}, {"DAYS_61_90", "300.00", 1}, {"OVER_90", "1100.00", 2}}
		if !reflect.DeepEqual(usd.Aging, wantAging) {
			t.Errorf("aging a month on:\n got %+v\nwant %+v", usd.Aging, wantAging)
		}
	})
}
