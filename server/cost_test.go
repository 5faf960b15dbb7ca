package main

import (
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// nodes(ids:) sizes its cost by the ids it is given, refuses more than 100,
// and looks a repeated id up once while answering one entry per id asked.
func TestNodesByRepeatedIDs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Repeat Shop")
		cus := c.createCustomer("Ada", "ada@example.com")
		inv := c.draft(cus)
		repeat := func(n int) []any {
			ids := make([]any, n)
			for i := range ids {
				ids[i] = inv
			}
			return ids
		}
		preview := `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Invoice { previewHTML } } }`
		e := c.expectCode("QUERY_LIMIT", "", preview, map[string]any{"ids": repeat(2000)})
		if e.Extensions["limit"] != "nodes ids" || e.Extensions["max"] != float64(100) || e.Extensions["actual"] != float64(2000) {
			t.Fatalf("2,000 ids: %v, want limit nodes ids, max 100, actual 2000", e.Extensions)
		}
		// 30 previews cost 30 renders, over the complexity limit; they
		// used to count as a list of 10.
		e = c.expectCode("QUERY_LIMIT", "", preview, map[string]any{"ids": repeat(30)})
		if e.Extensions["limit"] != "complexity" {
			t.Fatalf("30 previews: %v, want complexity", e.Extensions)
		}

		var one, many struct{ Nodes []struct{ ID, Number string } }
		before := ta.queries.Load()
		c.do(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on Invoice { id } } }`, map[string]any{"ids": []any{inv}}, &one)
		single := ta.queries.Load() - before
		before = ta.queries.Load()
		c.do(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on Invoice { id } } }`, map[string]any{"ids": repeat(100)}, &many)
		if n := ta.queries.Load() - before; n != single {
			t.Fatalf("100 copies of one id took %d SQL statements, one id %d", n, single)
		}
		if len(many.Nodes) != 100 || many.Nodes[0].ID != inv || many.Nodes[99].ID != inv {
			t.Fatalf("100 copies answered %d nodes, want 100 of %s", len(many.Nodes), inv)
		}
		other := c.draft(cus)
		var mixed struct{ Nodes []struct{ ID string } }
		c.do(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []any{inv, other, inv, other, inv}}, &mixed)
		var got []string
		for _, n := range mixed.Nodes {
			got = append(got, n.ID)
		}
		if want := []string{inv, other, inv, other, inv}; strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("nodes %v, want %v in order", got, want)
		}
	})
}

// A page of previews is priced by what rendering costs: 100 are refused,
// 20 render.
func TestPageOfPreviews(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Preview Shop")
		c.draft(c.createCustomer("Ada", "ada@example.com"))
		e := c.expectCode("QUERY_LIMIT", "", `{ invoices(first: 100) { edges { node { previewHTML } } } }`, nil)
		if e.Extensions["limit"] != "complexity" {
			t.Fatalf("100 previews: %v", e.Extensions)
		}
		var out struct {
			Invoices struct {
				Edges []struct{ Node struct{ PreviewHTML string } }
			}
		}
		c.do(`{ invoices(first: 20) { edges { node { previewHTML } } } }`, nil, &out)
		if len(out.Invoices.Edges) != 1 || !strings.Contains(out.Invoices.Edges[0].Node.PreviewHTML, "<html") {
			t.Fatalf("20 previews: %+v", out)
		}
	})
}

// Every connection's arguments are checked before anything runs: first
// and last together, or a cursor this server did not give out, are
// VALIDATION naming the argument, never INTERNAL.
func TestConnectionArguments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Paging Shop")
		c.createCustomer("Ada", "ada@example.com")
		for _, conn := range []string{"customers", "invoices", "collections", "emails"} {
			e := c.expectCode("VALIDATION", "last", `{ `+conn+`(first: 1, last: 1) { totalCount } }`, nil)
			if !strings.Contains(e.Message, "first") || !strings.Contains(e.Message, "last") {
				t.Errorf("%s(first, last): message %q does not name both", conn, e.Message)
			}
			for _, arg := range []string{"after", "before"} {
				e := c.expectCode("VALIDATION", arg, `{ `+conn+`(first: 1, `+arg+`: "gqFp2SNjdXNfMDFqeHh4eHh4eHh4eHh4eHh4eHh4eHh4eA") { totalCount } }`, nil)
				if !strings.Contains(e.Message, "the cursor is not one this server gave out") || strings.Contains(strings.ToLower(e.Message), "msgpack") {
					t.Errorf("%s(%s: bad): message %q", conn, arg, e.Message)
				}
			}
		}
		// A nested connection, and a cursor sent as a variable.
		c.expectCode("VALIDATION", "last", `{ customers(first: 1) { edges { node { invoices(first: 1, last: 1) { totalCount } } } } }`, nil)
		c.expectCode("VALIDATION", "after", `query($a: Cursor) { customers(first: 1, after: $a) { totalCount } }`, map[string]any{"a": "not a cursor"})
		// A cursor the server gave out still works.
		var page struct {
			Customers struct{ PageInfo struct{ EndCursor string } }
		}
		c.do(`{ customers(first: 1) { edges { cursor } pageInfo { endCursor } } }`, nil, &page)
		c.do(`query($a: Cursor) { customers(first: 1, after: $a) { totalCount } }`, map[string]any{"a": page.Customers.PageInfo.EndCursor}, nil)
	})
}
