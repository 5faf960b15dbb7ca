package document

import (
	"strings"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
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
type Snapshot struct {
	MerchantName    string
	MerchantAddress string
	CustomerName    string
	CustomerEmail   string
	// Number is empty for a draft.
	Number    string
	Reference string // compact RF reference; empty for a draft
	Status    status.Status
	IssuedAt  *time.Time
	DueDate   *time.Time
	Currency  money.Currency
	Items     []Line
	Subtotal  int64
	Total     int64
	Paid      int64
	Due       int64
	Note      string
	Methods   []string // PaymentMethod values: CRYPTO, INFINI_CARD
	// CheckoutURL is where "Pay now" leads; empty when the invoice cannot be
	// paid online (a draft, or a closed invoice).
	CheckoutURL string
	Paper       Paper
}

// Line is one item row.
type Line struct {
	Name      string
	Quantity  string
	UnitPrice int64
	Amount    int64
}

// FromInvoice captures inv with its merchant and customer.
func FromInvoice(inv *ent.Invoice, m *ent.Merchant, c *ent.Customer, checkoutURL string) Snapshot {
	cur, _ := money.Lookup(inv.Currency)
	s := Snapshot{
		MerchantName:    m.Name,
		MerchantAddress: m.Address,
		CustomerName:    c.Name,
		CustomerEmail:   c.Email,
		Status:          inv.Status,
		IssuedAt:        inv.IssuedAt,
		DueDate:         inv.DueDate,
		Currency:        cur,
		Subtotal:        inv.SubtotalMinor,
		Total:           inv.TotalMinor,
		Paid:            inv.AmountPaidMinor,
		Methods:         inv.PaymentMethods,
		Paper:           Paper(m.PaperSize),
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
	s.Due = s.Total - s.Paid
	if s.Due < 0 || inv.Status == status.Void || inv.Status == status.Paid {
		s.Due = 0
	}
	if inv.Status.Collectible() && s.Due > 0 {
		s.CheckoutURL = checkoutURL
	}
	for _, it := range inv.Items {
		s.Items = append(s.Items, Line{Name: it.Name, Quantity: it.Quantity, UnitPrice: it.UnitPrice, Amount: it.Amount})
	}
	return s
}

// Title is the document's title: the PDF title and the email subject's core.
func (s Snapshot) Title() string {
	if s.Number == "" {
		return "Draft invoice"
	}
	return "Invoice " + s.Number
}

// FileName is what a downloaded PDF is called: INV-000001.pdf.
func (s Snapshot) FileName() string {
	if s.Number == "" {
		return "draft-invoice.pdf"
	}
	return s.Number + ".pdf"
}

func (s Snapshot) money(minor int64) string { return money.Format(minor, s.Currency) }

func (s Snapshot) formattedReference() string {
	if s.Reference == "" {
		return ""
	}
	return reference.Format(s.Reference)
}

var methodLabels = map[string]string{
	"CRYPTO":      "Cryptocurrency (USDT, USDC stablecoins)",
	"INFINI_CARD": "Infini Corporate Card",
}

func (s Snapshot) methodLabels() []string {
	out := make([]string, 0, len(s.Methods))
	for _, m := range s.Methods {
		if l, ok := methodLabels[m]; ok {
			out = append(out, l)
		} else {
			out = append(out, strings.ReplaceAll(m, "_", " "))
		}
	}
	return out
}
