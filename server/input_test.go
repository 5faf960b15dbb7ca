package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// Text a client sends is valid UTF-8 without NUL (PostgreSQL cannot store
// it) and, unless the field may span lines, without control characters:
// anything else is VALIDATION naming the field, never INTERNAL.
func TestTextInputIsCheckedForEveryField(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Text Shop")
		createCustomer := `mutation($in: CreateCustomerInput!) { createCustomer(input: $in) { id } }`
		for _, tc := range []struct{ name, field, value string }{
			{"NUL", "name", "a\u0000b"},
			{"line feed", "name", "Ana\nBcc: x@evil.example"},
			{"carriage return", "name", "Ana\rB"},
			{"tab", "name", "Ana\tB"},
			{"escape", "name", "Ana\u001b[31m"},
			{"DEL", "name", "Ana\u007f"},
			{"C1 next line", "name", "Ana\u0085B"},
			{"NUL in email", "email", "ana\u0000@example.com"},
		} {
			t.Run(tc.name, func(_ *testing.T) {
				in := map[string]any{"name": "Ana", "email": "ana@example.com"}
				in[tc.field] = tc.value
				c.expectCode("VALIDATION", tc.field, createCustomer, map[string]any{"in": in})
			})
		}
		// The same rule for literals in the document, arguments, filters and ids.
		c.expectCode("VALIDATION", "name", `mutation { createCustomer(input: {name: "a\u0000b", email: "b@example.com"}) { id } }`, nil)
		c.expectCode("VALIDATION", "where.search", `query($s: String) { customers(first: 5, where: {search: $s}) { totalCount } }`, map[string]any{"s": "x\u0000"})
		c.expectCode("VALIDATION", "id", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": "inv_\u0000"})
		c.expectCode("VALIDATION", "name", `mutation($in: UpdateMerchantInput!) { updateMerchant(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": "Text Shop\r\nBcc: victim@example.com"}})
		c.expectCode("VALIDATION", "address", `mutation($in: UpdateMerchantInput!) { updateMerchant(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"address": "1 Main St\u0000"}})

		// Fields declared @multiline keep their line breaks and tabs.
		var m struct{ UpdateMerchant struct{ Address string } }
		c.do(`mutation($in: UpdateMerchantInput!) { updateMerchant(input: $in) { address } }`,
			map[string]any{"in": map[string]any{"address": "1 Main St\r\nSpringfield\t12345"}}, &m)
		if m.UpdateMerchant.Address != "1 Main St\r\nSpringfield\t12345" {
			t.Fatalf("address = %q, want the lines kept", m.UpdateMerchant.Address)
		}
		id := c.draft(c.createCustomer("Bea", "bea@example.com"))
		c.do(`mutation($id: ID!, $d: String) { setInvoiceDescription(id: $id, description: $d) { id } }`,
			map[string]any{"id": id, "d": "Line one\nLine two"}, nil)
		c.expectCode("VALIDATION", "description", `mutation($id: ID!, $d: String) { setInvoiceDescription(id: $id, description: $d) { id } }`,
			map[string]any{"id": id, "d": "bell\u0007"})

		// A query over GET carries raw bytes: invalid UTF-8 in a string is
		// VALIDATION (or a parse error), never INTERNAL.
		q := url.Values{"query": {`{ customers(first: 1, where: {search: "` + "\xff\xfe" + `"}) { totalCount } }`}}
		req, _ := http.NewRequest(http.MethodGet, ta.srv.URL+"/query?"+q.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out gqlResponse
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatalf("GET with invalid UTF-8: HTTP %d, undecodable: %v", resp.StatusCode, err)
		}
		if len(out.Errors) == 0 || out.Errors[0].Extensions["code"] == "INTERNAL" || resp.StatusCode >= 500 {
			t.Fatalf("GET with invalid UTF-8: HTTP %d, errors %+v; want a client error", resp.StatusCode, out.Errors)
		}
	})
}

// A path id or token that is not shaped like one Tally hands out cannot
// exist: 404, without asking the database (PostgreSQL refuses NUL bytes).
func TestMalformedPathKeysAreNotFound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Path Shop")
		_, token := c.payable("5.00", "USD", "INFINI_CARD")
		for _, tc := range []struct {
			method, path, auth string
		}{
			{"GET", "/pay/%ff%fe", ""},
			{"GET", "/pay/%00", ""},
			{"GET", "/pay/a%0Ab", ""},
			{"GET", "/pay/%ff%fe/events", ""},
			{"POST", "/pay/%00/start", ""},
			{"GET", "/invoices/%00/pdf", c.token},
			{"GET", "/invoices/%ff%fe/pdf", c.token},
			{"GET", "/invoices/inv_x/pdf?token=%00", ""},
			{"GET", "/invoices/inv_x/pdf?token=%ff", ""},
		} {
			req, _ := http.NewRequest(tc.method, ta.srv.URL+tc.path, strings.NewReader("method=INFINI_CARD"))
			if tc.method == "POST" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", "Bearer "+tc.auth)
			}
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s: HTTP %d, want 404", tc.method, tc.path, resp.StatusCode)
			}
		}
		// The real link still opens.
		if resp, _ := get(t, ta.srv.URL+"/pay/"+token, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /pay/<token>: HTTP %d, want 200", resp.StatusCode)
		}
		// And the public checkout query treats a malformed token as unknown.
		ta.anonymous(t).expectCode("VALIDATION", "token", `query($t: String!) { checkout(token: $t) { number } }`, map[string]any{"t": "\u0000"})
	})
}

// A merchant name stored with a line break (by an older Tally) cannot add
// headers to the invoice email: the subject and From name stay one line.
func TestMailHeadersStayOneLine(t *testing.T) {
	needTool(t, "chromium")
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta, rec := startMailgunApp(t, b)
		c := ta.signUp(t, "Header Shop")
		var me struct {
			Viewer struct{ Merchant struct{ ID string } }
		}
		c.do(`{ viewer { merchant { id } } }`, nil, &me)
		// Written past every check, as a row from before them.
		if _, err := ta.db.SQL.ExecContext(context.Background(), `UPDATE merchants SET name = $1 WHERE id = $2`,
			"Header Shop\r\nBcc: victim@example.com", me.Viewer.Merchant.ID); err != nil {
			t.Fatal(err)
		}

		id := c.draft(c.createCustomer("Acme Ltd", "billing@acme.example"))
		c.do(`mutation($id: ID!) { issueInvoice(id: $id, send: true) { id } }`, map[string]any{"id": id}, nil)
		deliver(t, ta.outbox)
		if len(rec.forms) != 1 {
			t.Fatalf("mailgun got %d message requests, want 1", len(rec.forms))
		}
		f := rec.forms[0]
		for _, k := range []string{"subject", "from", "to", "h:Reply-To"} {
			if v := strings.Join(f.Value[k], ""); strings.ContainsAny(v, "\r\n") {
				t.Errorf("%s = %q: a line break would start a header of the merchant's choosing", k, v)
			}
		}
		if _, ok := f.Value["bcc"]; ok {
			t.Error("the message has a Bcc")
		}
	})
}

// A bank's statement is not the merchant's to correct: control characters
// in its cells are made to fit (a name stays one line) instead of refusing
// the file, and a NUL never reaches PostgreSQL.
func TestStatementTextIsMadeToFit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Bank Shop")
		csv := "Date;Amount;Currency;Text;Name\n" +
			"03.11.2026;10,00;USD;\"first line\nsecond\x00 line\";\"Hafen\nGmbH\tBremen\"\n"
		mapping := map[string]any{"date": "Date", "amount": "Amount", "currency": "Currency", "text": []string{"Text"}, "payerName": "Name"}
		res, errs := c.importStatement("CSV", "bank.csv", []byte(csv), mapping)
		if errs != nil || res.Created != 1 {
			t.Fatalf("import = %+v, errors %+v; want the line imported", res, errs)
		}
		var out struct {
			Collections struct {
				Edges []struct {
					Node struct{ PayerName, Text string }
				}
			}
		}
		c.do(`{ collections(first: 1) { edges { node { payerName text } } } }`, nil, &out)
		if n := out.Collections.Edges; len(n) != 1 || n[0].Node.PayerName != "Hafen GmbH Bremen" || n[0].Node.Text != "first line\nsecond  line" {
			t.Fatalf("collections = %+v, want payer \"Hafen GmbH Bremen\" and the text's lines kept", n)
		}
	})
}
