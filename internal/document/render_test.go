package document

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/party"
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
		Items:    []Line{{Name: "Website design", Quantity: "1", UnitPrice: 120000, Amount: 120000}, {Name: "Hosting (months)", Quantity: "12", UnitPrice: 2550, Amount: 30600}},
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
		"November 27, 2026", "December 11, 2026",
		"$1,200.00", "$306.00", "$1,506.00", "Thank you!",
		"Stablecoins (USDT, USDC)", "Card via Infini", `<html lang="en">`,
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
		{"JPY", 1235, "¥1,235"},
		{"KWD", 1234500, "KWD\u00a01,234.500"},
	} {
		s := sample(t)
		s.Currency, _ = money.Lookup(tc.code)
		s.Items = []Line{{Name: "Thing", Quantity: "1", UnitPrice: tc.minor, Amount: tc.minor}}
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

func logoPNG(t *testing.T, w, h int) *Logo {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{0x3b, 0x5b, 0xdb, 0xff})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return &Logo{ContentType: "image/png", Data: b.Bytes(), Width: w, Height: h}
}

// full is an invoice with everything issue #14 prints: identities, a logo,
// taxes (one inclusive), discounts, bank details, terms and a footer.
func full(t *testing.T) Snapshot {
	t.Helper()
	s := sample(t)
	eur, _ := money.Lookup("EUR")
	s.Currency = eur
	s.MerchantName, s.MerchantLegalName = "Northwind", "Northwind Studio GmbH"
	s.MerchantPostal = party.Address{Lines: []string{"Hafenstraße 12"}, PostalCode: "20457", City: "Hamburg", Country: "DE"}
	s.MerchantTaxID = "DE123456789"
	s.Logo = logoPNG(t, 360, 120)
	s.CustomerPostal = party.Address{Lines: []string{"1 Rue de Rivoli"}, PostalCode: "75001", City: "Paris", Country: "FR"}
	s.CustomerTaxID = "FR12345678901"
	s.Items = []Line{
		{Name: "Website design", Quantity: "1", UnitPrice: 120000, DiscountPercent: "10", DiscountAmount: 12000, Amount: 108000,
			Taxes: []LineTax{{Name: "VAT", Percentage: "19"}}},
		{Name: "Hosting (months)", Quantity: "12.5", UnitPrice: 2550, Amount: 31875,
			Taxes: []LineTax{{Name: "VAT", Percentage: "7", Inclusive: true}}},
	}
	s.Subtotal = 139875
	s.Discount = &DocumentDiscount{Percent: "5", Amount: 6994, Reason: "Loyal customer"}
	s.TotalDiscount = 6994
	s.TaxBreakdown = []TaxLine{
		{Name: "VAT", Percentage: "19", Category: "STANDARD", Taxable: 102600, Amount: 19494},
		{Name: "VAT", Percentage: "7", Inclusive: true, Category: "STANDARD", Taxable: 28299, Amount: 1981},
	}
	s.TotalTax = 21475
	s.Total = s.Subtotal - s.TotalDiscount + 19494
	s.Due = s.Total
	s.Bank = party.BankAccount{AccountName: "Northwind Studio GmbH", BankName: "Hamburger Sparkasse", IBAN: "DE89370400440532013000", BIC: "HASPDEHHXXX"}
	terms := 14
	s.TermsDays = &terms
	s.Footer = "Late payments incur interest of 9 points above the base rate.\nRegistered in Hamburg, HRB 12345."
	return s
}

func TestDocumentPrintsIdentityTaxesDiscountsAndBank(t *testing.T) {
	html := render(t, full(t))
	for _, want := range []string{
		"Northwind Studio GmbH", "Hafenstraße 12", "20457 Hamburg", "Germany", "Tax ID: DE123456789",
		"1 Rue de Rivoli", "75001 Paris", "France", "Tax ID: FR12345678901",
		`alt="Northwind"`, `width="180"`, `height="60"`, "data:image/png;base64,",
		"VAT 19%", "VAT 7% incl.", "Discount 10% (−€120.00)", "12.5",
		"Subtotal", "€1,398.75", "Discount 5%", "Loyal customer", "−€69.94",
		"Tax summary", "€1,026.00", "€194.94", "€282.99", "€19.81",
		"€1,523.75", // total: 1398.75 - 69.94 + 194.94 (the 7 % is inside the prices)
		"Bank transfer", "Hamburger Sparkasse", "DE89 3704 0044 0532 0130 00", "HASPDEHHXXX",
		"Payment due within 14 days",
		"Late payments incur interest", "Registered in Hamburg",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("document lacks %q", want)
		}
	}
	if strings.Contains(html, "12 Harbour Road") {
		t.Error("the free-text address is printed although a structured one is set")
	}
	if strings.Contains(html, "Infini Corporate Card") || strings.Contains(html, "Cryptocurrency") {
		t.Error("the old method labels are still printed")
	}
}

func TestDocumentInGerman(t *testing.T) {
	s := full(t)
	s.Lang = "de-AT"
	html := render(t, s)
	for _, want := range []string{
		`<html lang="de">`, "<title>Rechnung INV-000001</title>", "RECHNUNG", "Rechnung an", "Offener Betrag",
		"USt-IdNr.: DE123456789", "Deutschland", "Frankreich",
		"27. November 2026", "11. Dezember 2026", "Zahlbar innerhalb von 14 Tagen",
		"1.523,75\u00a0€", "12,5", "inkl. MwSt", "Steuerübersicht", "Karte über Infini", "Jetzt bezahlen", "Banküberweisung",
	} {
		if want == "inkl. MwSt" {
			want = "inkl. VAT 7\u00a0%" // the rate's name is the merchant's
		}
		if !strings.Contains(html, want) {
			t.Errorf("German document lacks %q", want)
		}
	}
	if strings.Contains(html, "Billed to") || strings.Contains(html, "Amount due") {
		t.Error("English labels in a German document")
	}
}

func TestDocumentInJapanese(t *testing.T) {
	s := full(t)
	s.Lang = "ja"
	s.Currency, _ = money.Lookup("JPY")
	s.Items = []Line{{Name: "ウェブサイト制作", Quantity: "1", UnitPrice: 150000, Amount: 150000, Taxes: []LineTax{{Name: "消費税", Percentage: "10"}}}}
	s.Subtotal, s.Discount, s.TotalDiscount = 150000, nil, 0
	s.TaxBreakdown = []TaxLine{{Name: "消費税", Percentage: "10", Category: "STANDARD", Taxable: 150000, Amount: 15000}}
	s.Total, s.Due = 165000, 165000
	html := render(t, s)
	for _, want := range []string{`<html lang="ja">`, "請求書", "請求先", "ご請求金額", "2026年11月27日", "￥165,000", "消費税 10%", "税率別内訳", "カード（Infini 経由）"} {
		if !strings.Contains(html, want) {
			t.Errorf("Japanese document lacks %q", want)
		}
	}
}

func TestTaxCategoryNotes(t *testing.T) {
	s := full(t)
	s.TaxBreakdown = []TaxLine{
		{Name: "VAT", Percentage: "0", Category: "REVERSE_CHARGE", Taxable: 100},
		{Name: "VAT", Percentage: "0", Category: "EXEMPT", ExemptionReason: "Article 132(1)(i) Directive 2006/112/EC", Taxable: 100},
		{Name: "VAT", Percentage: "0", Category: "INTRA_COMMUNITY", Taxable: 100},
		{Name: "VAT", Percentage: "0", Category: "EXPORT", Taxable: 100},
	}
	html := render(t, s)
	for _, want := range []string{
		"Reverse charge: VAT to be accounted for by the recipient.",
		"Exempt from VAT.", "Reason for exemption: Article 132(1)(i) Directive 2006/112/EC",
		"Intra-Community supply", "Export outside the EU",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("document lacks %q", want)
		}
	}
	if strings.Contains(render(t, sample(t)), "Tax summary") {
		t.Error("an invoice without taxes prints a tax summary")
	}
}

func TestTermsAndLegalName(t *testing.T) {
	s := sample(t)
	zero := 0
	s.TermsDays = &zero
	s.MerchantLegalName = "northwind studio" // the same name: not printed twice
	html := render(t, s)
	if !strings.Contains(html, "Due on receipt") {
		t.Error("0 days of terms must read Due on receipt")
	}
	if strings.Contains(html, "northwind studio") {
		t.Error("a legal name equal to the trading name is printed again")
	}
	one := 1
	s.TermsDays = &one
	if html := render(t, s); !strings.Contains(html, "Payment due within 1 day<") {
		t.Error("1 day of terms must be singular")
	}
	s.TermsDays = nil
	if html := render(t, s); strings.Contains(html, "Payment due") || strings.Contains(html, "Due on receipt") {
		t.Error("no terms set, but terms printed")
	}
}

func TestMessageIsEscapedAndOnlyWhenSet(t *testing.T) {
	s := sample(t)
	if strings.Contains(render(t, s), `class="message"`) {
		t.Fatal("a message block without a message")
	}
	s.Message = "Hi Anna,\n<b>thanks</b> for the project!"
	s.Footer = "<script>x()</script>"
	html := render(t, s)
	if !strings.Contains(html, "Hi Anna,\n&lt;b&gt;thanks&lt;/b&gt; for the project!") {
		t.Error("the message is not printed escaped with its line break")
	}
	if strings.Contains(html, "<script>x()") || strings.Contains(html, "<b>thanks") {
		t.Error("merchant text was not escaped")
	}
	if strings.Index(html, "Hi Anna") > strings.Index(html, ">INVOICE<") {
		t.Error("the message must come before the document")
	}
}

func TestLogoOnlyAsAnImage(t *testing.T) {
	s := sample(t)
	s.Logo = &Logo{ContentType: "image/svg+xml", Data: []byte(`<svg onload="alert(1)"/>`), Width: 10, Height: 10}
	if html := render(t, s); strings.Contains(html, "svg") {
		t.Error("an SVG logo was embedded")
	}
}

// The email carries the merchant's message; its PDF attachment, printed
// from the email's HTML without it, is byte for byte the preview.
func TestWithoutMessageIsThePreview(t *testing.T) {
	s := full(t)
	preview := render(t, s)
	s.Message = "Hi Anna,\nthe invoice for November."
	email := render(t, s)
	if !strings.Contains(email, "the invoice for November.") {
		t.Fatal("the email lacks the message")
	}
	if got := string(WithoutMessage([]byte(email))); got != preview {
		t.Fatalf("the email without its message differs from the preview (%d vs %d bytes)", len(got), len(preview))
	}
}
