package main

import (
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// TestMerchantsCannotSeeOrTouchEachOther is the cross-merchant matrix: every
// way of naming one of merchant A's rows, used by merchant B, behaves exactly
// like an id that does not exist.
func TestMerchantsCannotSeeOrTouchEachOther(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		a := ta.signUp(t, "Merchant A")
		bm := ta.signUp(t, "Merchant B")

		aCust := a.createCustomer("A's customer", "cust@a.example")
		aDraft := a.draft(aCust)
		aOpen := a.draft(aCust)
		a.issue(aOpen)
		var key struct {
			CreateAPIKey struct{ APIKey struct{ ID string } }
		}
		a.do(`mutation { createAPIKey(input: {name: "A's key"}) { apiKey { id } } }`, nil, &key)
		aKey := key.CreateAPIKey.APIKey.ID
		var v struct {
			Viewer struct {
				User     struct{ ID string }
				Merchant struct{ ID string }
			}
		}
		a.do(`{ viewer { user { id } merchant { id } } }`, nil, &v)

		// B's own data, so lists are not trivially empty.
		bCust := bm.createCustomer("B's customer", "cust@b.example")
		bm.issue(bm.draft(bCust))

		// node and nodes: null with NOT_FOUND, for every kind of A's ids.
		for _, id := range []string{aCust, aDraft, aOpen, aKey, v.Viewer.User.ID, v.Viewer.Merchant.ID} {
			_, r := bm.raw(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
			if string(r.Data) != `{"node":null}` || len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "NOT_FOUND" {
				t.Errorf("B node(%s) = %s %+v, want null with NOT_FOUND", id, r.Data, r.Errors)
			}
			_, r = bm.raw(`query($id: ID!) { nodes(ids: [$id]) { id } }`, map[string]any{"id": id})
			if strings.Contains(string(r.Data), id) {
				t.Errorf("B nodes([%s]) leaked it: %s", id, r.Data)
			}
		}
		// A nonexistent id looks the same.
		_, r := bm.raw(`{ node(id: "inv_00000000000000000000000000") { id } }`, nil)
		if string(r.Data) != `{"node":null}` || r.Errors[0].Extensions["code"] != "NOT_FOUND" {
			t.Errorf("unknown id: %s %+v", r.Data, r.Errors)
		}

		// Lists only ever hold B's rows, even when filtered by A's ids.
		var lists struct {
			Invoices, Customers struct{ TotalCount int }
			APIKeys             []struct{ ID string }
		}
		bm.do(`{ invoices(first: 50) { totalCount } customers(first: 50) { totalCount } apiKeys { id } }`, nil, &lists)
		if lists.Invoices.TotalCount != 1 || lists.Customers.TotalCount != 1 || len(lists.APIKeys) != 0 {
			t.Errorf("B lists = %+v, want only B's own rows", lists)
		}
		var filtered struct{ Invoices struct{ TotalCount int } }
		bm.do(`query($c: ID!) { invoices(first: 50, where: {customerID: $c}) { totalCount } }`, map[string]any{"c": aCust}, &filtered)
		if filtered.Invoices.TotalCount != 0 {
			t.Errorf("B invoices filtered by A's customer = %d", filtered.Invoices.TotalCount)
		}
		var search struct{ Customers struct{ TotalCount int } }
		bm.do(`{ customers(first: 50, where: {search: "a.example"}) { totalCount } }`, nil, &search)
		if search.Customers.TotalCount != 0 {
			t.Errorf("B customer search found A's customer")
		}

		// Every mutation on A's ids: NOT_FOUND, and A's data is unchanged.
		for _, m := range []struct{ name, query, id string }{
			{"updateCustomer", `mutation($id: ID!) { updateCustomer(id: $id, input: {name: "Hijacked"}) { id } }`, aCust},
			{"createInvoiceDraft", `mutation($id: ID!) { createInvoiceDraft(input: {customerID: $id}) { id } }`, aCust},
			{"updateInvoiceDraft", `mutation($id: ID!) { updateInvoiceDraft(id: $id, input: {currency: "EUR"}) { id } }`, aDraft},
			{"setInvoiceItems", `mutation($id: ID!) { setInvoiceItems(id: $id, items: [{name: "X", quantity: "1", unitPrice: "1.00"}]) { id } }`, aDraft},
			{"setInvoiceDescription", `mutation($id: ID!) { setInvoiceDescription(id: $id, description: "x") { id } }`, aDraft},
			{"setInvoicePaymentMethods", `mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [CRYPTO]) { id } }`, aDraft},
			{"issueInvoice", `mutation($id: ID!) { issueInvoice(id: $id, send: true) { id } }`, aDraft},
			{"deleteInvoiceDraft", `mutation($id: ID!) { deleteInvoiceDraft(id: $id) }`, aDraft},
			{"voidInvoice", `mutation($id: ID!) { voidInvoice(id: $id) { id } }`, aOpen},
			{"revokeAPIKey", `mutation($id: ID!) { revokeAPIKey(id: $id) { id } }`, aKey},
		} {
			e := bm.fail(m.query, map[string]any{"id": m.id})
			if e.Extensions["code"] != "NOT_FOUND" {
				t.Errorf("B %s(A's id): code %v (%q), want NOT_FOUND", m.name, e.Extensions["code"], e.Message)
			}
		}
		var after struct {
			Customer struct{ Name string }
			Draft    struct {
				Status string
				Items  []struct{ Name string }
			}
			Open    struct{ Status string }
			APIKeys []struct{ RevokedAt *string }
		}
		a.do(`query($c: ID!, $d: ID!, $o: ID!) {
			customer: node(id: $c) { ... on Customer { name } }
			draft: node(id: $d) { ... on Invoice { status items { name } } }
			open: node(id: $o) { ... on Invoice { status } }
			apiKeys { revokedAt } }`, map[string]any{"c": aCust, "d": aDraft, "o": aOpen}, &after)
		if after.Customer.Name != "A's customer" || after.Draft.Status != "DRAFT" || after.Draft.Items[0].Name != "Consulting" ||
			after.Open.Status != "OPEN" || after.APIKeys[0].RevokedAt != nil {
			t.Errorf("A's data changed by B: %+v", after)
		}
	})
}
