package document

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
)

func sample(t *testing.T) Snapshot {
	t.Helper()
	usd, _ := money.Lookup("USD")
	issued := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	due := issued.AddDate(0, 0, 14)
	return Snapshot{
		MerchantName: "Northwind Studio", MerchantAddress: "12 Harbour Road\nLisbon",
		CustomerName: "Acme Ltd", CustomerEmail: "billing@acme.example",
		Number: "INV-000001", Reference: "RF18539007547034", Status: status.Open,
		IssuedAt: &issued, DueDate: &due, Currency: usd,
		Items:    []Line{{"Website design", "1", 120000, 120000}, {"Hosting (months)", "12", 2550, 30600}},
		Subtotal: 150600, Total: 150600, Due: 150600,
		Note: "Thank you!", Methods: []string{"CRYPTO", "INFINI_CARD"},
		CheckoutURL: "https://pay.example/pay/tok", Paper: PaperA4,
	}
}

func render(t *testing.T, s Snapshot) string {
	t.Helper()
	b, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDocumentShowsWhatTheCustomerNeeds(t *testing.T) {
	html := render(t, sample(t))
	for _, want := range []string{
		"Northwind Studio", "Acme Ltd", "billing@acme.example", "INV-000001",
		"RF18 5390 0754 7034", // the reference, grouped for reading
		"27 November 2026", "11 December 2026",
		"$1,200.00", "$306.00", "$1,506.00", "Thank you!",
		"Cryptocurrency (USDT, USDC stablecoins)", "Infini Corporate Card",
		`href="https://pay.example/pay/tok"`, "Pay now", "data:image/png;base64,",
		"<title>Invoice INV-000001</title>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("document lacks %q", want)
		}
	}
}

func TestDocumentIsEmailSafe(t *testing.T) {
	html := render(t, sample(t))
	if strings.Contains(strings.ToLower(html), "<script") {
		t.Error("document contains a script")
	}
	// Nothing fetched from the network: every src is a data URI, no link tags.
	for _, m := range regexp.MustCompile(`(?i)src="([^"]*)"`).FindAllStringSubmatch(html, -1) {
		if !strings.HasPrefix(m[1], "data:") {
			t.Errorf("external resource %q", m[1])
		}
	}
	if strings.Contains(html, "<link") || strings.Contains(html, "@import") || strings.Contains(html, "url(") {
		t.Error("document references external CSS")
	}
	// CSS is inlined: the items table cells carry their style.
	if !regexp.MustCompile(`<td[^>]*class="num"[^>]*style="[^"]*text-align: ?right`).MatchString(html) &&
		!regexp.MustCompile(`<td[^>]*style="[^"]*text-align: ?right[^"]*"[^>]*class="num"`).MatchString(html) {
		t.Error("item cells have no inlined style")
	}
}

func TestCustomerTextIsEscaped(t *testing.T) {
	s := sample(t)
	s.CustomerName = `<img src=x onerror=alert(1)>`
	s.Items[0].Name = `<script>alert("pwned")</script>`
	s.Note = `</div><b>bold?</b>`
	html := render(t, s)
	if strings.Contains(html, "<script>alert") || strings.Contains(html, "<img src=x") || strings.Contains(html, "<b>bold?</b>") {
		t.Fatal("customer-supplied text was not escaped")
	}
	if !strings.Contains(html, "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;") {
		t.Errorf("escaped item name not printed as text")
	}
}

func TestAmountsFollowTheCurrency(t *testing.T) {
	for _, tc := range []struct {
		code  string
		minor int64
		want  string
	}{
		{"USD", 123450, "$1,234.50"},
		{"JPY", 1235, "JPY 1,235"},
		{"KWD", 1234500, "1,234.500 KWD"},
	} {
		s := sample(t)
		s.Currency, _ = money.Lookup(tc.code)
		s.Items = []Line{{"Thing", "1", tc.minor, tc.minor}}
		s.Subtotal, s.Total, s.Due = tc.minor, tc.minor, tc.minor
		if html := render(t, s); !strings.Contains(html, tc.want) {
			t.Errorf("%s document lacks %q", tc.code, tc.want)
		}
	}
}

func TestStatusMarks(t *testing.T) {
	draft := sample(t)
	draft.Status, draft.Number, draft.Reference, draft.IssuedAt, draft.CheckoutURL = status.Draft, "", "", nil, ""
	html := render(t, draft)
	if !strings.Contains(html, ">DRAFT<") || strings.Contains(html, "Pay now") || !strings.Contains(html, "Not issued yet") {
		t.Error("a draft must be marked DRAFT and have no Pay now button")
	}
	paid := sample(t)
	paid.Status, paid.Paid, paid.Due, paid.CheckoutURL = status.Paid, paid.Total, 0, ""
	html = render(t, paid)
	if !strings.Contains(html, ">PAID<") || strings.Contains(html, "Pay now") {
		t.Error("a paid invoice must be stamped PAID without Pay now")
	}
	void := sample(t)
	void.Status, void.CheckoutURL = status.Void, ""
	if html := render(t, void); !strings.Contains(html, ">VOID<") {
		t.Error("a void invoice must be stamped VOID")
	}
	if html := render(t, sample(t)); strings.Contains(html, ">PAID<") || strings.Contains(html, ">DRAFT<") {
		t.Error("an open invoice carries no stamp")
	}
}

func TestPaperSize(t *testing.T) {
	s := sample(t)
	if html := render(t, s); !strings.Contains(html, "size: A4") {
		t.Error("A4 document has no A4 @page size")
	}
	s.Paper = PaperLetter
	if html := render(t, s); !strings.Contains(html, "size: letter") {
		t.Error("Letter document has no letter @page size")
	}
}

func TestRenderingIsDeterministic(t *testing.T) {
	a, b := render(t, sample(t)), render(t, sample(t))
	if a != b {
		t.Fatal("the same snapshot rendered to different bytes")
	}
}
