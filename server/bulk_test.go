package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/tenant"
)

type bulkOut struct {
	ID          string
	Number      *string
	Ok          bool
	Error, Code *string
}

func (c *client) bulk(mutation string, ids []string) []bulkOut {
	c.t.Helper()
	var out map[string][]bulkOut
	c.do(`mutation($ids: [ID!]!) { r: `+mutation+`(ids: $ids) { id number ok error code } }`, map[string]any{"ids": ids}, &out)
	return out["r"]
}

// TestBulkActions: deleting drafts deletes the drafts and refuses an
// issued invoice and an unknown id, each with its own reason; sending
// reminders emails the issued invoices and refuses the draft; more than
// 100 ids is refused by the operation guard, an id given twice is a
// validation error naming ids.
func TestBulkActions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Bulk Shop")
		cus := c.createCustomer("Ann", "ann@example.com")
		d1, d2 := c.draft(cus), c.draft(cus)
		issued := c.draft(cus)
		number := c.issue(issued)
		stranger := ta.signUp(t, "Stranger")
		theirs := stranger.draft(stranger.createCustomer("S", "s@example.com"))

		got := c.bulk("deleteInvoiceDrafts", []string{d1, issued, theirs, d2})
		okAt := []bool{true, false, false, true}
		for i, r := range got {
			if r.ID != []string{d1, issued, theirs, d2}[i] || r.Ok != okAt[i] {
				t.Errorf("result %d: %+v, want ok=%v", i, r, okAt[i])
			}
		}
		if r := got[1]; r.Code == nil || *r.Code != "CONFLICT" || r.Number == nil || *r.Number != number || !strings.Contains(*r.Error, "only drafts") {
			t.Errorf("issued invoice: %+v, want CONFLICT naming %s", r, number)
		}
		if r := got[2]; r.Code == nil || *r.Code != "NOT_FOUND" {
			t.Errorf("another merchant's draft: %+v, want NOT_FOUND", r)
		}
		var left struct{ Invoices struct{ TotalCount int } }
		c.do(`{ invoices(first: 10) { totalCount } }`, nil, &left)
		if left.Invoices.TotalCount != 1 {
			t.Errorf("%d invoices left, want the issued one", left.Invoices.TotalCount)
		}
		if n, _ := ta.db.Client.Invoice.Query().Count(tenant.System(context.Background())); n != 2 {
			t.Errorf("%d invoices in the database, want 2 (the stranger's draft untouched)", n)
		}

		d3 := c.draft(cus)
		sent := c.bulk("sendInvoiceReminders", []string{issued, d3})
		if !sent[0].Ok || sent[1].Ok || sent[1].Code == nil || *sent[1].Code != "CONFLICT" {
			t.Errorf("reminders: %+v", sent)
		}
		if emails := c.emailsOf(issued); len(emails) != 1 {
			t.Errorf("%d emails of the issued invoice, want 1", len(emails))
		}

		many := make([]string, 101)
		for i := range many {
			many[i] = fmt.Sprintf("inv_%d", i)
		}
		// The operation guard refuses a list over 100 before the resolver.
		if e := c.fail(`mutation($ids: [ID!]!) { deleteInvoiceDrafts(ids: $ids) { id } }`, map[string]any{"ids": many}); e.Extensions["code"] != "QUERY_LIMIT" {
			t.Errorf("101 ids: %+v, want QUERY_LIMIT", e)
		}
		c.expectCode("VALIDATION", "ids", `mutation($ids: [ID!]!) { deleteInvoiceDrafts(ids: $ids) { id } }`, map[string]any{"ids": []string{d3, d3}})
	})
}

// TestPDFZip: the selected invoices come as one zip of valid PDFs, one per
// invoice, in the order given; too many ids, none, another merchant's
// invoice and no credentials are refused with a sentence.
func TestPDFZip(t *testing.T) {
	needTool(t, "chromium")
	needTool(t, "pdftotext")
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Zip Shop")
		cus := c.createCustomer("Zed", "zed@example.com")
		a := c.draft(cus)
		na := c.issue(a)
		d := c.draft(cus)
		url := ta.srv.URL + "/invoices/pdfs.zip?ids="

		resp, body := get(t, url+a+","+d, c.token)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("zip: %d %v %s", resp.StatusCode, resp.Header, body)
		}
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		if len(zr.File) != 2 || zr.File[0].Name != na+".pdf" {
			names := []string{}
			for _, f := range zr.File {
				names = append(names, f.Name)
			}
			t.Fatalf("zip holds %v, want %s.pdf and the draft's", names, na)
		}
		for i, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			pdf, _ := io.ReadAll(rc)
			_ = rc.Close()
			text := pdfTool(t, "pdftotext", pdf)
			if i == 0 && !strings.Contains(text, na) {
				t.Errorf("%s does not show %s", f.Name, na)
			}
			if i == 1 && !strings.Contains(text, "DRAFT") {
				t.Errorf("%s does not show the DRAFT mark", f.Name)
			}
		}

		many := make([]string, 51)
		for i := range many {
			many[i] = a
			if i > 0 {
				many[i] = fmt.Sprintf("inv_%026d", i)
			}
		}
		if resp, body := get(t, url+strings.Join(many, ","), c.token); resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "At most 50") {
			t.Errorf("51 ids: %d %s", resp.StatusCode, body)
		}
		if resp, _ := get(t, ta.srv.URL+"/invoices/pdfs.zip", c.token); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("no ids: %d", resp.StatusCode)
		}
		other := ta.signUp(t, "Other")
		if resp, _ := get(t, url+a, other.token); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another merchant's invoice: %d, want 404", resp.StatusCode)
		}
		if resp, _ := get(t, url+a, ""); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("no credentials: %d, want 401", resp.StatusCode)
		}
	})
}

func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, body)
	}
	return rows
}

// TestCSVExport: the invoice, payment and collection exports are
// attachments with a header row, filtered like the lists, with formula
// cells quoted; 1,234 invoices come out whole, streamed (no length known
// in advance); a bad filter is 400 naming it.
func TestCSVExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Export Shop")
		evil := c.createCustomer("=HYPERLINK(\"http://x.example\",\"Click\")", "evil@example.com")
		plain := c.createCustomer("Plain Ltd", "plain@example.com")
		paid := c.bill(evil, "120.50")
		c.pay(paid.ID, "20.50", ta.clock.Now(c.merchantID()))
		open := c.bill(plain, "99.99")
		c.draft(plain)

		resp, body := get(t, ta.srv.URL+"/export/invoices.csv?statusIn=OPEN,PARTIALLY_PAID", c.token)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="invoices-`) {
			t.Fatalf("export: %d %v %s", resp.StatusCode, resp.Header, body)
		}
		rows := readCSV(t, body)
		if len(rows) != 3 || rows[0][1] != "number" {
			t.Fatalf("rows: %q, want a header and the 2 issued invoices", rows)
		}
		// Another merchant's exports hold none of these rows, whatever
		// filter names them.
		other := ta.signUp(t, "Other Exporter")
		for _, path := range []string{"/export/invoices.csv", "/export/invoices.csv?customerID=" + plain,
			"/export/payments.csv?invoiceID=" + paid.ID, "/export/collections.csv"} {
			resp, body := get(t, ta.srv.URL+path, other.token)
			if rows := readCSV(t, body); resp.StatusCode != http.StatusOK || len(rows) != 1 {
				t.Errorf("another merchant's %s: %d, %d rows, want 200 and only the header", path, resp.StatusCode, len(rows))
			}
		}
		byNumber := map[string][]string{}
		for _, r := range rows[1:] {
			byNumber[r[1]] = r
		}
		if r := byNumber[paid.Number]; r == nil || r[3] != "'=HYPERLINK(\"http://x.example\",\"Click\")" || r[8] != "120.50" || r[10] != "20.50" || r[11] != "100.00" || r[2] != "PARTIALLY_PAID" {
			t.Errorf("partly paid row: %q", r)
		}
		if r := byNumber[open.Number]; r == nil || r[3] != "Plain Ltd" || r[11] != "99.99" {
			t.Errorf("open row: %q", r)
		}

		_, body = get(t, ta.srv.URL+"/export/payments.csv?customerID="+evil, c.token)
		if rows := readCSV(t, body); len(rows) != 2 || rows[1][2] != paid.Number || rows[1][5] != "20.50" || rows[1][3] != "'=HYPERLINK(\"http://x.example\",\"Click\")" {
			t.Errorf("payments: %q", rows)
		}
		c.record(map[string]any{"amount": "5.00", "currency": "USD", "text": "+cmd|' /C calc'!A0", "payerName": "@SUM(1+1)"})
		_, body = get(t, ta.srv.URL+"/export/collections.csv?status=UNMATCHED", c.token)
		if rows := readCSV(t, body); len(rows) != 2 || rows[1][9] != "'+cmd|' /C calc'!A0" || rows[1][7] != "'@SUM(1+1)" || rows[1][3] != "5.00" {
			t.Errorf("collections: %q", rows)
		}

		if resp, body := get(t, ta.srv.URL+"/export/invoices.csv?aging=LATE", c.token); resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(string(body), "aging:") {
			t.Errorf("bad aging: %d %s", resp.StatusCode, body)
		}
		if resp, _ := get(t, ta.srv.URL+"/export/invoices.csv", ""); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("no credentials: %d", resp.StatusCode)
		}

		// Many invoices: every one comes out once, in pages.
		sys := tenant.System(context.Background())
		mid := c.merchantID()
		const n = 1234
		for lo := 0; lo < n; lo += 500 {
			var batch []*ent.InvoiceCreate
			for i := lo; i < min(lo+500, n); i++ {
				batch = append(batch, ta.db.Client.Invoice.Create().SetMerchantID(mid).SetCustomerID(plain).SetCurrency("USD").
					SetStatus(status.Open).SetNumber(fmt.Sprintf("BULK-%05d", i)).SetItems([]lineitem.Item{}).SetTotalMinor(int64(i)))
			}
			if err := ta.db.Client.Invoice.CreateBulk(batch...).Exec(sys); err != nil {
				t.Fatal(err)
			}
		}
		resp, body = get(t, ta.srv.URL+"/export/invoices.csv?search=BULK-", c.token)
		if resp.ContentLength != -1 {
			t.Errorf("Content-Length %d: the export was not streamed", resp.ContentLength)
		}
		rows = readCSV(t, body)
		seen := map[string]bool{}
		for _, r := range rows[1:] {
			seen[r[1]] = true
		}
		if len(rows) != n+1 || len(seen) != n {
			t.Errorf("%d rows, %d distinct numbers; want %d", len(rows)-1, len(seen), n)
		}
	})
}

// TestInvoiceSorting: the list sorts by customer name and by total in both
// directions, ties broken by id, and the cursor pages continue the order.
func TestInvoiceSorting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Sort Shop")
		zoe, abe := c.createCustomer("Zoe", "zoe@example.com"), c.createCustomer("Abe", "abe@example.com")
		want := map[string]string{}
		for i, p := range []struct{ cus, price string }{{zoe, "30.00"}, {abe, "10.00"}, {zoe, "20.00"}, {abe, "40.00"}, {abe, "10.00"}} {
			inv := c.bill(p.cus, p.price)
			want[inv.ID] = fmt.Sprint(i)
		}
		page := func(field, dir string, after *string) ([]string, *string) {
			var out struct {
				Invoices struct {
					Edges []struct {
						Node struct {
							Total    string
							Customer struct{ Name string }
						}
					}
					PageInfo struct {
						EndCursor   *string
						HasNextPage bool
					}
				}
			}
			c.do(`query($f: InvoiceOrderField!, $d: OrderDirection!, $a: Cursor) { invoices(first: 2, after: $a, orderBy: {field: $f, direction: $d}) {
				edges { node { total customer { name } } } pageInfo { endCursor hasNextPage } } }`,
				map[string]any{"f": field, "d": dir, "a": after}, &out)
			var got []string
			for _, e := range out.Invoices.Edges {
				got = append(got, e.Node.Customer.Name+" "+e.Node.Total)
			}
			if !out.Invoices.PageInfo.HasNextPage {
				return got, nil
			}
			return got, out.Invoices.PageInfo.EndCursor
		}
		all := func(field, dir string) []string {
			var got []string
			var after *string
			for {
				p, next := page(field, dir, after)
				got = append(got, p...)
				if next == nil {
					return got
				}
				after = next
			}
		}
		totals := all("TOTAL", "DESC")
		if !reflect.DeepEqual(totals, []string{"Abe 40.00", "Zoe 30.00", "Zoe 20.00", "Abe 10.00", "Abe 10.00"}) {
			t.Errorf("by total, descending, 2 a page: %v", totals)
		}
		names := all("CUSTOMER_NAME", "ASC")
		if len(names) != 5 || !strings.HasPrefix(names[2], "Abe") || !strings.HasPrefix(names[3], "Zoe") {
			t.Errorf("by customer name: %v", names)
		}
	})
}
