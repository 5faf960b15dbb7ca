package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// A page of 50 invoices with their customers and items is a fixed number of
// SQL statements whatever the page size: no N+1.
func TestInvoicePageCostsAConstantNumberOfQueries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Volume Shop")
		var custs []string
		for i := range 10 {
			custs = append(custs, c.createCustomer(fmt.Sprintf("Customer %d", i), fmt.Sprintf("c%d@volume.example", i)))
		}
		for i := range 60 {
			id := c.draft(custs[i%len(custs)],
				map[string]any{"name": "Item A", "quantity": "2", "unitPrice": "10.00"},
				map[string]any{"name": "Item B", "quantity": "1", "unitPrice": "5.50"})
			if i%2 == 0 {
				c.issue(id)
			}
		}
		const page = `query($n: Int!) { invoices(first: $n) { totalCount pageInfo { hasNextPage endCursor }
			edges { node { id number status overdue total amountDue customer { id name email } items { name quantity unitPrice amount } } } } }`
		count := func(n int) int64 {
			before := ta.queries.Load()
			var out struct {
				Invoices struct {
					TotalCount int
					Edges      []struct {
						Node struct {
							Customer struct{ Name string }
							Items    []struct{ Amount string }
						}
					}
				}
			}
			c.do(page, map[string]any{"n": n}, &out)
			if len(out.Invoices.Edges) != n || out.Invoices.TotalCount != 60 || out.Invoices.Edges[0].Node.Customer.Name == "" || len(out.Invoices.Edges[0].Node.Items) != 2 {
				t.Fatalf("page of %d: got %d edges, total %d", n, len(out.Invoices.Edges), out.Invoices.TotalCount)
			}
			return ta.queries.Load() - before
		}
		q5, q50 := count(5), count(50)
		// Authentication reads the session and its user before the page.
		const auth = 2
		if q50 != q5 || q50-auth > 4 {
			t.Fatalf("SQL statements: page of 5 = %d, page of 50 = %d (incl. %d for auth); want equal and at most 4 for the page", q5, q50, auth)
		}
		t.Logf("%s: %d statements for a page of 50 (%d of them authentication)", b.Name, q50, auth)
	})
}

// Data survives a restart, and starting again on an existing database
// migrates without losing anything.
func TestRestartKeepsData(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		first := startAppAt(t, b.URL)
		c := first.signUp(t, "Durable Shop")
		cust := c.createCustomer("Kept", "kept@durable.example")
		number := c.issue(c.draft(cust))
		token := c.token
		first.srv.Close()
		_ = first.Close()

		second := startAppAt(t, b.URL)
		again := second.anonymous(t)
		again.token = token
		var out struct {
			Invoices struct {
				Edges []struct {
					Node struct {
						Number   string
						Customer struct{ Email string }
					}
				}
			}
		}
		again.do(`{ invoices(first: 5) { edges { node { number customer { email } } } } }`, nil, &out)
		if len(out.Invoices.Edges) != 1 || out.Invoices.Edges[0].Node.Number != number || out.Invoices.Edges[0].Node.Customer.Email != "kept@durable.example" {
			t.Fatalf("after restart: %+v", out)
		}
		if n := again.issue(again.draft(cust)); n != "INV-000002" {
			t.Fatalf("numbering after restart = %s", n)
		}
	})
}

func TestCustomers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "People Shop")
		create := `mutation($n: String!, $e: String!) { createCustomer(input: {name: $n, email: $e}) { id name email } }`
		c.expectCode("VALIDATION", "name", create, map[string]any{"n": "  ", "e": "a@b.example"})
		c.expectCode("VALIDATION", "email", create, map[string]any{"n": "Ana", "e": "ana@"})
		c.expectCode("VALIDATION", "email", create, map[string]any{"n": "Ana", "e": "ana@localhost"})
		zoe := c.createCustomer("Zoë Adler", "Zoe@Adler.Example")
		c.createCustomer("Bruno Costa", "bruno@costa.example")
		c.createCustomer("Chen Wei 陈伟", "chen@wei.example")
		e := c.expectCode("VALIDATION", "email", create, map[string]any{"n": "Zoe again", "e": "zoe@adler.example"})
		if !strings.Contains(e.Message, "already exists") {
			t.Errorf("duplicate message = %q", e.Message)
		}
		// The same email at another merchant is fine.
		ta.signUp(t, "Other Shop").createCustomer("Zoë Adler", "zoe@adler.example")

		names := func(query string, vars map[string]any) string {
			var out struct {
				Customers struct {
					Edges    []struct{ Node struct{ Name string } }
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
			c.do(query, vars, &out)
			var n []string
			for _, e := range out.Customers.Edges {
				n = append(n, e.Node.Name)
			}
			return strings.Join(n, "|")
		}
		if got := names(`{ customers(first: 10) { edges { node { name } } } }`, nil); got != "Bruno Costa|Chen Wei 陈伟|Zoë Adler" {
			t.Errorf("default order = %s", got)
		}
		if got := names(`{ customers(first: 10, orderBy: {field: EMAIL, direction: DESC}) { edges { node { name } } } }`, nil); got != "Zoë Adler|Chen Wei 陈伟|Bruno Costa" {
			t.Errorf("by email desc = %s", got)
		}
		if got := names(`{ customers(first: 10, where: {search: "COSTA"}) { edges { node { name } } } }`, nil); got != "Bruno Costa" {
			t.Errorf("search by name = %s", got)
		}
		if got := names(`{ customers(first: 10, where: {search: "wei.ex"}) { edges { node { name } } } }`, nil); got != "Chen Wei 陈伟" {
			t.Errorf("search by email = %s", got)
		}
		var p1 struct {
			Customers struct{ PageInfo struct{ EndCursor string } }
		}
		c.do(`{ customers(first: 2) { edges { cursor } pageInfo { endCursor } } }`, nil, &p1)
		if got := names(`query($a: Cursor) { customers(first: 2, after: $a) { edges { node { name } } } }`, map[string]any{"a": p1.Customers.PageInfo.EndCursor}); got != "Zoë Adler" {
			t.Errorf("second page = %s", got)
		}

		update := `mutation($id: ID!, $in: UpdateCustomerInput!) { updateCustomer(id: $id, input: $in) { name email } }`
		var u struct{ UpdateCustomer struct{ Name, Email string } }
		c.do(update, map[string]any{"id": zoe, "in": map[string]any{"email": "zoe@adler.example", "name": "Zoë A."}}, &u)
		if u.UpdateCustomer.Name != "Zoë A." || u.UpdateCustomer.Email != "zoe@adler.example" {
			t.Errorf("update = %+v", u.UpdateCustomer)
		}
		c.expectCode("VALIDATION", "email", update, map[string]any{"id": zoe, "in": map[string]any{"email": "bruno@costa.example"}})
		c.expectCode("NOT_FOUND", "", update, map[string]any{"id": "cus_missing", "in": map[string]any{"name": "X"}})
		c.expectCode("VALIDATION", "after", `{ customers(first: 2, after: "garbage") { totalCount } }`, nil)
	})
}

func TestHealthzAndDashboardFallback(t *testing.T) {
	ta := startApp(t, dbtest.Backend{Name: "sqlite", URL: dbtest.SQLite(t)})
	resp, err := http.Get(ta.srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "ok\n" {
		t.Fatalf("healthz = %d %q", resp.StatusCode, body)
	}
	// A client-side route gets the dashboard (or a clear note that it was not built).
	resp, err = http.Get(ta.srv.URL + "/invoices/new")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "<div id=\"root\"") && !strings.Contains(string(body), "has not been built") {
		t.Fatalf("GET /invoices/new = %d %q", resp.StatusCode, body)
	}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodDelete, ta.srv.URL+"/", nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("DELETE / = %d", resp.StatusCode)
	}
}
