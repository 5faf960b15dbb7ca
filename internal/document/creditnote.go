package document

import (
	"context"
	"fmt"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/i18n"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/party"
)

// CreditInfo is what a credit note says about the invoice it corrects.
type CreditInfo struct {
	// InvoiceNumber and InvoiceIssuedAt name the invoice corrected (BG-3).
	InvoiceNumber   string
	InvoiceIssuedAt *time.Time
	// Reason is why the invoice is credited, printed under the heading.
	Reason string
}

// LoadCreditNote captures credit note cn as a document: the look of its
// invoice's (merchant, customer, language, logo, paper), its own number,
// date, rows, taxes and total, and nothing to pay. It reads through cn's
// own client, so the same merchant's rows only.
func LoadCreditNote(ctx context.Context, cn *ent.CreditNote) (Snapshot, error) {
	inv := cn.Edges.Invoice
	if inv == nil {
		var err error
		if inv, err = cn.QueryInvoice().Only(ctx); err != nil {
			return Snapshot{}, fmt.Errorf("document: invoice of credit note %s: %w", cn.ID, err)
		}
	}
	s, err := Load(ctx, inv, "")
	if err != nil {
		return Snapshot{}, err
	}
	issued := cn.IssuedAt
	s.Credit = &CreditInfo{InvoiceNumber: s.Number, InvoiceIssuedAt: inv.IssuedAt, Reason: cn.Reason}
	s.Number, s.Reference, s.Status = cn.Number, "", status.Open
	s.IssuedAt, s.DueDate, s.TermsDays = &issued, nil, nil
	s.Subtotal, s.Discount, s.TotalDiscount = cn.SubtotalMinor, nil, 0
	s.TotalTax, s.Total, s.Paid, s.Due = cn.TaxMinor, cn.TotalMinor, 0, cn.TotalMinor
	s.Methods, s.CheckoutURL, s.Note = nil, "", ""
	s.Bank = party.BankAccount{}
	s.Items, s.TaxBreakdown = nil, nil
	for _, it := range cn.Items {
		l := Line{Name: it.Name, Quantity: it.Quantity, UnitPrice: it.UnitPrice, Amount: it.Amount,
			DiscountPercent: it.DiscountPercent, DiscountAmount: it.DiscountAmount}
		for _, t := range it.Taxes {
			l.Taxes = append(l.Taxes, LineTax{Name: t.Name, Percentage: t.Percentage, Inclusive: t.Inclusive})
		}
		s.Items = append(s.Items, l)
	}
	for _, t := range cn.TaxBreakdown {
		s.TaxBreakdown = append(s.TaxBreakdown, TaxLine{
			Name: t.Tax.Name, Percentage: t.Tax.Percentage, Inclusive: t.Tax.Inclusive, Category: t.Tax.Category,
			ExemptionReason: t.Tax.ExemptionReason, Taxable: t.Taxable, Amount: t.Amount,
		})
	}
	return s, nil
}

// RenderCreditNote is credit note cn's document as HTML (CSS inlined: the
// email body, the preview and the PDF's input) and its title in the
// customer's language ("Credit note CN-000001"), for the PDF route, the
// email and the customer portal.
func RenderCreditNote(ctx context.Context, cn *ent.CreditNote) (html []byte, title string, err error) {
	s, err := LoadCreditNote(ctx, cn)
	if err != nil {
		return nil, "", err
	}
	html, err = Render(s)
	if err != nil {
		return nil, "", err
	}
	return html, s.Title(), nil
}

// creditView adapts the invoice's view to a credit note: its title, the
// invoice it corrects, the total credited where an invoice puts the
// amount due, and no payment box.
func creditView(p *i18n.Printer, s Snapshot, v *view) {
	v.DocTitle = p.T("doc.credit_note")
	invoiceDate := dateText(p, s.Credit.InvoiceIssuedAt, "")
	v.Corrects = p.T("doc.cn_corrects", s.Credit.InvoiceNumber, invoiceDate)
	v.ShowCredited = false
	v.Stamp, v.ShowPaid, v.QR, v.OrOpen, v.QuoteRef, v.ReferenceText = nil, false, "", "", "", ""
	v.Bank, v.MethodLabels = nil, nil
	v.GrandLabel = p.T("doc.cn_total") + " (" + s.Currency.Code + ")"
	v.GrandText = v.TotalText
	v.DueAmount = v.TotalText
}
