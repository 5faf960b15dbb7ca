package checkout

import (
	"bytes"
	"context"
	_ "embed"
	"html/template"

	"github.com/tally-invoicing/tally/ent"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/reference"
	"github.com/tally-invoicing/tally/internal/tenant"
)

//go:embed page.html.tmpl
var pageTemplate string

var page = template.Must(template.New("pay").Parse(pageTemplate))

// Find returns the invoice a payment link opens: issued, and not voided.
// Anything else is ent's not-found error, so an unknown token, a draft and
// a voided invoice look the same from outside.
func Find(ctx context.Context, client *ent.Client, token string) (*ent.Invoice, error) {
	return client.Invoice.Query().
		Where(entinvoice.CheckoutToken(token), entinvoice.StatusNotIn(status.Draft, status.Void)).
		Only(tenant.System(ctx))
}

type pageView struct {
	Title       string
	Merchant    string
	Number      string
	Status      string
	Paid        bool
	AmountDue   string
	Reference   string
	DueDate     string
	Methods     []string
	Document    string
	PDFURL      string
	DownloadURL string
}

// Render writes the page for inv. doc is the invoice document (the email
// body); it is shown in a sandboxed frame, exactly as sent.
func Render(ctx context.Context, inv *ent.Invoice, baseURL string) ([]byte, error) {
	ctx = tenant.System(ctx)
	snap, err := document.Load(ctx, inv, baseURL)
	if err != nil {
		return nil, err
	}
	html, err := document.Render(snap)
	if err != nil {
		return nil, err
	}
	pdf := "/invoices/" + inv.ID + "/pdf?token=" + *inv.CheckoutToken
	v := pageView{
		Title:       snap.Title() + " from " + snap.MerchantName,
		Merchant:    snap.MerchantName,
		Number:      snap.Number,
		Status:      string(inv.Status),
		Paid:        inv.Status == status.Paid,
		AmountDue:   money.Format(snap.Due, snap.Currency),
		Reference:   reference.Format(snap.Reference),
		Document:    string(html),
		PDFURL:      pdf,
		DownloadURL: pdf + "&download=1",
	}
	if snap.DueDate != nil {
		v.DueDate = snap.DueDate.Format("2 January 2006")
	}
	for _, m := range snap.Methods {
		switch m {
		case "CRYPTO":
			v.Methods = append(v.Methods, "Stablecoins (USDT, USDC)")
		case "INFINI_CARD":
			v.Methods = append(v.Methods, "Infini Corporate Card")
		}
	}
	var b bytes.Buffer
	if err := page.Execute(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
