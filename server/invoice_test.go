package main

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/reference"
)

const invoiceFields = `id number reference status draftStep overdue currency description
	items { name quantity unitPrice amount } paymentMethods subtotal total amountPaid amountDue
	dueDate issuedAt sendRequested version customer { name } events { type actor fromStatus toStatus }`

type invoiceData struct {
	ID, Status, DraftStep, Currency          string
	Number, Reference, Description, IssuedAt *string
	Overdue, SendRequested                   bool
	Items                                    []struct{ Name, Quantity, UnitPrice, Amount string }
	PaymentMethods                           []string
	Subtotal, Total, AmountPaid, AmountDue   string
	Version                                  int
	Customer                                 struct{ Name string }
	Events                                   []struct {
		Type, Actor          string
		FromStatus, ToStatus *string
	}
}

func TestInvoiceWizardEndToEnd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Lumen Studio")
		cust := c.createCustomer("Harbor Cafe", "owner@harbor.example")

		// Step 1: customer. The draft resumes at the items step.
		var d struct{ CreateInvoiceDraft invoiceData }
		c.do(`mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c}) { `+invoiceFields+` } }`, map[string]any{"c": cust}, &d)
		inv := d.CreateInvoiceDraft
		if inv.Status != "DRAFT" || inv.Number != nil || inv.Reference != nil || inv.DraftStep != "ITEMS" || inv.Currency != "USD" {
			t.Fatalf("new draft = %+v", inv)
		}
		id := inv.ID

		// Step 2: items, with validation that names the row and field.
		setItems := `mutation($id: ID!, $items: [LineItemInput!]!) { setInvoiceItems(id: $id, items: $items) { ` + invoiceFields + ` } }`
		bad := []struct {
			field string
			items []map[string]any
		}{
			{"items", []map[string]any{}},
			{"items[1].quantity", []map[string]any{{"name": "A", "quantity": "1", "unitPrice": "1.00"}, {"name": "B", "quantity": "0", "unitPrice": "1.00"}}},
			{"items[0].unitPrice", []map[string]any{{"name": "A", "quantity": "1", "unitPrice": "-1.00"}}},
			{"items[0].unitPrice", []map[string]any{{"name": "A", "quantity": "1", "unitPrice": "1.001"}}},
			{"items[0].name", []map[string]any{{"name": " ", "quantity": "1", "unitPrice": "1.00"}}},
			{"items[0].quantity", []map[string]any{{"name": "A", "quantity": 1.5, "unitPrice": "1.00"}}},
			{"items[0].unitPrice", []map[string]any{{"name": "A", "quantity": "1", "unitPrice": "12,50"}}},
			{"items[0].unitPrice", []map[string]any{{"name": "A", "quantity": "1", "unitPrice": "1e3"}}},
		}
		for _, tc := range bad {
			e := c.expectCode("VALIDATION", tc.field, setItems, map[string]any{"id": id, "items": tc.items})
			if e.Message == "" {
				t.Errorf("%s: empty message", tc.field)
			}
		}
		var s struct{ SetInvoiceItems invoiceData }
		c.do(setItems, map[string]any{"id": id, "items": []map[string]any{
			{"name": "Website design", "quantity": "1", "unitPrice": "1200.00"},
			{"name": "Hosting (months)", "quantity": "12", "unitPrice": "25.50"},
			{"name": "Rounding check", "quantity": "2.5", "unitPrice": "0.01"}, // 0.025 -> 0.03, half away from zero
		}}, &s)
		inv = s.SetInvoiceItems
		if inv.Total != "1506.03" || inv.Subtotal != "1506.03" || inv.AmountDue != "1506.03" || inv.Items[1].Amount != "306.00" ||
			inv.Items[2].Amount != "0.03" || inv.Items[0].UnitPrice != "1200.00" || inv.DraftStep != "DESCRIPTION" {
			t.Fatalf("after items: %+v", inv)
		}

		// Step 3: optional description. Step 4: methods, at least one.
		var desc struct{ SetInvoiceDescription invoiceData }
		c.do(`mutation($id: ID!) { setInvoiceDescription(id: $id, description: "  Thank you!  ") { `+invoiceFields+` } }`, map[string]any{"id": id}, &desc)
		if desc.SetInvoiceDescription.Description == nil || *desc.SetInvoiceDescription.Description != "Thank you!" || desc.SetInvoiceDescription.DraftStep != "PAYMENT_METHODS" {
			t.Fatalf("after description: %+v", desc.SetInvoiceDescription)
		}
		c.expectCode("VALIDATION", "methods", `mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: []) { id } }`, map[string]any{"id": id})
		var pm struct{ SetInvoicePaymentMethods invoiceData }
		c.do(`mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD, CRYPTO, INFINI_CARD]) { `+invoiceFields+` } }`, map[string]any{"id": id}, &pm)
		if got := strings.Join(pm.SetInvoicePaymentMethods.PaymentMethods, ","); got != "INFINI_CARD,CRYPTO" || pm.SetInvoicePaymentMethods.DraftStep != "CONFIRM" {
			t.Fatalf("methods = %q, step %s", got, pm.SetInvoicePaymentMethods.DraftStep)
		}
		// Going back to edit items does not move the resume point backwards.
		c.do(setItems, map[string]any{"id": id, "items": []map[string]any{
			{"name": "Website design", "quantity": "1", "unitPrice": "1200.00"},
			{"name": "Hosting (months)", "quantity": "12", "unitPrice": "25.50"},
		}}, &s)
		if s.SetInvoiceItems.DraftStep != "CONFIRM" || s.SetInvoiceItems.Total != "1506.00" {
			t.Fatalf("re-edit: step %s total %s", s.SetInvoiceItems.DraftStep, s.SetInvoiceItems.Total)
		}

		// Step 5: issue ("Create and send" stores the choice).
		var is struct{ IssueInvoice invoiceData }
		c.do(`mutation($id: ID!) { issueInvoice(id: $id, send: true) { `+invoiceFields+` } }`, map[string]any{"id": id}, &is)
		inv = is.IssueInvoice
		if inv.Status != "OPEN" || inv.Number == nil || *inv.Number != "INV-000001" || inv.IssuedAt == nil || !inv.SendRequested {
			t.Fatalf("issued = %+v", inv)
		}
		if inv.Reference == nil {
			t.Fatal("issued invoice has no payment reference")
		}
		if _, err := reference.Normalize(*inv.Reference); err != nil {
			t.Fatalf("reference %q: %v", *inv.Reference, err)
		}
		if inv.Version <= s.SetInvoiceItems.Version {
			t.Fatalf("version %d did not grow past %d", inv.Version, s.SetInvoiceItems.Version)
		}
		// The timeline ends: issued, then (Create and send) the email queued.
		n := len(inv.Events)
		issued, queued := inv.Events[n-2], inv.Events[n-1]
		if issued.Type != "ISSUED" || *issued.FromStatus != "DRAFT" || *issued.ToStatus != "OPEN" || !strings.HasPrefix(issued.Actor, "owner") ||
			queued.Type != "EMAIL_QUEUED" {
			t.Fatalf("timeline = %+v", inv.Events)
		}

		// Issued invoices are frozen.
		c.expectCode("CONFLICT", "", setItems, map[string]any{"id": id, "items": []map[string]any{{"name": "A", "quantity": "1", "unitPrice": "1.00"}}})
		c.expectCode("CONFLICT", "", `mutation($id: ID!) { setInvoiceDescription(id: $id, description: "x") { id } }`, map[string]any{"id": id})
		c.expectCode("CONFLICT", "", `mutation($id: ID!) { issueInvoice(id: $id, send: false) { id } }`, map[string]any{"id": id})
		c.expectCode("CONFLICT", "", `mutation($id: ID!) { deleteInvoiceDraft(id: $id) }`, map[string]any{"id": id})

		// Void, then it cannot be voided again.
		var vo struct{ VoidInvoice invoiceData }
		c.do(`mutation($id: ID!) { voidInvoice(id: $id, reason: "Duplicate") { `+invoiceFields+` } }`, map[string]any{"id": id}, &vo)
		if vo.VoidInvoice.Status != "VOID" || vo.VoidInvoice.AmountDue != "0.00" || vo.VoidInvoice.Events[len(vo.VoidInvoice.Events)-1].Type != "VOIDED" {
			t.Fatalf("voided = %+v", vo.VoidInvoice)
		}
		c.expectCode("CONFLICT", "", `mutation($id: ID!) { voidInvoice(id: $id) { id } }`, map[string]any{"id": id})

		// An incomplete draft cannot be issued; a draft can be deleted.
		var d2 struct{ CreateInvoiceDraft struct{ ID string } }
		c.do(`mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c, currency: "jpy"}) { id } }`, map[string]any{"c": cust}, &d2)
		c.expectCode("VALIDATION", "items", `mutation($id: ID!) { issueInvoice(id: $id, send: false) { id } }`, map[string]any{"id": d2.CreateInvoiceDraft.ID})
		c.do(`mutation($id: ID!) { deleteInvoiceDraft(id: $id) }`, map[string]any{"id": d2.CreateInvoiceDraft.ID}, nil)
		c.expectCode("NOT_FOUND", "", `mutation($id: ID!) { deleteInvoiceDraft(id: $id) }`, map[string]any{"id": d2.CreateInvoiceDraft.ID})
		c.expectCode("VALIDATION", "currency", `mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c, currency: "XYZ"}) { id } }`, map[string]any{"c": cust})
		c.expectCode("NOT_FOUND", "customerID", `mutation { createInvoiceDraft(input: {customerID: "cus_nope"}) { id } }`, nil)

		// Step 1 revisited: another customer, another currency, no due date.
		other := c.createCustomer("Old Mill Bakery", "hello@mill.example")
		var d3 struct{ CreateInvoiceDraft struct{ ID string } }
		c.do(`mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c, dueDate: "2031-01-31T23:59:59Z"}) { id } }`, map[string]any{"c": cust}, &d3)
		draft3 := d3.CreateInvoiceDraft.ID
		c.do(`mutation($id: ID!) { setInvoiceItems(id: $id, items: [{name: "Bread", quantity: "3", unitPrice: "2.50"}]) { id } }`, map[string]any{"id": draft3}, nil)
		var up struct {
			UpdateInvoiceDraft struct {
				Currency, Total string
				DueDate         *string
				Customer        struct{ Name string }
			}
		}
		c.do(`mutation($id: ID!, $c: ID!) { updateInvoiceDraft(id: $id, input: {customerID: $c, currency: "EUR", dueDate: null}) { currency total dueDate customer { name } } }`,
			map[string]any{"id": draft3, "c": other}, &up)
		if u := up.UpdateInvoiceDraft; u.Currency != "EUR" || u.Total != "7.50" || u.DueDate != nil || u.Customer.Name != "Old Mill Bakery" {
			t.Fatalf("updateInvoiceDraft = %+v", u)
		}
		// Prices that do not fit the new currency's minor unit are refused, and nothing changes.
		c.expectCode("VALIDATION", "currency", `mutation($id: ID!) { updateInvoiceDraft(id: $id, input: {currency: "JPY"}) { id } }`, map[string]any{"id": draft3})
		c.do(`mutation($id: ID!) { updateInvoiceDraft(id: $id, input: {}) { currency total } }`, map[string]any{"id": draft3}, &up)
		if up.UpdateInvoiceDraft.Currency != "EUR" || up.UpdateInvoiceDraft.Total != "7.50" {
			t.Fatalf("after a refused change: %+v", up.UpdateInvoiceDraft)
		}
		c.do(`mutation($id: ID!) { deleteInvoiceDraft(id: $id) }`, map[string]any{"id": draft3}, nil)

		// The deleted drafts left no hole: the next issued number is 2.
		if n := c.issue(c.draft(cust)); n != "INV-000002" {
			t.Fatalf("next number = %s, want INV-000002", n)
		}
	})
}

func TestCurrenciesRoundToTheirMinorUnit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Global Trade")
		cust := c.createCustomer("Buyer", "buyer@trade.example")
		for _, tc := range []struct {
			currency, qty, price, amount string
			badPrice                     string
		}{
			{"JPY", "3", "1235", "3705", "1235.5"},
			{"KWD", "1.5", "1.235", "1.853", "1.2345"}, // 1.8525 -> 1.853
			{"USD", "0.333", "1.00", "0.33", "1.005"},
		} {
			var d struct{ CreateInvoiceDraft struct{ ID string } }
			c.do(`mutation($c: ID!, $cur: String) { createInvoiceDraft(input: {customerID: $c, currency: $cur}) { id } }`,
				map[string]any{"c": cust, "cur": tc.currency}, &d)
			var s struct{ SetInvoiceItems struct{ Total string } }
			q := `mutation($id: ID!, $items: [LineItemInput!]!) { setInvoiceItems(id: $id, items: $items) { total } }`
			c.do(q, map[string]any{"id": d.CreateInvoiceDraft.ID, "items": []map[string]any{{"name": "X", "quantity": tc.qty, "unitPrice": tc.price}}}, &s)
			if s.SetInvoiceItems.Total != tc.amount {
				t.Errorf("%s %s x %s = %s, want %s", tc.currency, tc.qty, tc.price, s.SetInvoiceItems.Total, tc.amount)
			}
			c.expectCode("VALIDATION", "items[0].unitPrice", q, map[string]any{"id": d.CreateInvoiceDraft.ID,
				"items": []map[string]any{{"name": "X", "quantity": "1", "unitPrice": tc.badPrice}}})
		}
	})
}

func TestInvoiceNumbersAreGaplessUnderConcurrentIssuing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Busy Shop")
		cust := c.createCustomer("Regular", "regular@busy.example")
		const n = 16
		ids := make([]string, n)
		for i := range ids {
			ids[i] = c.draft(cust)
		}
		numbers := make([]string, n)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				numbers[i] = c.issue(ids[i])
			}()
		}
		wg.Wait()
		sort.Strings(numbers)
		for i, got := range numbers {
			if want := fmt.Sprintf("INV-%06d", i+1); got != want {
				t.Fatalf("numbers = %v; position %d is %s, want %s", numbers, i, got, want)
			}
		}
		// Another merchant numbers from 1 independently.
		other := ta.signUp(t, "Quiet Shop")
		if got := other.issue(other.draft(other.createCustomer("Only", "only@quiet.example"))); got != "INV-000001" {
			t.Fatalf("second merchant's first number = %s", got)
		}
	})
}

func TestInvoiceListFiltersSearchAndOverdue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Filter Shop")
		harbor := c.createCustomer("Harbor Cafe", "owner@harbor.example")
		mill := c.createCustomer("Old Mill Bakery", "hello@mill.example")
		due := time.Now().UTC().Add(48 * time.Hour).Format(time.RFC3339)
		var d struct{ CreateInvoiceDraft struct{ ID string } }
		c.do(`mutation($c: ID!, $due: Time) { createInvoiceDraft(input: {customerID: $c, dueDate: $due}) { id } }`, map[string]any{"c": harbor, "due": due}, &d)
		c.do(`mutation($id: ID!) { setInvoiceItems(id: $id, items: [{name: "Beans", quantity: "3", unitPrice: "12.00"}]) { id } }`, map[string]any{"id": d.CreateInvoiceDraft.ID}, nil)
		c.do(`mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [CRYPTO]) { id } }`, map[string]any{"id": d.CreateInvoiceDraft.ID}, nil)
		withDue := c.issue(d.CreateInvoiceDraft.ID) // INV-000001, due in two days
		millIssued := c.issue(c.draft(mill))        // INV-000002, no due date
		c.draft(mill)                               // a draft

		list := func(where map[string]any) []string {
			t.Helper()
			var out struct {
				Invoices struct {
					TotalCount int
					Edges      []struct{ Node struct{ Number *string } }
				}
			}
			c.do(`query($w: InvoiceWhereInput) { invoices(first: 50, where: $w) { totalCount edges { node { number } } } }`, map[string]any{"w": where}, &out)
			var got []string
			for _, e := range out.Invoices.Edges {
				if e.Node.Number == nil {
					got = append(got, "draft")
				} else {
					got = append(got, *e.Node.Number)
				}
			}
			if out.Invoices.TotalCount != len(got) {
				t.Fatalf("totalCount %d != %d edges", out.Invoices.TotalCount, len(got))
			}
			sort.Strings(got)
			return got
		}
		check := func(name string, where map[string]any, want ...string) {
			t.Helper()
			if got := strings.Join(list(where), ","); got != strings.Join(want, ",") {
				t.Errorf("%s: got [%s], want %v", name, got, want)
			}
		}
		check("all", nil, withDue, millIssued, "draft")
		check("status", map[string]any{"status": "DRAFT"}, "draft")
		check("statusIn", map[string]any{"statusIn": []string{"OPEN", "PAID"}}, withDue, millIssued)
		check("customer", map[string]any{"customerID": mill}, millIssued, "draft")
		check("search by customer", map[string]any{"search": "harbor"}, withDue)
		check("search by email", map[string]any{"search": "MILL.example"}, millIssued, "draft")
		check("search by number", map[string]any{"search": "inv-000002"}, millIssued)
		check("not overdue yet", map[string]any{"overdue": true})

		ta.invoices.SetClock(func() time.Time { return time.Now().UTC().Add(72 * time.Hour) })
		check("overdue after the due date", map[string]any{"overdue": true}, withDue)
		check("not overdue", map[string]any{"overdue": false}, millIssued, "draft")
		var one struct{ Node struct{ Overdue bool } }
		c.do(`query($id: ID!) { node(id: $id) { ... on Invoice { overdue } } }`, map[string]any{"id": d.CreateInvoiceDraft.ID}, &one)
		if !one.Node.Overdue {
			t.Error("invoice past its due date reports overdue: false")
		}

		// The customer's invoices edge.
		var ce struct {
			Node struct{ Invoices struct{ TotalCount int } }
		}
		c.do(`query($id: ID!) { node(id: $id) { ... on Customer { invoices(first: 10) { totalCount } } } }`, map[string]any{"id": mill}, &ce)
		if ce.Node.Invoices.TotalCount != 2 {
			t.Errorf("customer invoices = %d, want 2", ce.Node.Invoices.TotalCount)
		}
		c.expectCode("VALIDATION", "first", `{ invoices(first: 1000) { totalCount } }`, nil)
	})
}
