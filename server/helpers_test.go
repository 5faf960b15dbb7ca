package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"entgo.io/ent/dialect"
	"golang.org/x/crypto/bcrypt"

	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// testApp is a real Tally (database, services, routes) behind httptest.
type testApp struct {
	*app
	srv     *httptest.Server
	queries atomic.Int64 // SQL statements sent, for query-count tests
}

func startApp(t *testing.T, b dbtest.Backend) *testApp {
	t.Helper()
	return startAppAt(t, b.URL)
}

func startAppAt(t *testing.T, databaseURL string) *testApp {
	t.Helper()
	return startAppWith(t, databaseURL, nil)
}

// startAppWith starts an app whose config change may adjust first.
func startAppWith(t *testing.T, databaseURL string, change func(*config)) *testApp {
	t.Helper()
	ta := &testApp{}
	// The listener comes first so the app knows its own URL: links,
	// provider return URLs and sandbox webhooks point back at it.
	srv := httptest.NewUnstartedServer(nil)
	cfg := config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), DatabaseURL: databaseURL, Env: "development",
		BaseURL: "http://" + srv.Listener.Addr().String(), limits: generousRules()}
	if change != nil {
		change(&cfg)
	}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	a, err := newApp(context.Background(), cfg, database.Options{Driver: func(d dialect.Driver) dialect.Driver {
		return &countingDriver{Driver: d, n: &ta.queries}
	}})
	if err != nil {
		t.Fatalf("newApp: %v", err)
	}
	a.auth.BcryptCost = bcrypt.MinCost // keep sign-ups fast in tests
	ta.app = a
	srv.Config.Handler = a.handler
	srv.Start()
	ta.srv = srv
	t.Cleanup(func() {
		ta.srv.Close()
		_ = a.Close()
	})
	return ta
}

// countingDriver counts every statement, inside transactions too.
type countingDriver struct {
	dialect.Driver
	n *atomic.Int64
}

func (d *countingDriver) Query(ctx context.Context, q string, args, v any) error {
	d.n.Add(1)
	return d.Driver.Query(ctx, q, args, v)
}

func (d *countingDriver) Exec(ctx context.Context, q string, args, v any) error {
	d.n.Add(1)
	return d.Driver.Exec(ctx, q, args, v)
}

func (d *countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, n: d.n}, nil
}

type countingTx struct {
	dialect.Tx
	n *atomic.Int64
}

func (t *countingTx) Query(ctx context.Context, q string, args, v any) error {
	t.n.Add(1)
	return t.Tx.Query(ctx, q, args, v)
}

func (t *countingTx) Exec(ctx context.Context, q string, args, v any) error {
	t.n.Add(1)
	return t.Tx.Exec(ctx, q, args, v)
}

// client speaks GraphQL to the test server as one caller.
type client struct {
	t     *testing.T
	url   string
	token string
}

func (ta *testApp) anonymous(t *testing.T) *client {
	return &client{t: t, url: ta.srv.URL + "/query"}
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

func (c *client) raw(query string, vars map[string]any) (*http.Response, gqlResponse) {
	c.t.Helper()
	return c.send(nil, query, vars)
}

// send posts an operation with extra headers and returns the HTTP response
// (body already read) and the decoded GraphQL response.
func (c *client) send(headers map[string]string, query string, vars map[string]any) (*http.Response, gqlResponse) {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("POST /query: %v", err)
	}
	defer resp.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		c.t.Fatalf("decode response (HTTP %d): %v", resp.StatusCode, err)
	}
	return resp, out
}

// do runs an operation and decodes data into out; it fails the test on any error.
func (c *client) do(query string, vars map[string]any, out any) {
	c.t.Helper()
	_, r := c.raw(query, vars)
	if len(r.Errors) > 0 {
		c.t.Fatalf("unexpected GraphQL errors: %+v\nquery: %s", r.Errors, query)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			c.t.Fatalf("decode data %s: %v", r.Data, err)
		}
	}
}

// fail runs an operation that must fail and returns its first error.
func (c *client) fail(query string, vars map[string]any) gqlError {
	c.t.Helper()
	_, r := c.raw(query, vars)
	if len(r.Errors) == 0 {
		c.t.Fatalf("expected an error, got data %s\nquery: %s", r.Data, query)
	}
	return r.Errors[0]
}

// expectCode asserts that an operation fails with extensions.code (and field, if given).
func (c *client) expectCode(code, field, query string, vars map[string]any) gqlError {
	c.t.Helper()
	e := c.fail(query, vars)
	if e.Extensions["code"] != code {
		c.t.Fatalf("error code = %v, want %s (message %q)", e.Extensions["code"], code, e.Message)
	}
	if field != "" && e.Extensions["field"] != field {
		c.t.Fatalf("error field = %v, want %s (message %q)", e.Extensions["field"], field, e.Message)
	}
	return e
}

var merchantSeq atomic.Int64

// signUp creates a fresh merchant and returns a client signed in as it.
func (ta *testApp) signUp(t *testing.T, name string) *client {
	t.Helper()
	c := ta.anonymous(t)
	var out struct {
		SignUp struct{ Token string } `json:"signUp"`
	}
	email := fmt.Sprintf("owner%d@%s.example", merchantSeq.Add(1), strings.ToLower(strings.ReplaceAll(name, " ", "")))
	c.do(`mutation($in: SignUpInput!) { signUp(input: $in) { token } }`,
		map[string]any{"in": map[string]any{"merchantName": name, "email": email, "password": "correct horse battery"}}, &out)
	c.token = out.SignUp.Token
	return c
}

func (c *client) createCustomer(name, email string) string {
	c.t.Helper()
	var out struct{ CreateCustomer struct{ ID string } }
	c.do(`mutation($in: CreateCustomerInput!) { createCustomer(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"name": name, "email": email}}, &out)
	return out.CreateCustomer.ID
}

// draft runs wizard steps 1-4 and returns the draft's id.
func (c *client) draft(customerID string, items ...map[string]any) string {
	c.t.Helper()
	var d struct{ CreateInvoiceDraft struct{ ID string } }
	c.do(`mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c}) { id } }`, map[string]any{"c": customerID}, &d)
	id := d.CreateInvoiceDraft.ID
	if len(items) == 0 {
		items = []map[string]any{{"name": "Consulting", "quantity": "1", "unitPrice": "100.00"}}
	}
	c.do(`mutation($id: ID!, $items: [LineItemInput!]!) { setInvoiceItems(id: $id, items: $items) { id } }`,
		map[string]any{"id": id, "items": items}, nil)
	c.do(`mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [CRYPTO, INFINI_CARD]) { id } }`,
		map[string]any{"id": id}, nil)
	return id
}

// issue issues a draft and returns its number.
func (c *client) issue(id string) string {
	c.t.Helper()
	var out struct{ IssueInvoice struct{ Number string } }
	c.do(`mutation($id: ID!) { issueInvoice(id: $id, send: false) { number } }`, map[string]any{"id": id}, &out)
	return out.IssueInvoice.Number
}
