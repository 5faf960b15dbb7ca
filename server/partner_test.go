package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/idempotency"
	"github.com/tally-invoicing/tally/internal/tenant"
)

func (c *client) apiKey(scopes ...string) *client {
	c.t.Helper()
	var out struct {
		CreateAPIKey struct {
			Secret string
			APIKey struct{ Scopes []string }
		}
	}
	in := map[string]any{"name": "partner " + strings.Join(scopes, "+")}
	if scopes != nil {
		in["scopes"] = scopes
	}
	c.do(`mutation($in: CreateAPIKeyInput!) { createAPIKey(input: $in) { secret apiKey { scopes } } }`, map[string]any{"in": in}, &out)
	return &client{t: c.t, url: c.url, token: out.CreateAPIKey.Secret}
}

const createCustomerOp = `mutation($in: CreateCustomerInput!) { createCustomer(input: $in) { id name } }`

func TestAPIKeyScopes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		owner := ta.signUp(t, "Scoped Shop")
		reader := owner.apiKey("READ")

		var keys struct {
			APIKeys []struct {
				Name   string
				Scopes []string
			}
		}
		owner.do(`{ apiKeys { name scopes } }`, nil, &keys)
		if len(keys.APIKeys) != 1 || fmt.Sprint(keys.APIKeys[0].Scopes) != "[READ]" {
			t.Fatalf("apiKeys = %+v, want one key with [READ]", keys.APIKeys)
		}
		// A read key reads ...
		var v struct {
			Viewer struct{ Merchant struct{ Name string } }
		}
		reader.do(`{ viewer { merchant { name } } }`, nil, &v)
		if v.Viewer.Merchant.Name != "Scoped Shop" {
			t.Fatalf("viewer = %+v", v)
		}
		// ... but cannot write, nor mint itself a write key.
		e := reader.expectCode("FORBIDDEN", "", createCustomerOp, map[string]any{"in": map[string]any{"name": "Ada", "email": "ada@example.com"}})
		if !strings.Contains(e.Message, "WRITE") {
			t.Errorf("message %q does not name the missing scope", e.Message)
		}
		reader.expectCode("FORBIDDEN", "", `mutation { createAPIKey(input: {name: "escalate", scopes: [READ, WRITE]}) { secret } }`, nil)
		// Nothing was created by the refused mutation.
		var list struct{ Customers struct{ TotalCount int } }
		owner.do(`{ customers(first: 1) { totalCount } }`, nil, &list)
		if list.Customers.TotalCount != 0 {
			t.Fatalf("a read-only key created %d customers", list.Customers.TotalCount)
		}
		// A key made without scopes can do both; a write key's own key can
		// be read-only (less is fine).
		full := owner.apiKey()
		full.createCustomer("Ada", "ada@example.com")
		full.apiKey("READ")
		owner.expectCode("VALIDATION", "scopes", `mutation { createAPIKey(input: {name: "none", scopes: []}) { secret } }`, nil)
	})
}

func TestRevokedKeyStopsAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		owner := ta.signUp(t, "Revoking Shop")
		key := owner.apiKey()
		var me struct {
			Viewer struct{ APIKey struct{ ID string } }
		}
		key.do(`{ viewer { apiKey { id } } }`, nil, &me)
		owner.do(`mutation($id: ID!) { revokeAPIKey(id: $id) { revokedAt } }`, map[string]any{"id": me.Viewer.APIKey.ID}, nil)
		key.expectCode("UNAUTHENTICATED", "", `{ customers(first: 1) { totalCount } }`, nil)
	})
}

func TestIdempotencyKeyReplaysMutations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Retrying Shop")
		vars := map[string]any{"in": map[string]any{"name": "Ada", "email": "ada@example.com"}}
		key := map[string]string{"Idempotency-Key": "5f0c7f52-create-ada"}

		resp1, first := c.send(key, createCustomerOp, vars)
		resp2, again := c.send(key, createCustomerOp, vars)
		if len(first.Errors) > 0 || string(first.Data) != string(again.Data) {
			t.Fatalf("retry answered %s (errors %v), first %s (errors %v)", again.Data, again.Errors, first.Data, first.Errors)
		}
		if resp1.Header.Get("Idempotent-Replayed") != "" || resp2.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("Idempotent-Replayed: first %q, retry %q; want \"\" and \"true\"",
				resp1.Header.Get("Idempotent-Replayed"), resp2.Header.Get("Idempotent-Replayed"))
		}
		var n struct{ Customers struct{ TotalCount int } }
		c.do(`{ customers(first: 1) { totalCount } }`, nil, &n)
		if n.Customers.TotalCount != 1 {
			t.Fatalf("%d customers after a retried create, want 1", n.Customers.TotalCount)
		}

		// The same key with another request is refused and changes nothing.
		_, other := c.send(key, createCustomerOp, map[string]any{"in": map[string]any{"name": "Bob", "email": "bob@example.com"}})
		if len(other.Errors) == 0 || other.Errors[0].Extensions["code"] != "CONFLICT" || !strings.Contains(other.Errors[0].Message, "different request") {
			t.Fatalf("same key, other body: %+v, want CONFLICT about a different request", other)
		}

		// Errors are replayed too: a retry of a refused request is refused
		// the same way, even if it would now succeed.
		badKey := map[string]string{"Idempotency-Key": "create-carol"}
		carol := map[string]any{"in": map[string]any{"name": "Carol", "email": "ada@example.com"}} // duplicate email
		_, e1 := c.send(badKey, createCustomerOp, carol)
		c.do(`mutation($id: ID!, $in: UpdateCustomerInput!) { updateCustomer(id: $id, input: $in) { id } }`,
			map[string]any{"id": mustCustomerID(t, first.Data), "in": map[string]any{"email": "ada@other.example"}}, nil)
		resp, e2 := c.send(badKey, createCustomerOp, carol)
		if len(e1.Errors) == 0 || fmt.Sprint(e1.Errors) != fmt.Sprint(e2.Errors) || resp.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("error replay: first %+v, retry %+v (replayed %q)", e1.Errors, e2.Errors, resp.Header.Get("Idempotent-Replayed"))
		}

		// Keys are per merchant: another merchant may use the same key.
		other2 := ta.signUp(t, "Other Shop")
		_, o := other2.send(key, createCustomerOp, vars)
		if len(o.Errors) > 0 {
			t.Fatalf("another merchant's use of the same key: %+v", o.Errors)
		}

		// A malformed key is a validation error naming the header.
		_, bad := c.send(map[string]string{"Idempotency-Key": strings.Repeat("k", 300)}, createCustomerOp, vars)
		if len(bad.Errors) == 0 || bad.Errors[0].Extensions["field"] != "Idempotency-Key" {
			t.Fatalf("300-character key: %+v, want VALIDATION on Idempotency-Key", bad)
		}
	})
}

func mustCustomerID(t *testing.T, data json.RawMessage) string {
	t.Helper()
	var out struct{ CreateCustomer struct{ ID string } }
	if err := json.Unmarshal(data, &out); err != nil || out.CreateCustomer.ID == "" {
		t.Fatalf("no customer id in %s", data)
	}
	return out.CreateCustomer.ID
}

// Concurrent duplicates of a collection with one key: one collection, and
// every caller gets either the one response or a retryable CONFLICT.
func TestIdempotencyKeyConcurrentDuplicates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Racing Shop")
		op := `mutation($in: RecordCollectionInput!) { recordCollection(input: $in) { collection { id } } }`
		vars := map[string]any{"in": map[string]any{"amount": "25.00", "currency": "USD", "channel": "BANK_TRANSFER", "text": "cash at the counter"}}
		const n = 12
		var wg sync.WaitGroup
		results := make([]gqlResponse, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, results[i] = c.send(map[string]string{"Idempotency-Key": "counter-42"}, op, vars)
			}()
		}
		wg.Wait()
		var data string
		for i, r := range results {
			if len(r.Errors) > 0 {
				if r.Errors[0].Extensions["code"] != "CONFLICT" || r.Errors[0].Extensions["retryable"] != true {
					t.Fatalf("caller %d: %+v, want the response or a retryable CONFLICT", i, r.Errors)
				}
				continue
			}
			if data != "" && string(r.Data) != data {
				t.Fatalf("callers got different responses: %s and %s", data, r.Data)
			}
			data = string(r.Data)
		}
		var cols struct{ Collections struct{ TotalCount int } }
		c.do(`{ collections(first: 1) { totalCount } }`, nil, &cols)
		if cols.Collections.TotalCount != 1 {
			t.Fatalf("%d collections recorded, want 1", cols.Collections.TotalCount)
		}
	})
}

// A first attempt that died with its server (its lease lapsed, no response
// stored) is not run again: it may have taken effect.
func TestIdempotencyKeyInterruptedFirstAttempt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Crashing Shop")
		var v struct {
			Viewer struct{ Merchant struct{ ID string } }
		}
		c.do(`{ viewer { merchant { id } } }`, nil, &v)
		ctx := tenant.WithViewer(context.Background(), &tenant.Viewer{MerchantID: v.Viewer.Merchant.ID})
		// The row a dead process leaves: claimed, lease long gone.
		_, err := ta.db.Client.IdempotencyKey.Create().SetKey("dead-1").SetRequestHash([]byte("x")).
			SetLockedUntil(time.Now().Add(-time.Minute)).SetExpiresAt(time.Now().Add(time.Hour)).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		store := idempotency.NewStore(ta.db.Client)
		if _, _, err := store.Begin(ctx, "dead-1", []byte("x"), "op"); !errors.Is(err, idempotency.ErrInterrupted) {
			t.Fatalf("Begin on an interrupted key: %v, want ErrInterrupted", err)
		}
		// An expired key is free again.
		_, err = ta.db.Client.IdempotencyKey.Create().SetKey("old-1").SetRequestHash([]byte("x")).
			SetResponse([]byte(`{}`)).SetExpiresAt(time.Now().Add(-time.Minute)).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		claim, stored, err := store.Begin(ctx, "old-1", []byte("y"), "op")
		if err != nil || claim == nil || stored != nil {
			t.Fatalf("Begin on an expired key: claim %v stored %s err %v, want a fresh claim", claim, stored, err)
		}
		if err := claim.Finish([]byte(`{"data":{}}`)); err != nil {
			t.Fatal(err)
		}
	})
}

// dropAfterSending writes a whole POST /query to a fresh connection and
// hangs up without reading the answer: a client whose network died.
func (c *client) dropAfterSending(key, query string, vars map[string]any) {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	u, _ := url.Parse(c.url)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\nIdempotency-Key: %s\r\nContent-Length: %d\r\n\r\n%s",
		u.Path, u.Host, c.token, key, len(body), body); err != nil {
		c.t.Fatal(err)
	}
	_ = conn.Close() // hanging up is the point; how it went does not matter
}

// Create, issue and send, mark paid and record a collection, each sent once
// over a connection that dropped and then retried with the same key: each
// effect happens exactly once and the retry gets the answer.
func TestRetriesAcrossDroppedConnections(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Flaky Network Shop")
		retry := func(key, query string, vars map[string]any, out any) {
			t.Helper()
			c.dropAfterSending(key, query, vars)
			resp, r := c.send(map[string]string{"Idempotency-Key": key}, query, vars)
			if len(r.Errors) > 0 {
				t.Fatalf("retry of %s: %+v", key, r.Errors)
			}
			t.Logf("%s: retry replayed=%q", key, resp.Header.Get("Idempotent-Replayed"))
			if out != nil {
				if err := json.Unmarshal(r.Data, out); err != nil {
					t.Fatal(err)
				}
			}
		}
		var cus struct{ CreateCustomer struct{ ID string } }
		retry("cus-1", createCustomerOp, map[string]any{"in": map[string]any{"name": "Ada", "email": "ada@example.com"}}, &cus)
		var d struct{ CreateInvoiceDraft struct{ ID string } }
		retry("draft-1", `mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c}) { id } }`, map[string]any{"c": cus.CreateCustomer.ID}, &d)
		id := d.CreateInvoiceDraft.ID
		retry("items-1", `mutation($id: ID!) { setInvoiceItems(id: $id, items: [{name: "Design", quantity: "2", unitPrice: "50.00"}]) { id } }`, map[string]any{"id": id}, nil)
		retry("methods-1", `mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }`, map[string]any{"id": id}, nil)
		var iss struct{ IssueInvoice struct{ Number string } }
		retry("issue-1", `mutation($id: ID!) { issueInvoice(id: $id, send: true) { number } }`, map[string]any{"id": id}, &iss)
		retry("paid-1", `mutation($id: ID!) { markInvoicePaid(id: $id, input: {amount: "40.00", channel: CASH}) { id } }`, map[string]any{"id": id}, nil)
		retry("col-1", `mutation($in: RecordCollectionInput!) { recordCollection(input: $in) { collection { id } } }`,
			map[string]any{"in": map[string]any{"amount": "60.00", "currency": "USD", "channel": "BANK_TRANSFER", "text": "payment " + iss.IssueInvoice.Number}}, nil)

		var got struct {
			Customers struct{ TotalCount int }
			Invoices  struct{ TotalCount int }
			Node      struct {
				Status     string
				AmountPaid string
				Payments   []struct{ Amount string }
				Emails     []struct{ Kind string }
			}
		}
		c.do(`query($id: ID!) { customers(first: 1) { totalCount } invoices(first: 1) { totalCount }
			node(id: $id) { ... on Invoice { status amountPaid payments { amount } emails { kind } } } }`, map[string]any{"id": id}, &got)
		if got.Customers.TotalCount != 1 || got.Invoices.TotalCount != 1 {
			t.Fatalf("%d customers, %d invoices; want 1 each", got.Customers.TotalCount, got.Invoices.TotalCount)
		}
		kinds := map[string]int{}
		for _, e := range got.Node.Emails {
			kinds[e.Kind]++
		}
		// One invoice email, and one receipt per payment: a replayed
		// retry must queue neither again.
		if got.Node.Status != "PAID" || got.Node.AmountPaid != "100.00" || len(got.Node.Payments) != 2 ||
			len(got.Node.Emails) != 3 || kinds["INVOICE"] != 1 || kinds["RECEIPT"] != 2 {
			t.Fatalf("invoice after retries: %+v; want PAID, 100.00 in 2 payments, 1 invoice email and 2 receipts", got.Node)
		}
	})
}

// Development tools ask for the whole schema in one deep query (graphql-js's
// getIntrospectionQuery nests ofType seven times): on a development server
// that passes the operation limits, while mixing it with data does not.
func TestIntrospectionForToolsInDevelopment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Tooling Shop")
		typeRef := "kind name"
		for range 7 {
			typeRef = "kind name ofType { " + typeRef + " }"
		}
		q := `query IntrospectionQuery { __schema { queryType { name } types { kind name description
			fields(includeDeprecated: true) { name description args { name type { ` + typeRef + ` } } type { ` + typeRef + ` } }
			inputFields { name type { ` + typeRef + ` } } enumValues(includeDeprecated: true) { name } } } }`
		var out struct {
			Schema struct{ Types []struct{ Name string } } `json:"__schema"`
		}
		c.do(q, nil, &out)
		if len(out.Schema.Types) < 50 {
			t.Fatalf("introspection returned %d types", len(out.Schema.Types))
		}
		mixed := `{ viewer { merchant { name } } __schema { types { fields { args { type { ` + typeRef + ` } } } } } }`
		c.expectCode("QUERY_LIMIT", "", mixed, nil)
	})
}

// Every operation limit answers QUERY_LIMIT naming the limit, its maximum
// and (where the server counted it) the actual figure, and a query at the
// limit still runs. Page sizes are the client's input: VALIDATION on first.
func TestOperationLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Limits Shop")
		fields := func(n int, f func(i int) string) string {
			parts := make([]string, n)
			for i := range parts {
				parts[i] = f(i)
			}
			return strings.Join(parts, " ")
		}
		// aliases: n aliases under one root field.
		aliases := func(n int) string {
			return "{ viewer { " + fields(n, func(i int) string { return fmt.Sprintf("m%d: merchant { name }", i) }) + " } }"
		}
		roots := func(n int) string {
			return "{ " + fields(n, func(int) string { return "viewer { merchant { name } }" }) + " }"
		}
		// nest: a query 4 + 4*levels deep (customers, edges, node, then
		// invoices, edges, node, customer per level, then id).
		nest := func(levels int) string {
			q := "id"
			for range levels {
				q = "invoices(first: 1) { edges { node { customer { " + q + " } } } }"
			}
			return "{ customers(first: 1) { edges { node { " + q + " } } } }"
		}
		for _, tc := range []struct {
			name, query string
			limit       string
			max, actual int // actual 0: not reported
		}{
			{"tokens", aliases(1000), "tokens", 5000, 0},
			{"depth", nest(3), "depth", 12, 16},
			{"aliases", aliases(51), "aliases", 50, 51},
			{"root fields", roots(21), "root fields", 20, 21},
			{"complexity", `{ customers(first: 100) { edges { node { invoices(first: 100) { edges { node { items { name } } } } } } } }`, "complexity", 25000, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := c.expectCode("QUERY_LIMIT", "", tc.query, nil)
				if e.Extensions["limit"] != tc.limit || e.Extensions["max"] != float64(tc.max) {
					t.Fatalf("extensions %v, want limit %q max %d", e.Extensions, tc.limit, tc.max)
				}
				if tc.actual != 0 && e.Extensions["actual"] != float64(tc.actual) {
					t.Fatalf("extensions %v, want actual %d", e.Extensions, tc.actual)
				}
				if !strings.Contains(e.Message, fmt.Sprint(tc.max)) {
					t.Fatalf("message %q does not name the limit %d", e.Message, tc.max)
				}
			})
		}
		t.Run("at the limits", func(_ *testing.T) {
			c.do(aliases(50), nil, nil)
			c.do(roots(20), nil, nil)
			c.do(nest(2), nil, nil) // depth 12; one more level is 16
			c.do(`{ customers(first: 100) { edges { node { invoices(first: 10) { edges { node { items { name } } } } } } } }`, nil, nil)
		})
		t.Run("page size", func(_ *testing.T) {
			c.expectCode("VALIDATION", "first", `{ invoices(first: 101) { totalCount } }`, nil)
			c.expectCode("VALIDATION", "first", `{ invoices { totalCount } }`, nil)
		})
	})
}
