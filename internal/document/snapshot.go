package document

import (
	"strings"
	"time"

	"github.com/tally-invoicing/tally/internal/ptr"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/i18n"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/party"
	"github.com/tally-invoicing/tally/internal/reference"
)

// Paper is the sheet size a merchant prints on.
type Paper string

// The paper sizes a document is laid out for.
const (
	PaperA4     Paper = "A4"
	PaperLetter Paper = "LETTER"
)

// Snapshot is everything the document shows, captured from the invoice at
// one moment. Rendering the same snapshot always gives the same bytes.
// Amounts are minor units of Currency. EN 16931 business terms are noted
// where a field is one.
type Snapshot struct {
	// Lang is the BCP 47 tag the document is printed in ("de", "ja",
	// "zh-Hant"); i18n.Match picks the closest supported language, and ""
	// or an unsupported tag prints English.
	Lang string

	MerchantName string // trading name (BT-28)
	// MerchantLegalName is printed small under the trading name when set
	// and different from it (BT-27).
	MerchantLegalName string
	// MerchantAddress is the old free-text address, printed only when
	// MerchantPostal is zero.
	MerchantAddress string
	MerchantPostal  party.Address // BG-5
	MerchantTaxID   string        // BT-31
	// Logo is printed above the merchant's name, embedded as a data: URI.
	Logo *Logo

	CustomerName   string // BT-44
	CustomerEmail  string
	CustomerPostal party.Address // BG-8
	CustomerTaxID  string        // BT-48

	// Number is empty for a draft.
	Number    string
	Reference string // compact RF reference; empty for a draft (BT-83)
	Status    status.Status
	IssuedAt  *time.Time
	DueDate   *time.Time
	Currency  money.Currency
	Items     []Line
	// Subtotal is the sum of the line amounts, after line discounts (BT-106).
	Subtotal int64
	// Discount is the discount on the whole document; nil for none.
	Discount *DocumentDiscount
	// TotalDiscount is the document discount's amount (BT-107); line
	// discounts are inside the line amounts.
	TotalDiscount int64
	// TaxBreakdown is one row per tax rate (BG-23).
	TaxBreakdown []TaxLine
	// TotalTax is all taxes, inclusive and exclusive (BT-110).
	TotalTax int64
	// Total is Subtotal - TotalDiscount + the exclusive taxes (BT-112).
	Total int64
	Paid  int64 // BT-113
	// Credited is what credit notes took off the invoice; what is due is
	// Total - Credited - Paid.
	Credited int64
	Due      int64 // BT-115
	Note     string
	// Methods are PaymentMethod values: CRYPTO, INFINI_CARD.
	Methods []string
	// Bank is printed under "How to pay" with the payment reference when
	// not zero (BG-17).
	Bank party.BankAccount
	// TermsDays are the payment terms: nil prints none, 0 "Due on
	// receipt", N "Payment due within N days" (BT-20).
	TermsDays *int
	// Footer is the merchant's terms or late-fee note, several lines,
	// printed at the bottom.
	Footer string
	// Message is the merchant's short note to the customer, printed above
	// the document in the email only; empty for the preview and the PDF.
	Message string
	// CheckoutURL is where "Pay now" leads; empty when the invoice cannot be
	// paid online (a draft, or a closed invoice).
	CheckoutURL string
	Paper       Paper
	// Credit is set when the document is a credit note (EN 16931 type
	// 381): Number is its CN- number, the rows are what it credits, Total
	// what it takes off the invoice, and nothing is to pay.
	Credit *CreditInfo
	// PortalURL is the customer's portal link (every invoice, receipt and
	// credit note), printed in the email only, like Message; empty for the
	// preview and the PDF.
	PortalURL string
}

// Logo is the merchant's logo as the uploader stored it: already resized to
// print size (at most 360 x 120 px, printed at half that in CSS pixels, so
// it is sharp on 2x screens and in the PDF).
type Logo struct {
	ContentType string // image/png or image/jpeg
	Data        []byte
	// Width and Height are the image's size in pixels.
	Width, Height int
}

// DocumentDiscount is a discount on the whole document (BG-20).
type DocumentDiscount struct { //nolint:revive // the name issue #14 agreed with the integrator; Snapshot.Discount is the field
	// Percent is the discount rate as decimal text ("5"), "" when the
	// discount is a fixed amount (BT-94).
	Percent string
	// Amount is the discount in minor units (BT-92).
	Amount int64
	// Reason is printed with it (BT-97).
	Reason string
}

// TaxLine is one row of the tax summary: one rate and what it comes to
// (BG-23).
type TaxLine struct {
	Name string // "VAT", "GST", "Sales tax CA"
	// Percentage is decimal text: "19", "8.875" (BT-119).
	Percentage string
	// Inclusive rates are inside the prices; their tax is not added to
	// the total.
	Inclusive bool
	// Category is the EN 16931 VAT category (BT-118): STANDARD, ZERO,
	// EXEMPT, REVERSE_CHARGE, INTRA_COMMUNITY, EXPORT, OUTSIDE_SCOPE.
	Category string
	// ExemptionReason is printed for a category that needs one (BT-120).
	ExemptionReason string
	Taxable         int64 // BT-116
	Amount          int64 // BT-117
}

// Line is one item row (BG-25).
type Line struct {
	Name      string
	Quantity  string
	UnitPrice int64
	// Amount is quantity x unit price less the line discount (BT-131).
	Amount int64
	// DiscountPercent is the line's discount rate as decimal text ("10"),
	// "" when none (BT-138).
	DiscountPercent string
	// DiscountAmount is the line discount in minor units (BT-136).
	DiscountAmount int64
	// Taxes are the rates applied to the line.
	Taxes []LineTax
}

// LineTax is one tax rate on a line.
type LineTax struct {
	Name       string
	Percentage string // decimal text: "19", "8.875"
	Inclusive  bool
}

// FromInvoice captures inv with its merchant and customer.
func FromInvoice(inv *ent.Invoice, m *ent.Merchant, c *ent.Customer, checkoutURL string) Snapshot {
	cur, _ := money.Lookup(inv.Currency)
	s := Snapshot{
		Lang:              m.Language,
		MerchantName:      m.Name,
		MerchantLegalName: ptr.Val(m.LegalName),
		MerchantAddress:   m.Address,
		MerchantPostal:    m.PostalAddress,
		MerchantTaxID:     ptr.Val(m.TaxID),
		CustomerName:      c.Name,
		CustomerEmail:     c.Email,
		CustomerPostal:    c.PostalAddress,
		CustomerTaxID:     ptr.Val(c.TaxID),
		Status:            inv.Status,
		IssuedAt:          inv.IssuedAt,
		DueDate:           inv.DueDate,
		Currency:          cur,
		Subtotal:          inv.SubtotalMinor,
		TotalDiscount:     inv.DiscountMinor,
		TotalTax:          inv.TaxMinor,
		Total:             inv.TotalMinor,
		Paid:              inv.AmountPaidMinor,
		Methods:           inv.PaymentMethods,
		Bank:              m.BankAccount,
		TermsDays:         inv.PaymentTermsDays,
		Footer:            m.Footer,
		Paper:             Paper(m.PaperSize),
	}
	// The customer's language, else the merchant's (ARCHITECTURE.md, languages).
	if c.Language != nil && *c.Language != "" {
		s.Lang = *c.Language
	}
	if d := inv.Discount; d != nil && d.Amount != 0 {
		s.Discount = &DocumentDiscount{Percent: d.Percent, Amount: d.Amount, Reason: d.Reason}
	}
	for _, t := range inv.TaxBreakdown {
		s.TaxBreakdown = append(s.TaxBreakdown, TaxLine{
			Name: t.Tax.Name, Percentage: t.Tax.Percentage, Inclusive: t.Tax.Inclusive, Category: t.Tax.Category,
			ExemptionReason: t.Tax.ExemptionReason, Taxable: t.Taxable, Amount: t.Amount,
		})
	}
	if inv.Number != nil {
		s.Number = *inv.Number
	}
	if inv.Reference != nil {
		s.Reference = *inv.Reference
	}
	if inv.Description != nil {
		s.Note = *inv.Description
	}
	s.Credited = inv.CreditedMinor
	s.Due = s.Total - s.Credited - s.Paid
	if s.Due < 0 || inv.Status == status.Void || inv.Status == status.Paid {
		s.Due = 0
	}
	if inv.Status.Collectible() && s.Due > 0 {
		s.CheckoutURL = checkoutURL
	}
	for _, it := range inv.Items {
		l := Line{Name: it.Name, Quantity: it.Quantity, UnitPrice: it.UnitPrice, Amount: it.Amount,
			DiscountPercent: it.DiscountPercent, DiscountAmount: it.DiscountAmount}
		for _, t := range it.Taxes {
			l.Taxes = append(l.Taxes, LineTax{Name: t.Name, Percentage: t.Percentage, Inclusive: t.Inclusive})
		}
		s.Items = append(s.Items, l)
	}
	return s
}

// printer is the snapshot's language.
func (s Snapshot) printer() *i18n.Printer { return i18n.For(s.Lang) }

// Title is the document's title in its language: the PDF title and the
// page title ("Invoice INV-000001", "Rechnung INV-000001").
func (s Snapshot) Title() string {
	p := s.printer()
	if s.Credit != nil {
		return p.T("doc.cn_title", s.Number)
	}
	if s.Number == "" {
		return p.T("doc.title_draft")
	}
	return p.T("doc.title", s.Number)
}

// FileName is what a downloaded PDF is called: INV-000001.pdf.
func (s Snapshot) FileName() string {
	if s.Number == "" {
		return "draft-invoice.pdf"
	}
	return s.Number + ".pdf"
}

func (s Snapshot) formattedReference() string {
	if s.Reference == "" {
		return ""
	}
	return reference.Format(s.Reference)
}

// MethodLabel is how a payment method reads to the customer in p's
// language: INFINI_CARD is a card payment through Infini, not an Infini
// card.
func MethodLabel(p *i18n.Printer, method string) string {
	switch method {
	case "CRYPTO":
		return p.T("doc.method_crypto")
	case "INFINI_CARD":
		return p.T("doc.method_card")
	}
	return strings.ReplaceAll(method, "_", " ")
}
