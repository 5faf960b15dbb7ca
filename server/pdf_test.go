package main

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// needTool skips when a program the test runs is missing, unless
// TALLY_REQUIRE_CHROMIUM=1 (CI), where that is a failure.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err == nil {
		return
	}
	if os.Getenv("TALLY_REQUIRE_CHROMIUM") == "1" {
		t.Fatalf("%s is missing; run `make deps-system`", name)
	}
	t.Skipf("%s is missing: run `make deps-system`", name)
}

func get(t *testing.T, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// pdfTool runs pdfinfo or pdftotext (poppler) on a PDF and returns its output.
func pdfTool(t *testing.T, tool string, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{path}
	if tool == "pdftotext" {
		args = append(args, "-")
	}
	out, err := exec.Command(tool, args...).CombinedOutput() //nolint:gosec // poppler tools with the test's own arguments
	if err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, out)
	}
	return string(out)
}

func TestInvoicePDFForMerchantAndCustomer(t *testing.T) {
	needTool(t, "chromium")
	needTool(t, "pdfinfo")
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Northwind Studio")
		cust := c.createCustomer("Acme Ltd", "billing@acme.example")
		id := c.draft(cust)

		// A draft: the merchant can preview it, marked DRAFT.
		resp, body := get(t, ta.srv.URL+"/invoices/"+id+"/pdf", c.token)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("draft PDF = %d %s %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if text := pdfTool(t, "pdftotext", body); !strings.Contains(text, "DRAFT") {
			t.Errorf("draft PDF text lacks DRAFT:\n%s", text)
		}

		c.issue(id)
		var inv struct {
			Node struct{ PdfURL, CheckoutURL string }
		}
		c.do(`query($id: ID!) { node(id: $id) { ... on Invoice { pdfURL checkoutURL } } }`, map[string]any{"id": id}, &inv)
		if !strings.HasSuffix(inv.Node.PdfURL, "/invoices/"+id+"/pdf") {
			t.Fatalf("pdfURL = %q", inv.Node.PdfURL)
		}
		resp, body = get(t, ta.srv.URL+"/invoices/"+id+"/pdf?download=1", c.token)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Disposition") != `attachment; filename="INV-000001.pdf"` {
			t.Fatalf("PDF = %d, Content-Disposition %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		info := pdfTool(t, "pdfinfo", body)
		if !strings.Contains(info, "Invoice INV-000001") || !strings.Contains(info, "Northwind Studio") {
			t.Errorf("PDF metadata lacks title or author:\n%s", info)
		}
		text := pdfTool(t, "pdftotext", body)
		for _, want := range []string{"INV-000001", "Acme Ltd", "$100.00", "Pay now"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF text lacks %q", want)
			}
		}

		// A merchant in the US prints on Letter.
		c.do(`mutation { updateMerchant(input: {paperSize: LETTER, address: "1 Main St\nSpringfield"}) { paperSize } }`, nil, nil)
		_, letter := get(t, ta.srv.URL+"/invoices/"+id+"/pdf", c.token)
		if info := pdfTool(t, "pdfinfo", letter); !strings.Contains(info, "612 x 792 pts (letter)") {
			t.Errorf("Letter PDF page size:\n%s", info)
		}
		if info := pdfTool(t, "pdfinfo", body); !strings.Contains(info, "(A4)") {
			t.Errorf("A4 PDF page size:\n%s", info)
		}
		if text := pdfTool(t, "pdftotext", letter); !strings.Contains(text, "Springfield") {
			t.Error("the merchant's address is not on the invoice")
		}

		// The customer: with the token from the payment link, no account needed.
		token := inv.Node.CheckoutURL[strings.LastIndex(inv.Node.CheckoutURL, "/")+1:]
		if resp, _ := get(t, ta.srv.URL+"/invoices/"+id+"/pdf?token="+token, ""); resp.StatusCode != 200 {
			t.Errorf("customer PDF with token = %d", resp.StatusCode)
		}
		for name, url := range map[string]string{
			"wrong token":     ta.srv.URL + "/invoices/" + id + "/pdf?token=" + strings.Repeat("x", len(token)),
			"token, other id": ta.srv.URL + "/invoices/inv_other/pdf?token=" + token,
		} {
			if resp, _ := get(t, url, ""); resp.StatusCode != 404 {
				t.Errorf("%s = %d, want 404", name, resp.StatusCode)
			}
		}
		if resp, _ := get(t, ta.srv.URL+"/invoices/"+id+"/pdf", ""); resp.StatusCode != 401 {
			t.Errorf("anonymous PDF = %d, want 401", resp.StatusCode)
		}
		other := ta.signUp(t, "Someone Else")
		if resp, _ := get(t, ta.srv.URL+"/invoices/"+id+"/pdf", other.token); resp.StatusCode != 404 {
			t.Errorf("another merchant's PDF = %d, want 404", resp.StatusCode)
		}
		// Once voided, the payment link no longer opens the document.
		var voided struct{ VoidInvoice struct{ CheckoutURL *string } }
		c.do(`mutation($id: ID!) { voidInvoice(id: $id) { checkoutURL } }`, map[string]any{"id": id}, &voided)
		if voided.VoidInvoice.CheckoutURL != nil {
			t.Errorf("a voided invoice still has a payment link: %s", *voided.VoidInvoice.CheckoutURL)
		}
		if resp, _ := get(t, ta.srv.URL+"/invoices/"+id+"/pdf?token="+token, ""); resp.StatusCode != 404 {
			t.Errorf("voided invoice by token = %d, want 404", resp.StatusCode)
		}
	})
}

func TestPaymentLinkOpensThePayPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Northwind Studio")
		cust := c.createCustomer("Acme Ltd", "billing@acme.example")
		id := c.draft(cust)
		c.issue(id)
		var inv struct {
			Node struct {
				CheckoutURL string
				Reference   string
			}
		}
		c.do(`query($id: ID!) { node(id: $id) { ... on Invoice { checkoutURL reference } } }`, map[string]any{"id": id}, &inv)
		path := inv.Node.CheckoutURL[strings.Index(inv.Node.CheckoutURL, "/pay/"):]
		resp, body := get(t, ta.srv.URL+path, "")
		page := string(body)
		if resp.StatusCode != 200 || !strings.Contains(page, "Northwind Studio") || !strings.Contains(page, "$100.00") ||
			!strings.Contains(page, "/invoices/"+id+"/pdf?token=") || !strings.Contains(page, "Card via Infini") || strings.Contains(page, "Infini Corporate Card") {
			t.Fatalf("pay page = %d\n%.500s", resp.StatusCode, page)
		}
		if resp.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Error("the pay page leaks its token in Referer headers")
		}
		// The customer's email, the merchant's internal ids: not on the page beyond the document.
		if strings.Contains(page, cust) {
			t.Error("the pay page shows the customer's internal id")
		}
		for name, p := range map[string]string{"unknown token": "/pay/nope", "draft": "/pay/" + strings.Repeat("A", 32)} {
			if resp, body := get(t, ta.srv.URL+p, ""); resp.StatusCode != 404 || strings.Contains(string(body), "Northwind") {
				t.Errorf("%s = %d %q", name, resp.StatusCode, body)
			}
		}
		c.do(`mutation($id: ID!) { voidInvoice(id: $id) { id } }`, map[string]any{"id": id}, nil)
		if resp, _ := get(t, ta.srv.URL+path, ""); resp.StatusCode != 404 {
			t.Errorf("voided invoice's link = %d, want 404", resp.StatusCode)
		}
	})
}

// PDFs count against the same per-credential render limit as previews: past
// its burst a merchant gets 429 with Retry-After, and another merchant (or a
// customer's payment link) still gets theirs.
func TestInvoicePDFRendersAreLimitedPerCredential(t *testing.T) {
	needTool(t, "chromium")
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startAppWith(t, b.URL, func(c *config) {
			c.limits = generousRules()
			c.limits.RendersPerCredential.Burst = 2
			c.limits.RendersPerCredential.Rate = 0.01
		})
		busy := ta.signUp(t, "Busy Shop")
		other := ta.signUp(t, "Quiet Shop")
		id := busy.draft(busy.createCustomer("Acme Ltd", "billing@acme.example"))
		for i := range 2 {
			if resp, body := get(t, ta.srv.URL+"/invoices/"+id+"/pdf", busy.token); resp.StatusCode != 200 {
				t.Fatalf("PDF %d = %d %.200s", i+1, resp.StatusCode, body)
			}
		}
		resp, body := get(t, ta.srv.URL+"/invoices/"+id+"/pdf", busy.token)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("third PDF = %d (Retry-After %q) %.200s; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
		// The preview of the same credential is refused too: one budget.
		e := busy.expectCode("RATE_LIMITED", "", `query($id: ID!) { node(id: $id) { ... on Invoice { previewHTML } } }`, map[string]any{"id": id})
		if !strings.Contains(e.Message, "documents") {
			t.Errorf("preview refusal %q does not say what was limited", e.Message)
		}
		oid := other.draft(other.createCustomer("Beta GmbH", "ap@beta.example"))
		if resp, body := get(t, ta.srv.URL+"/invoices/"+oid+"/pdf", other.token); resp.StatusCode != 200 {
			t.Fatalf("another merchant's PDF = %d %.200s", resp.StatusCode, body)
		}
	})
}
