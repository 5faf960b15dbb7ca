package document

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"
	"github.com/vanng822/go-premailer/premailer"

	"github.com/tally-invoicing/tally/internal/i18n"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/party"
)

//go:embed invoice.html.tmpl
var invoiceTemplate string

// qrSize is the QR code's width and height in CSS pixels.
const qrSize = 120

var tmpl = template.Must(template.New("invoice").Parse(invoiceTemplate))

// view is what the template reads: the snapshot with every value already
// formatted and every label translated, so the template has no logic
// beyond "if" and "range".
type view struct {
	Snapshot
	p             *i18n.Printer
	HTMLLang      string
	PageSize      string
	Stamp         *stamp
	LogoURI       template.URL
	LogoW, LogoH  int
	LegalName     string
	MerchantLines []string
	MerchantTaxID string
	CustomerLines []string
	CustomerTaxID string
	NumberText    string
	IssuedText    string
	DueText       string
	TermsText     string
	DueAmount     string
	ReferenceText string
	Lines         []lineView
	SubtotalText  string
	Discount      *totalRow
	Taxes         []totalRow
	PaidText      string
	ShowPaid      bool
	CreditedText  string
	ShowCredited  bool
	HasPaid       bool
	GrandLabel    string
	GrandText     string
	TotalText     string
	TaxSummary    []taxRow
	TaxNotes      []string
	MethodLabels  []string
	Bank          []bankRow
	OrOpen        template.HTML
	QuoteRef      template.HTML
	QR            template.URL
	QRAlt         string
	PortalText    string
	FooterLine    string
	// DocTitle is the big title: INVOICE, or CREDIT NOTE.
	DocTitle string
	// Corrects is a credit note's "Corrects invoice INV-000001 of <date>".
	Corrects string
}

type stamp struct{ Text, Class string }

type lineView struct{ Name, Detail, Quantity, UnitPrice, Amount string }

type totalRow struct{ Label, Note, Amount string }

type taxRow struct{ Rate, Taxable, Amount string }

type bankRow struct {
	Label, Value string
	Mono         bool
}

// T is a translated label for the template: {{.T "doc.billed_to"}}.
func (v *view) T(key string) string { return v.p.T(key) }

// Render returns the invoice document: complete HTML with its CSS inlined.
func Render(s Snapshot) ([]byte, error) {
	p := s.printer()
	v := view{
		Snapshot:      s,
		p:             p,
		HTMLLang:      p.Lang(),
		PageSize:      "A4",
		LegalName:     legalName(s),
		MerchantLines: addressLines(p, s.MerchantPostal, s.MerchantAddress),
		CustomerLines: addressLines(p, s.CustomerPostal, ""),
		NumberText:    s.Number,
		IssuedText:    dateText(p, s.IssuedAt, p.T("doc.not_issued")),
		DueText:       dateText(p, s.DueDate, p.T("doc.on_receipt")),
		DueAmount:     p.Money(s.Due, s.Currency),
		ReferenceText: s.formattedReference(),
		SubtotalText:  p.Money(s.Subtotal, s.Currency),
		PaidText:      p.Money(s.Paid, s.Currency),
		ShowPaid:      s.Paid > 0 || s.Credited > 0,
		// The receipt's "Credited" label says the same on the invoice.
		CreditedText: p.Money(s.Credited, s.Currency),
		ShowCredited: s.Credited > 0,
		HasPaid:      s.Paid > 0,
		TotalText:    p.Money(s.Total, s.Currency),
		QRAlt:        p.T("doc.qr_alt"),
		PortalText:   p.T("mail.portal", s.MerchantName),
	}
	v.DocTitle = p.T("doc.invoice")
	if s.Number == "" {
		v.NumberText = p.T("doc.draft")
	}
	if s.MerchantTaxID != "" {
		v.MerchantTaxID = p.T("label_value", p.T("doc.tax_id"), s.MerchantTaxID)
	}
	if s.CustomerTaxID != "" {
		v.CustomerTaxID = p.T("label_value", p.T("doc.tax_id"), s.CustomerTaxID)
	}
	if s.TermsDays != nil {
		if *s.TermsDays <= 0 {
			v.TermsText = p.T("doc.terms_receipt")
		} else {
			v.TermsText = p.T("doc.terms_days", *s.TermsDays)
		}
	}
	if s.Paper == PaperLetter {
		v.PageSize = "letter"
	}
	if l := s.Logo; l != nil && len(l.Data) > 0 && (l.ContentType == "image/png" || l.ContentType == "image/jpeg") {
		v.LogoURI = template.URL("data:" + l.ContentType + ";base64," + base64.StdEncoding.EncodeToString(l.Data)) //nolint:gosec // G203: a fixed image type and base64, which cannot leave the attribute
		v.LogoW, v.LogoH = max((l.Width+1)/2, 1), max((l.Height+1)/2, 1)
	}
	v.GrandLabel = p.T("doc.total") + " (" + s.Currency.Code + ")"
	v.GrandText = v.TotalText
	if v.ShowPaid {
		v.GrandLabel = p.T("doc.amount_due") + " (" + s.Currency.Code + ")"
		v.GrandText = v.DueAmount
	}
	switch s.Status {
	case status.Paid:
		v.Stamp = &stamp{Text: p.T("doc.stamp_paid")}
	case status.Void:
		v.Stamp = &stamp{Text: p.T("doc.stamp_void"), Class: " stamp-void"}
	case status.Draft:
		v.Stamp = &stamp{Text: p.T("doc.stamp_draft"), Class: " stamp-draft"}
	}
	for _, l := range s.Items {
		v.Lines = append(v.Lines, lineView{
			Name: l.Name, Detail: lineDetail(p, s, l), Quantity: p.Number(l.Quantity),
			UnitPrice: p.Money(l.UnitPrice, s.Currency), Amount: p.Money(l.Amount, s.Currency),
		})
	}
	if d := s.Discount; d != nil && s.TotalDiscount != 0 {
		row := totalRow{Label: p.T("doc.discount"), Note: d.Reason, Amount: "−" + p.Money(s.TotalDiscount, s.Currency)}
		if d.Percent != "" {
			row.Label += " " + p.Percent(d.Percent)
		}
		v.Discount = &row
	}
	notes := map[string]bool{}
	for _, t := range s.TaxBreakdown {
		rate := taxName(p, t.Name, t.Percentage, t.Inclusive)
		v.Taxes = append(v.Taxes, totalRow{Label: rate, Amount: p.Money(t.Amount, s.Currency)})
		v.TaxSummary = append(v.TaxSummary, taxRow{Rate: rate, Taxable: p.Money(t.Taxable, s.Currency), Amount: p.Money(t.Amount, s.Currency)})
		for _, n := range taxNotes(p, t) {
			if !notes[n] {
				notes[n] = true
				v.TaxNotes = append(v.TaxNotes, n)
			}
		}
	}
	for _, m := range s.Methods {
		v.MethodLabels = append(v.MethodLabels, MethodLabel(p, m))
	}
	v.Bank = bankRows(p, s.Bank)
	if s.CheckoutURL != "" {
		v.OrOpen = withHTML(p.T("doc.or_open", slot), `<a href="`+template.HTMLEscapeString(s.CheckoutURL)+`" style="color: #3b5bdb; overflow-wrap: anywhere; word-break: break-all;">`+template.HTMLEscapeString(s.CheckoutURL)+`</a>`)
		// Drawn at its displayed size: a QR code is pixels, and any resampling
		// blurs it differently in a mail client, a browser and a PDF viewer.
		png, err := qrcode.Encode(s.CheckoutURL, qrcode.Medium, qrSize)
		if err != nil {
			return nil, fmt.Errorf("document: QR code: %w", err)
		}
		v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)) //nolint:gosec // G203: base64 of the PNG we just encoded; nothing in it can escape the URL
	}
	if v.ReferenceText != "" && len(v.Bank) == 0 { // with bank details the reference is printed with them
		v.QuoteRef = withHTML(p.T("doc.quote_reference", slot), "<strong style=\"white-space: nowrap;\">"+template.HTMLEscapeString(v.ReferenceText)+"</strong>")
	}
	if s.Credit != nil {
		creditView(p, s, &v)
	}
	v.FooterLine = s.MerchantName + " · " + s.Title()
	if s.Number != "" {
		v.FooterLine += " · " + v.TotalText
	}
	var raw bytes.Buffer
	if err := tmpl.Execute(&raw, &v); err != nil {
		return nil, fmt.Errorf("document: render: %w", err)
	}
	pm, err := premailer.NewPremailerFromBytes(raw.Bytes(), premailer.NewOptions())
	if err != nil {
		return nil, fmt.Errorf("document: inline CSS: %w", err)
	}
	html, err := pm.Transform()
	if err != nil {
		return nil, fmt.Errorf("document: inline CSS: %w", err)
	}
	return []byte(html), nil
}

// messageRow is the message's table row: one cell of escaped text, so the
// first </tr> ends it.
var messageRow = regexp.MustCompile(`(?s)<tr data-tally-message[^>]*>.*?</tr>\s*`)

// WithoutMessage is a rendered email document without what only the email
// carries (the merchant's message, the portal link): the same document as
// the preview and the PDF. The PDF attached
// to an email is printed from this.
func WithoutMessage(html []byte) []byte {
	return messageRow.ReplaceAll(html, nil)
}

// slot marks where markup goes into a translated sentence; no translation
// contains it.
const slot = "\x00"

// withHTML escapes the translated text around slot and puts markup, which
// the caller built from escaped values, in its place.
func withHTML(text, markup string) template.HTML {
	before, after, _ := strings.Cut(text, slot)
	return template.HTML(template.HTMLEscapeString(before) + markup + template.HTMLEscapeString(after)) //nolint:gosec // G203: the text is escaped here and markup by the caller
}

func dateText(p *i18n.Printer, t *time.Time, none string) string {
	if t == nil {
		return none
	}
	return p.Date(*t)
}

func legalName(s Snapshot) string {
	if s.MerchantLegalName == "" || strings.EqualFold(strings.TrimSpace(s.MerchantLegalName), strings.TrimSpace(s.MerchantName)) {
		return ""
	}
	return s.MerchantLegalName
}

// addressLines is an address as printed: the street lines, "postal code
// city", the region, and the country's name in the document's language.
// A zero structured address falls back to the free text, line by line.
func addressLines(p *i18n.Printer, a party.Address, free string) []string {
	var out []string
	if a.IsZero() {
		for l := range strings.SplitSeq(free, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	for _, l := range a.Lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if city := strings.TrimSpace(strings.TrimSpace(a.PostalCode) + " " + strings.TrimSpace(a.City)); city != "" {
		out = append(out, city)
	}
	if r := strings.TrimSpace(a.Region); r != "" {
		out = append(out, r)
	}
	if a.Country != "" {
		out = append(out, p.Country(a.Country))
	}
	return out
}

// taxName is a rate as printed: "VAT 19%", "VAT 20% incl.".
func taxName(p *i18n.Printer, name, percentage string, inclusive bool) string {
	n := strings.TrimSpace(name + " " + p.Percent(percentage))
	if inclusive {
		return p.T("doc.tax_included", n)
	}
	return n
}

// taxNotes are what the tax summary says about a rate's VAT category.
func taxNotes(p *i18n.Printer, t TaxLine) []string {
	var out []string
	switch t.Category {
	case "REVERSE_CHARGE":
		out = append(out, p.T("doc.note_reverse_charge"))
	case "INTRA_COMMUNITY":
		out = append(out, p.T("doc.note_intra_community"))
	case "EXPORT":
		out = append(out, p.T("doc.note_export"))
	case "EXEMPT":
		out = append(out, p.T("doc.note_exempt"))
	case "OUTSIDE_SCOPE":
		out = append(out, p.T("doc.note_outside_scope"))
	}
	if r := strings.TrimSpace(t.ExemptionReason); r != "" {
		out = append(out, p.T("doc.exemption_reason", r))
	}
	return out
}

// lineDetail is the small print under an item's name: its taxes and its
// discount.
func lineDetail(p *i18n.Printer, s Snapshot, l Line) string {
	var parts []string
	for _, t := range l.Taxes {
		parts = append(parts, taxName(p, t.Name, t.Percentage, t.Inclusive))
	}
	switch {
	case l.DiscountPercent != "" && l.DiscountAmount != 0:
		parts = append(parts, p.T("doc.line_discount", p.Percent(l.DiscountPercent))+" (−"+p.Money(l.DiscountAmount, s.Currency)+")")
	case l.DiscountPercent != "":
		parts = append(parts, p.T("doc.line_discount", p.Percent(l.DiscountPercent)))
	case l.DiscountAmount != 0:
		parts = append(parts, p.T("doc.line_discount", "−"+p.Money(l.DiscountAmount, s.Currency)))
	}
	return strings.Join(parts, " · ")
}

// bankRows are the bank details, the IBAN in groups of four as printed on
// paper.
func bankRows(p *i18n.Printer, b party.BankAccount) []bankRow {
	if b.IsZero() {
		return nil
	}
	var out []bankRow
	add := func(key, value string, mono bool) {
		if value = strings.TrimSpace(value); value != "" {
			out = append(out, bankRow{Label: p.T(key), Value: value, Mono: mono})
		}
	}
	add("doc.account_holder", b.AccountName, false)
	add("doc.bank", b.BankName, false)
	if b.IBAN != "" {
		add("doc.iban", groupsOf4(b.IBAN), true)
		add("doc.bic", b.BIC, true)
	} else {
		add("doc.account_number", b.AccountNumber, true)
		add("doc.routing_number", b.RoutingNumber, true)
	}
	return out
}

func groupsOf4(s string) string {
	s = strings.ReplaceAll(s, " ", "")
	var b strings.Builder
	for i, r := range []rune(s) {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
