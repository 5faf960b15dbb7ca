package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// fuzzOperations are the operations FuzzGraphQLVariables sends; only their
// variables are fuzzed.
var fuzzOperations = []string{
	`mutation($id: ID!, $items: [LineItemInput!]!) {
		setInvoiceItems(id: $id, items: $items) { id currency subtotal total items { name quantity unitPrice amount } }
	}`,
	`mutation($in: CreateCustomerInput!) { createCustomer(input: $in) { id name email } }`,
	`query($first: Int, $after: Cursor, $where: InvoiceWhereInput, $orderBy: InvoiceOrder) {
		invoices(first: $first, after: $after, where: $where, orderBy: $orderBy) {
			totalCount edges { cursor node { id number status total amountDue overdue } } pageInfo { hasNextPage endCursor }
		}
	}`,
}

// fuzzTextVariables place a fuzz input that is not JSON in each
// operation's variables, as one string: a Decimal, an email, a search.
var fuzzTextVariables = []string{
	`{"id":"@draft","items":[{"name":"Fuzz","quantity":%s,"unitPrice":"1.00"}]}`,
	`{"in":{"name":"Fuzz","email":%s}}`,
	`{"first":3,"where":{"search":%s}}`,
}

// fuzzCodes are the extensions.code a client may get for bad variables.
// GRAPHQL_VALIDATION_FAILED is gqlgen's own answer (HTTP 422) when a
// variable does not coerce to its declared type (items: 5, first: "x"),
// before any resolver runs.
var fuzzCodes = map[string]bool{
	"VALIDATION": true, "NOT_FOUND": true, "UNAUTHENTICATED": true, "FORBIDDEN": true, "CONFLICT": true,
}

const gqlgenValidationFailed = "GRAPHQL_VALIDATION_FAILED"

// fuzzServer is one Tally for a whole fuzz run (one per fuzzing worker
// process): SQLite in a temp dir, two merchants, a customer, a draft and
// an issued invoice that variables can name.
type fuzzServer struct {
	url          string
	owner, other string            // bearer tokens; "" is anonymous
	ids          map[string]string // placeholder (quoted in JSON) -> real id
}

func startFuzzServer(f *testing.F) *fuzzServer {
	f.Helper()
	srv := httptest.NewUnstartedServer(nil)
	cfg := config{Addr: "127.0.0.1:0", DataDir: f.TempDir(), DatabaseURL: dbtest.SQLite(f), Env: "development",
		BaseURL: "http://" + srv.Listener.Addr().String(), limits: generousRules()}
	if err := cfg.validate(); err != nil {
		f.Fatal(err)
	}
	a, err := newApp(context.Background(), cfg, database.Options{})
	if err != nil {
		f.Fatalf("newApp: %v", err)
	}
	a.auth.BcryptCost = bcrypt.MinCost
	srv.Config.Handler = a.handler
	srv.Start()
	f.Cleanup(func() {
		srv.Close()
		_ = a.Close()
	})

	fs := &fuzzServer{url: srv.URL + "/query", ids: map[string]string{}}
	must := func(token, query string, vars map[string]any) map[string]any {
		f.Helper()
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		status, raw, err := fs.post(token, body)
		var out struct {
			Data   map[string]any
			Errors []any
		}
		if err != nil || status != http.StatusOK || json.Unmarshal(raw, &out) != nil || len(out.Errors) > 0 {
			f.Fatalf("set-up %s: HTTP %d, %v: %s", query, status, err, raw)
		}
		return out.Data
	}
	field := func(m map[string]any, path ...string) string {
		var v any = m
		for _, p := range path {
			v = v.(map[string]any)[p]
		}
		return v.(string)
	}
	signUp := func(name string) string {
		d := must("", `mutation($in: SignUpInput!) { signUp(input: $in) { token } }`, map[string]any{"in": map[string]any{
			"merchantName": name, "email": "owner@" + strings.ToLower(name) + ".example", "password": "correct horse battery"}})
		return field(d, "signUp", "token")
	}
	fs.owner, fs.other = signUp("Fuzzco"), signUp("Othercorp")
	draft := func(token, customer string) string {
		d := must(token, `mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c}) { id } }`, map[string]any{"c": customer})
		id := field(d, "createInvoiceDraft", "id")
		must(token, `mutation($id: ID!) { setInvoiceItems(id: $id, items: [{name: "Consulting", quantity: "1", unitPrice: "100.00"}]) { id } }`,
			map[string]any{"id": id})
		must(token, `mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [CRYPTO, INFINI_CARD]) { id } }`,
			map[string]any{"id": id})
		return id
	}
	customer := func(token, name string) string {
		d := must(token, `mutation($in: CreateCustomerInput!) { createCustomer(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": name, "email": "billing@" + strings.ToLower(name) + ".example"}})
		return field(d, "createCustomer", "id")
	}
	cust := customer(fs.owner, "Acme")
	fs.ids[`"@customer"`] = cust
	fs.ids[`"@draft"`] = draft(fs.owner, cust)
	issued := draft(fs.owner, cust)
	must(fs.owner, `mutation($id: ID!) { issueInvoice(id: $id, send: false) { id } }`, map[string]any{"id": issued})
	fs.ids[`"@issued"`] = issued
	fs.ids[`"@otherDraft"`] = draft(fs.other, customer(fs.other, "Globex"))
	return fs
}

func (fs *fuzzServer) post(token string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, fs.url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// FuzzGraphQLVariables sends fixed operations with fuzzed variables through
// the real handler, as the owner, as another merchant or anonymously. The
// variables are the fuzz input read as JSON; "@customer", "@draft",
// "@issued" and "@otherDraft" (as JSON strings) become the ids of the
// objects made at set-up. Whatever the variables, the server must answer
// below 500 with a JSON body whose errors all carry a code a client can act
// on; INTERNAL (a resolver failure or a recovered panic) fails.
//
// An input that is not JSON is sent as one string variable (a quantity,
// an email, a search; see fuzzTextVariables). JSON that is not an object
// makes the request itself malformed: that too must be a VALIDATION error
// that quotes nothing back.
func FuzzGraphQLVariables(f *testing.F) {
	fs := startFuzzServer(f)

	f.Add(uint8(0), uint8(0), `{"id":"@draft","items":[{"name":"Design","quantity":"2.5","unitPrice":"120.00"}]}`)
	f.Add(uint8(0), uint8(0), `{"id":"@draft","items":[{"name":"Cents","quantity":"1","unitPrice":"0.001"}]}`)
	f.Add(uint8(0), uint8(0), `{"id":"@draft","items":[{"name":"Float","quantity":1,"unitPrice":12.5}]}`)
	f.Add(uint8(0), uint8(0), `{"id":"@draft","items":[]}`)
	f.Add(uint8(0), uint8(0), `{"id":"@issued","items":[{"name":"Late","quantity":"1","unitPrice":"1.00"}]}`)
	f.Add(uint8(0), uint8(1), `{"id":"@draft","items":[{"name":"Theirs","quantity":"1","unitPrice":"1.00"}]}`)
	f.Add(uint8(0), uint8(0), `{"id":"@otherDraft","items":[{"name":"Mine","quantity":"1","unitPrice":"1.00"}]}`)
	f.Add(uint8(0), uint8(2), `{"id":"@draft","items":[{"name":"Anon","quantity":"1","unitPrice":"1.00"}]}`)
	f.Add(uint8(0), uint8(0), `{"id":"not-an-id","items":[{"name":"","quantity":"-1","unitPrice":"99999999999999999999999"}]}`)
	f.Add(uint8(0), uint8(0), `{"id":"@draft","items":[{"name":"Huge","quantity":"999999999999","unitPrice":"999999999999.99"}]}`)
	f.Add(uint8(1), uint8(0), `{"in":{"name":"Initech","email":"ap@initech.example"}}`)
	f.Add(uint8(1), uint8(0), `{"in":{"name":"Acme again","email":"BILLING@acme.example"}}`)
	f.Add(uint8(1), uint8(0), `{"in":{"name":"","email":"not an email"}}`)
	f.Add(uint8(1), uint8(2), `{"in":{"name":"Anon","email":"a@b.example"}}`)
	f.Add(uint8(1), uint8(0), `{"in":{"name":"\u0000\ud800","email":"x@y.example"}}`)
	f.Add(uint8(1), uint8(0), `{"in":{"name":"Extra","email":"x@y.example","extra":1}}`)
	f.Add(uint8(2), uint8(0), `{"first":10,"where":{"status":"OPEN"}}`)
	f.Add(uint8(2), uint8(0), `{"first":-1}`)
	f.Add(uint8(2), uint8(0), `{"first":2147483648}`)
	f.Add(uint8(2), uint8(0), `{"first":1,"after":"not a cursor"}`)
	f.Add(uint8(2), uint8(0), `{"first":5,"orderBy":{"field":"TOTAL","direction":"DESC"},"where":{"customerID":"@customer","search":"%_","overdue":true}}`)
	f.Add(uint8(2), uint8(0), `{"where":{"statusIn":["DRAFT","OPEN","NOPE"]}}`)
	f.Add(uint8(2), uint8(1), `{"where":{"customerID":"@customer"}}`)
	f.Add(uint8(2), uint8(2), `{}`)
	f.Add(uint8(2), uint8(0), `null`)

	f.Fuzz(func(t *testing.T, op, who uint8, vars string) {
		op %= uint8(len(fuzzOperations)) //nolint:gosec // G115: a handful of operations
		var probe any
		if json.Unmarshal([]byte(vars), &probe) != nil {
			// Not JSON: the text is one string variable in a valid request.
			vars = fmt.Sprintf(fuzzTextVariables[op], jsonString(vars))
		}
		for placeholder, id := range fs.ids {
			vars = strings.ReplaceAll(vars, placeholder, `"`+id+`"`)
		}
		query := fuzzOperations[op]
		token := []string{fs.owner, fs.other, ""}[int(who)%3]
		body := []byte(`{"query":` + jsonString(query) + `,"variables":` + vars + `}`)

		status, raw, err := fs.post(token, body)
		if err != nil {
			t.Fatalf("POST /query: %v (did the handler panic?)\nvariables: %s", err, vars)
		}
		if status >= 500 {
			t.Fatalf("HTTP %d: %s\nvariables: %s", status, raw, vars)
		}
		t.Logf("HTTP %d: %.300s", status, raw)
		var resp struct {
			Data   json.RawMessage `json:"data"`
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(raw, &resp); err != nil {
			t.Fatalf("HTTP %d: the body is not a GraphQL JSON response (%v): %s\nvariables: %s", status, err, raw, vars)
		}
		if len(resp.Errors) == 0 && (status != http.StatusOK || len(resp.Data) == 0 || string(resp.Data) == "null") {
			t.Fatalf("HTTP %d with neither data nor errors: %s\nvariables: %s", status, raw, vars)
		}
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			switch {
			case fuzzCodes[code]:
			case code == gqlgenValidationFailed && status == http.StatusUnprocessableEntity:
			default:
				t.Fatalf("HTTP %d: error %q has extensions.code %q\nvariables: %s\nresponse: %s", status, e.Message, code, vars, raw)
			}
		}
	})
}

func jsonString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprint("marshal a string: ", err))
	}
	return string(b)
}
