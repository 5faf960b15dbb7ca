package portal

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/url"
	"strings"

	"github.com/tally-invoicing/tally/internal/ptr"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/i18n"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/tenant"
)

//go:embed page.html.tmpl
var pageTemplate string

var page = template.Must(template.New("portal").Parse(pageTemplate))

type pageView struct {
	T        func(key string, args ...any) string
	Lang     string
	Title    string
	Merchant string
	Logo     template.URL
	Customer string
	TotalDue []string
	Invoices []invoiceView
	More     string
}

type invoiceView struct {
	ID, Number, Issued, Due string
	Status, StatusClass     string
	Overdue                 bool
	Total, AmountDue        string
	PayURL, PayLabel        string
	PDFURL                  string
	Receipts                []linkView
	CreditNotes             []linkView
}

type linkView struct{ Label, URL string }

// render writes the portal page: every figure in the HTML, no script, in
// the customer's language (else the merchant's).
func render(ctx context.Context, p *Portal, creditNoteLinks bool) ([]byte, error) {
	lang := p.Merchant.Language
	if l := p.Customer.Language; l != nil && *l != "" {
		lang = *l
	}
	pr := i18n.For(lang)
	base := "/portal/" + url.PathEscape(p.Token)
	v := pageView{
		T: pr.T, Lang: pr.Lang(), Merchant: p.Merchant.Name, Customer: p.Customer.Name,
		Title: pr.T("portal.title", p.Merchant.Name),
	}
	switch l, err := p.Merchant.QueryLogo().Only(tenant.System(ctx)); {
	case err == nil && (l.ContentType == "image/png" || l.ContentType == "image/jpeg"):
		v.Logo = template.URL("data:" + l.ContentType + ";base64," + base64.StdEncoding.EncodeToString(l.Data)) //nolint:gosec // G203: a fixed image type and base64, which cannot leave the attribute
	case err != nil && !ent.IsNotFound(err):
		return nil, fmt.Errorf("logo of %s: %w", p.Merchant.ID, err)
	}
	due := map[string]int64{}
	var currencies []string
	for _, inv := range p.Invoices {
		c, _ := money.Lookup(inv.Currency)
		owed := invoice.AmountDue(inv)
		iv := invoiceView{
			ID: inv.ID, Number: ptr.Val(inv.Number), Total: pr.Money(inv.TotalMinor, c), AmountDue: pr.Money(owed, c),
			Status: statusText(pr, inv.Status), StatusClass: strings.ToLower(string(inv.Status)),
			Overdue: invoice.Overdue(inv, p.Now),
			PDFURL:  base + "/invoices/" + url.PathEscape(inv.ID) + "/pdf",
			Due:     pr.T("doc.on_receipt"),
		}
		if inv.IssuedAt != nil {
			iv.Issued = pr.Date(*inv.IssuedAt)
		}
		if inv.DueDate != nil {
			iv.Due = pr.Date(*inv.DueDate)
		}
		if inv.Status.Collectible() && owed > 0 && inv.CheckoutToken != nil {
			iv.PayURL = "/pay/" + url.PathEscape(*inv.CheckoutToken)
			iv.PayLabel = pr.T("portal.pay", pr.Money(owed, c))
		}
		if inv.Status.Collectible() || inv.Status == status.Uncollectible {
			if _, ok := due[inv.Currency]; !ok {
				currencies = append(currencies, inv.Currency)
			}
			due[inv.Currency] += owed
		}
		for _, pay := range p.Payments[inv.ID] {
			iv.Receipts = append(iv.Receipts, linkView{
				Label: pr.T("portal.receipt_line", pr.Money(pay.AmountMinor, c), pr.Date(pay.ReceivedAt)),
				URL:   base + "/receipts/" + url.PathEscape(pay.ID) + "/pdf",
			})
		}
		for _, n := range p.CreditNotes[inv.ID] {
			lv := linkView{Label: pr.T("label_value", n.Number, "−"+pr.Money(n.TotalMinor, c))}
			if creditNoteLinks {
				lv.URL = base + "/credit-notes/" + url.PathEscape(n.ID) + "/pdf"
			}
			iv.CreditNotes = append(iv.CreditNotes, lv)
		}
		v.Invoices = append(v.Invoices, iv)
	}
	for _, code := range currencies {
		c, _ := money.Lookup(code)
		v.TotalDue = append(v.TotalDue, pr.Money(due[code], c))
	}
	if p.More {
		v.More = pr.T("portal.latest", MaxInvoices)
	}
	var b bytes.Buffer
	if err := page.Execute(&b, v); err != nil {
		return nil, fmt.Errorf("portal page: %w", err)
	}
	return b.Bytes(), nil
}

// statusText is an invoice's status in words: the page never says it by
// colour alone.
func statusText(p *i18n.Printer, s status.Status) string {
	switch s {
	case status.Open:
		return p.T("portal.status_open")
	case status.PartiallyPaid:
		return p.T("portal.status_partially_paid")
	case status.Paid:
		return p.T("portal.status_paid")
	}
	return p.T("portal.status_uncollectible")
}
