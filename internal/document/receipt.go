package document

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"time"

	"github.com/vanng822/go-premailer/premailer"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/internal/i18n"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/party"
)

//go:embed receipt.html.tmpl
var receiptTemplate string

var receiptTmpl = template.Must(template.New("receipt").Parse(receiptTemplate))

// Receipt is everything a payment receipt shows: one payment applied to
// one invoice, and what the invoice still owes right after it. Amounts are
// minor units of Currency.
type Receipt struct {
	// Lang is the customer's language, else the merchant's, as for the
	// invoice.
	Lang              string
	MerchantName      string
	MerchantLegalName string
	MerchantAddress   string
	MerchantPostal    party.Address
	MerchantTaxID     string
	Logo              *Logo
	CustomerName      string
	CustomerEmail     string
	InvoiceNumber     string
	Reference         string // compact RF reference
	Currency          money.Currency
	// Amount is this payment.
	Amount int64
	// Channel is how the money came (a PaymentChannel value).
	Channel    string
	ReceivedAt time.Time
	// Total is the invoice's total; Credited what credit notes took off
	// it; PaidBefore what earlier payments covered.
	Total, Credited, PaidBefore int64
	// StillDue is what the invoice owes after this payment: 0 is "paid in
	// full".
	StillDue int64
	// PortalURL is the customer's portal link, printed in the email only
	// (WithoutMessage removes it from the PDF); "" for none.
	PortalURL string
	Paper     Paper
}

// Title is the receipt's title in its language ("Receipt INV-000001"):
// the PDF's title and the page's.
func (r Receipt) Title() string { return i18n.For(r.Lang).T("receipt.title", r.InvoiceNumber) }

// FileName is what the PDF receipt is called: "Receipt INV-000001.pdf",
// in English whatever the language, so it sorts next to the invoice.
func (r Receipt) FileName() string { return "Receipt " + r.InvoiceNumber + ".pdf" }

// ChannelLabel is how a payment channel reads to a customer in p's
// language.
func ChannelLabel(p *i18n.Printer, channel string) string {
	switch payment.Channel(channel) {
	case payment.ChannelCHECKOUT_CARD:
		return p.T("receipt.channel_card")
	case payment.ChannelCHECKOUT_CRYPTO:
		return p.T("receipt.channel_crypto")
	case payment.ChannelBANK_TRANSFER:
		return p.T("receipt.channel_bank")
	case payment.ChannelCASH:
		return p.T("receipt.channel_cash")
	}
	return p.T("receipt.channel_other")
}

type receiptView struct {
	Receipt
	p             *i18n.Printer
	HTMLLang      string
	PageSize      string
	Title         string
	LogoURI       template.URL
	LogoW, LogoH  int
	LegalName     string
	MerchantLines []string
	MerchantTaxID string
	InvoiceTitle  string
	ReferenceText string
	DateText      string
	MethodText    string
	AmountText    string
	TotalText     string
	CreditedText  string
	EarlierText   string
	DueLabel      string
	DueText       string
	PortalText    string
	FooterLine    string
}

// T is a translated label for the template.
func (v *receiptView) T(key string) string { return v.p.T(key) }

// RenderReceipt returns the receipt document: complete HTML with its CSS
// inlined, the same look as the invoice. The same bytes are the email body;
// WithoutMessage of them is what is printed as the PDF.
func RenderReceipt(r Receipt) ([]byte, error) {
	p := i18n.For(r.Lang)
	s := Snapshot{MerchantName: r.MerchantName, MerchantLegalName: r.MerchantLegalName}
	v := receiptView{
		Receipt:       r,
		p:             p,
		HTMLLang:      p.Lang(),
		PageSize:      "A4",
		Title:         r.Title(),
		LegalName:     legalName(s),
		MerchantLines: addressLines(p, r.MerchantPostal, r.MerchantAddress),
		InvoiceTitle:  p.T("doc.title", r.InvoiceNumber),
		DateText:      p.Date(r.ReceivedAt),
		MethodText:    ChannelLabel(p, r.Channel),
		AmountText:    p.Money(r.Amount, r.Currency),
		TotalText:     p.Money(r.Total, r.Currency),
		DueLabel:      p.T("receipt.still_due"),
		DueText:       p.Money(r.StillDue, r.Currency),
		PortalText:    p.T("mail.portal", r.MerchantName),
		FooterLine:    r.MerchantName + " · " + r.Title() + " · " + p.Money(r.Amount, r.Currency),
	}
	if r.Reference != "" {
		v.ReferenceText = Snapshot{Reference: r.Reference}.formattedReference()
	}
	if r.Credited > 0 {
		v.CreditedText = p.Money(r.Credited, r.Currency)
	}
	if r.PaidBefore > 0 {
		v.EarlierText = p.Money(r.PaidBefore, r.Currency)
	}
	if r.StillDue <= 0 {
		v.DueLabel, v.DueText = p.T("receipt.paid_in_full"), p.Money(0, r.Currency)
	}
	if r.MerchantTaxID != "" {
		v.MerchantTaxID = p.T("label_value", p.T("doc.tax_id"), r.MerchantTaxID)
	}
	if r.Paper == PaperLetter {
		v.PageSize = "letter"
	}
	if l := r.Logo; l != nil && len(l.Data) > 0 && (l.ContentType == "image/png" || l.ContentType == "image/jpeg") {
		v.LogoURI = template.URL("data:" + l.ContentType + ";base64," + base64.StdEncoding.EncodeToString(l.Data)) //nolint:gosec // G203: a fixed image type and base64, which cannot leave the attribute
		v.LogoW, v.LogoH = max((l.Width+1)/2, 1), max((l.Height+1)/2, 1)
	}
	var raw bytes.Buffer
	if err := receiptTmpl.Execute(&raw, &v); err != nil {
		return nil, fmt.Errorf("document: render receipt: %w", err)
	}
	pm, err := premailer.NewPremailerFromBytes(raw.Bytes(), premailer.NewOptions())
	if err != nil {
		return nil, fmt.Errorf("document: inline receipt CSS: %w", err)
	}
	html, err := pm.Transform()
	if err != nil {
		return nil, fmt.Errorf("document: inline receipt CSS: %w", err)
	}
	return []byte(html), nil
}

// LoadReceipt captures the receipt of pay, read through client (the
// caller's tenant filter applies): the invoice, its merchant and customer,
// and what the invoice still owed right after this payment, counting the
// payments recorded before it that are not undone.
func LoadReceipt(ctx context.Context, client *ent.Client, pay *ent.Payment) (Receipt, error) {
	inv, err := client.Invoice.Get(ctx, pay.InvoiceID)
	if err != nil {
		return Receipt{}, fmt.Errorf("document: invoice of payment %s: %w", pay.ID, err)
	}
	snap, err := Load(ctx, inv, "")
	if err != nil {
		return Receipt{}, err
	}
	pays, err := client.Payment.Query().
		Where(payment.InvoiceID(inv.ID), payment.UndoneAtIsNil()).
		Order(ent.Asc(payment.FieldCreatedAt), ent.Asc(payment.FieldID)).
		All(ctx)
	if err != nil {
		return Receipt{}, fmt.Errorf("document: payments of invoice %s: %w", inv.ID, err)
	}
	var before int64
	for _, p := range pays {
		if p.ID == pay.ID {
			break
		}
		before += p.AmountMinor
	}
	cur, _ := money.Lookup(pay.Currency)
	r := Receipt{
		Lang: snap.Lang, MerchantName: snap.MerchantName, MerchantLegalName: snap.MerchantLegalName,
		MerchantAddress: snap.MerchantAddress, MerchantPostal: snap.MerchantPostal, MerchantTaxID: snap.MerchantTaxID,
		Logo: snap.Logo, CustomerName: snap.CustomerName, CustomerEmail: snap.CustomerEmail,
		InvoiceNumber: snap.Number, Reference: snap.Reference, Currency: cur,
		Amount: pay.AmountMinor, Channel: string(pay.Channel), ReceivedAt: pay.ReceivedAt,
		Total: inv.TotalMinor, Credited: inv.CreditedMinor, PaidBefore: before, Paper: snap.Paper,
	}
	r.StillDue = max(r.Total-r.Credited-r.PaidBefore-r.Amount, 0)
	return r, nil
}
