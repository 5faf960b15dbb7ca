package document

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"time"

	"github.com/skip2/go-qrcode"
	"github.com/vanng822/go-premailer/premailer"

	"github.com/tally-invoicing/tally/internal/invoice/status"
)

//go:embed invoice.html.tmpl
var invoiceTemplate string

// qrSize is the QR code's width and height in CSS pixels.
const qrSize = 120

var tmpl = template.Must(template.New("invoice").Parse(invoiceTemplate))

// view is what the template reads: the snapshot with every value already
// formatted, so the template has no logic beyond "if" and "range".
type view struct {
	Snapshot
	PageSize      string
	Stamp         *stamp
	IssuedText    string
	DueText       string
	DueAmount     string
	ReferenceText string
	Lines         []lineView
	SubtotalText  string
	PaidText      string
	ShowPaid      bool
	GrandText     string
	TotalText     string
	CurrencyCode  string
	MethodLabels  []string
	QR            template.URL
}

type stamp struct{ Text, Class string }

type lineView struct{ Name, Quantity, UnitPrice, Amount string }

// Render returns the invoice document: complete HTML with its CSS inlined.
func Render(s Snapshot) ([]byte, error) {
	v := view{
		Snapshot:      s,
		PageSize:      "A4",
		IssuedText:    dateText(s.IssuedAt, "Not issued yet"),
		DueText:       dateText(s.DueDate, "On receipt"),
		DueAmount:     s.money(s.Due),
		ReferenceText: s.formattedReference(),
		SubtotalText:  s.money(s.Subtotal),
		PaidText:      s.money(s.Paid),
		ShowPaid:      s.Paid > 0,
		TotalText:     s.money(s.Total),
		CurrencyCode:  s.Currency.Code,
		MethodLabels:  s.methodLabels(),
	}
	if s.Paper == PaperLetter {
		v.PageSize = "letter"
	}
	v.GrandText = v.TotalText
	if v.ShowPaid {
		v.GrandText = v.DueAmount
	}
	switch s.Status {
	case status.Paid:
		v.Stamp = &stamp{Text: "PAID"}
	case status.Void:
		v.Stamp = &stamp{Text: "VOID", Class: " stamp-void"}
	case status.Draft:
		v.Stamp = &stamp{Text: "DRAFT", Class: " stamp-draft"}
	}
	for _, l := range s.Items {
		v.Lines = append(v.Lines, lineView{Name: l.Name, Quantity: l.Quantity, UnitPrice: s.money(l.UnitPrice), Amount: s.money(l.Amount)})
	}
	if s.CheckoutURL != "" {
		// Drawn at its displayed size: a QR code is pixels, and any resampling
		// blurs it differently in a mail client, a browser and a PDF viewer.
		png, err := qrcode.Encode(s.CheckoutURL, qrcode.Medium, qrSize)
		if err != nil {
			return nil, fmt.Errorf("document: QR code: %w", err)
		}
		v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)) //nolint:gosec // G203: base64 of the PNG we just encoded; nothing in it can escape the URL
	}
	var raw bytes.Buffer
	if err := tmpl.Execute(&raw, v); err != nil {
		return nil, fmt.Errorf("document: render: %w", err)
	}
	p, err := premailer.NewPremailerFromBytes(raw.Bytes(), premailer.NewOptions())
	if err != nil {
		return nil, fmt.Errorf("document: inline CSS: %w", err)
	}
	html, err := p.Transform()
	if err != nil {
		return nil, fmt.Errorf("document: inline CSS: %w", err)
	}
	return []byte(html), nil
}

func dateText(t *time.Time, none string) string {
	if t == nil {
		return none
	}
	return t.UTC().Format("2 January 2006")
}
