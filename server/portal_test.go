package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// portalURL returns customer id's portal link as the API gives it.
func (c *client) portalURL(customerID string) string {
	c.t.Helper()
	var out struct{ Node struct{ PortalURL string } }
	c.do(`query($id: ID!) { node(id: $id) { ... on Customer { portalURL } } }`, map[string]any{"id": customerID}, &out)
	return out.Node.PortalURL
}

// fetch GETs u without following redirects and returns the response and body.
func fetch(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirect.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// issuedFor issues an invoice of price to customer and returns its id and number.
func (c *client) issuedFor(customerID, price string) (id, number string) {
	c.t.Helper()
	id = c.draft(customerID, map[string]any{"name": "Work", "quantity": "1", "unitPrice": price})
	return id, c.issue(id)
}

func TestPortalShowsExactlyTheCustomersIssuedInvoices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Portal Shop")
		anna := c.createCustomer("Anna Payer", "anna@example.com")
		bob := c.createCustomer("Bob Other", "bob@example.com")

		_, n1 := c.issuedFor(anna, "100.00")
		id2, n2 := c.issuedFor(anna, "250.00")
		id3, n3 := c.issuedFor(anna, "40.00")
		draftID := c.draft(anna, map[string]any{"name": "Not yet", "quantity": "1", "unitPrice": "999.00"})
		bobID, bobNumber := c.issuedFor(bob, "777.00")
		c.do(`mutation($id: ID!, $in: MarkInvoicePaidInput!) { markInvoicePaid(id: $id, input: $in) { id } }`,
			map[string]any{"id": id2, "in": map[string]any{"channel": "BANK_TRANSFER", "amount": "50.00"}}, nil)
		c.do(`mutation($id: ID!) { markInvoicePaid(id: $id, input: {channel: CASH}) { id } }`, map[string]any{"id": id3}, nil)

		link := c.portalURL(anna)
		if !strings.HasPrefix(link, ta.srv.URL+"/portal/") || len(link)-len(ta.srv.URL+"/portal/") < 32 {
			t.Fatalf("portalURL = %q, want %s/portal/<long token>", link, ta.srv.URL)
		}
		if again := c.portalURL(anna); again != link {
			t.Fatalf("portalURL changed between reads: %q then %q", link, again)
		}
		resp, page := fetch(t, link)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET portal: HTTP %d\n%s", resp.StatusCode, page)
		}
		for h, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"} {
			if got := resp.Header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
			t.Errorf("CSP = %q, want default-src 'none' and no script", csp)
		}
		// Readable without JavaScript: the figures are in the HTML, no script runs.
		if strings.Contains(page, "<script") {
			t.Error("the portal page carries a script")
		}
		if !strings.Contains(page, `name="robots" content="noindex`) {
			t.Error("the page lacks its noindex meta tag")
		}
		// Newest first: the three issued invoices, no draft, nothing of Bob's.
		order := regexp.MustCompile(`data-invoice="(INV-\d+)"`).FindAllStringSubmatch(page, -1)
		var got []string
		for _, m := range order {
			got = append(got, m[1])
		}
		if strings.Join(got, ",") != strings.Join([]string{n3, n2, n1}, ",") {
			t.Fatalf("invoices on the portal = %v, want %v (newest first)", got, []string{n3, n2, n1})
		}
		for _, leak := range []string{bobNumber, "777.00", "Bob Other", "bob@example.com", "Not yet", "999.00", draftID, "owner"} {
			if strings.Contains(page, leak) {
				t.Errorf("the portal shows %q, which is not this customer's to see", leak)
			}
		}
		card := func(number string) string {
			i := strings.Index(page, `data-invoice="`+number+`"`)
			j := strings.Index(page[i:], "</article>")
			return page[i : i+j]
		}
		// Status in words, amounts due, a pay button only where money is owed.
		open, partial, paid := card(n1), card(n2), card(n3)
		if !strings.Contains(open, ">Open<") || !strings.Contains(open, "$100.00") || !strings.Contains(open, `href="/pay/`) {
			t.Errorf("open invoice card lacks Open, $100.00 due or its pay link:\n%s", open)
		}
		if !strings.Contains(partial, ">Partially paid<") || !strings.Contains(partial, "$200.00") || !strings.Contains(partial, "Pay $200.00") {
			t.Errorf("partly paid card lacks its status, $200.00 due or its pay button:\n%s", partial)
		}
		if !strings.Contains(partial, "/receipts/") || !strings.Contains(partial, "$50.00") {
			t.Errorf("partly paid card lacks the receipt of the $50.00 payment:\n%s", partial)
		}
		if !strings.Contains(paid, ">Paid<") || strings.Contains(paid, `href="/pay/`) {
			t.Errorf("paid card lacks Paid or still offers to pay:\n%s", paid)
		}
		if !strings.Contains(page, "$300.00") {
			t.Error("the total due ($100.00 + $200.00) is not shown")
		}
		// The pay link opens the invoice's own payment page.
		payHref := regexp.MustCompile(`href="(/pay/[^"]+)"`).FindStringSubmatch(open)[1]
		if r, body := fetch(t, ta.srv.URL+payHref); r.StatusCode != http.StatusOK || !strings.Contains(body, n1) {
			t.Errorf("the pay button leads to HTTP %d without %s", r.StatusCode, n1)
		}

		// Another customer's invoice, payment or anything by id under this token: the same 404.
		base := link
		notFound := func(u string) {
			t.Helper()
			r, body := fetch(t, u)
			if r.StatusCode != http.StatusNotFound || !strings.Contains(body, "This link is not valid") || r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("GET %s: HTTP %d, want the portal's 404 page", strings.TrimPrefix(u, ta.srv.URL), r.StatusCode)
			}
		}
		notFound(base + "/invoices/" + bobID + "/pdf")
		notFound(base + "/invoices/" + draftID + "/pdf")
		notFound(base + "/receipts/pay_01kx0000000000000000000000/pdf")
		notFound(base + "/credit-notes/crn_01kx0000000000000000000000/pdf")
		notFound(ta.srv.URL + "/portal/NOTATOKENTHATEXISTS0000000000000000")
		notFound(ta.srv.URL + "/portal/x")

		// Revoking replaces the link: the old one 404s at once.
		var rev struct{ RevokeCustomerPortalLink struct{ PortalURL string } }
		c.do(`mutation($id: ID!) { revokeCustomerPortalLink(id: $id) { portalURL } }`, map[string]any{"id": anna}, &rev)
		if rev.RevokeCustomerPortalLink.PortalURL == link || !strings.HasPrefix(rev.RevokeCustomerPortalLink.PortalURL, ta.srv.URL+"/portal/") {
			t.Fatalf("after revoking, portalURL = %q, want a new link", rev.RevokeCustomerPortalLink.PortalURL)
		}
		notFound(link)
		if r, _ := fetch(t, rev.RevokeCustomerPortalLink.PortalURL); r.StatusCode != http.StatusOK {
			t.Errorf("the new link answers HTTP %d, want 200", r.StatusCode)
		}
		// Another merchant can neither read nor revoke the link.
		other := ta.signUp(t, "Other Shop")
		other.expectCode("NOT_FOUND", "", `mutation($id: ID!) { revokeCustomerPortalLink(id: $id) { id } }`, map[string]any{"id": anna})
	})
}

func TestPortalPDFsAreTheCustomersOnly(t *testing.T) {
	needTool(t, "chromium")
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "PDF Portal Shop")
		anna := c.createCustomer("Anna Payer", "anna@example.com")
		id, number := c.issuedFor(anna, "120.00")
		c.do(`mutation($id: ID!, $in: MarkInvoicePaidInput!) { markInvoicePaid(id: $id, input: $in) { id } }`,
			map[string]any{"id": id, "in": map[string]any{"channel": "BANK_TRANSFER", "amount": "20.00"}}, nil)
		link := c.portalURL(anna)
		_, page := fetch(t, link)
		for _, path := range regexp.MustCompile(`href="(/portal/[^"]+/pdf)"`).FindAllStringSubmatch(page, -1) {
			resp, body := fetch(t, ta.srv.URL+path[1])
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF") {
				t.Fatalf("GET %s: HTTP %d %s, want a PDF", path[1], resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			text := pdfTool(t, "pdftotext", []byte(body))
			if !strings.Contains(text, number) {
				t.Errorf("%s does not show %s:\n%s", path[1], number, text)
			}
			if strings.Contains(path[1], "/receipts/") && (!strings.Contains(text, "RECEIPT") || !strings.Contains(text, "$100.00")) {
				t.Errorf("the receipt PDF lacks its title or the $100.00 still due:\n%s", text)
			}
		}
		if n := strings.Count(page, "/pdf\""); n != 2 {
			t.Fatalf("the portal links %d PDFs, want the invoice and one receipt", n)
		}
	})
}
