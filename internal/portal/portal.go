package portal

import (
	"context"
	"fmt"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/creditnote"
	entcustomer "github.com/tally-invoicing/tally/ent/customer"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/validate"
)

// MaxInvoices is how many invoices the portal lists, newest first.
const MaxInvoices = 200

// ErrNotFound is the one answer for an unknown or revoked token and for
// anything the token's customer may not see.
var ErrNotFound = fault.New(fault.CodeNotFound, "nothing here")

// Portal is what one customer may see: their issued invoices (never
// drafts or voided ones), newest first, with the payments and credit
// notes of each.
type Portal struct {
	Token    string
	Customer *ent.Customer
	Merchant *ent.Merchant
	Invoices []*ent.Invoice
	// More is set when the customer has more than MaxInvoices invoices.
	More bool
	// Payments and CreditNotes are keyed by invoice id, oldest first.
	Payments    map[string][]*ent.Payment
	CreditNotes map[string][]*ent.CreditNote
	// Now is the merchant's clock, for "overdue".
	Now time.Time
}

// visible is what a portal shows: the same invoices a payment link opens.
func visible() []status.Status { return []status.Status{status.Draft, status.Void} }

// Customer returns the customer behind a portal token, or ErrNotFound.
func Customer(ctx context.Context, client *ent.Client, token string) (*ent.Customer, error) {
	if !validate.Key(token) {
		return nil, ErrNotFound // not a token Tally could have made
	}
	c, err := client.Customer.Query().Where(entcustomer.PortalToken(token)).Only(tenant.System(ctx))
	if ent.IsNotFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("open portal link: %w", err)
	}
	return c, nil
}

// Invoice returns invoice id if the portal token's customer may see it,
// or ErrNotFound.
func Invoice(ctx context.Context, client *ent.Client, c *ent.Customer, id string) (*ent.Invoice, error) {
	if !validate.Key(id) {
		return nil, ErrNotFound
	}
	inv, err := client.Invoice.Query().
		Where(entinvoice.ID(id), entinvoice.CustomerID(c.ID), entinvoice.MerchantID(c.MerchantID), entinvoice.StatusNotIn(visible()...)).
		Only(tenant.System(ctx))
	if ent.IsNotFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("portal invoice: %w", err)
	}
	return inv, nil
}

// Payment returns payment id (not undone) of one of the customer's visible
// invoices, or ErrNotFound.
func Payment(ctx context.Context, client *ent.Client, c *ent.Customer, id string) (*ent.Payment, error) {
	if !validate.Key(id) {
		return nil, ErrNotFound
	}
	p, err := client.Payment.Query().
		Where(payment.ID(id), payment.MerchantID(c.MerchantID), payment.UndoneAtIsNil(),
			payment.HasInvoiceWith(entinvoice.CustomerID(c.ID), entinvoice.StatusNotIn(visible()...))).
		Only(tenant.System(ctx))
	if ent.IsNotFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("portal payment: %w", err)
	}
	return p, nil
}

// CreditNote returns credit note id of the customer's, or ErrNotFound.
func CreditNote(ctx context.Context, client *ent.Client, c *ent.Customer, id string) (*ent.CreditNote, error) {
	if !validate.Key(id) {
		return nil, ErrNotFound
	}
	n, err := client.CreditNote.Query().
		Where(creditnote.ID(id), creditnote.CustomerID(c.ID), creditnote.MerchantID(c.MerchantID),
			creditnote.HasInvoiceWith(entinvoice.StatusNotIn(visible()...))).
		Only(tenant.System(ctx))
	if ent.IsNotFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("portal credit note: %w", err)
	}
	return n, nil
}

// Load returns what the portal behind token shows, or ErrNotFound.
func Load(ctx context.Context, client *ent.Client, token string, now func(merchantID string) time.Time) (*Portal, error) {
	c, err := Customer(ctx, client, token)
	if err != nil {
		return nil, err
	}
	ctx = tenant.System(ctx)
	m, err := client.Merchant.Get(ctx, c.MerchantID)
	if err != nil {
		return nil, fmt.Errorf("merchant of customer %s: %w", c.ID, err)
	}
	invs, err := client.Invoice.Query().
		Where(entinvoice.CustomerID(c.ID), entinvoice.MerchantID(c.MerchantID), entinvoice.StatusNotIn(visible()...)).
		Order(ent.Desc(entinvoice.FieldIssuedAt), ent.Desc(entinvoice.FieldID)).
		Limit(MaxInvoices + 1).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("invoices of customer %s: %w", c.ID, err)
	}
	p := &Portal{Token: token, Customer: c, Merchant: m, Now: now(m.ID),
		Payments: map[string][]*ent.Payment{}, CreditNotes: map[string][]*ent.CreditNote{}}
	if len(invs) > MaxInvoices {
		invs, p.More = invs[:MaxInvoices], true
	}
	p.Invoices = invs
	if len(invs) == 0 {
		return p, nil
	}
	ids := make([]string, len(invs))
	for i, inv := range invs {
		ids[i] = inv.ID
	}
	pays, err := client.Payment.Query().Where(payment.InvoiceIDIn(ids...), payment.UndoneAtIsNil()).
		Order(ent.Asc(payment.FieldCreatedAt), ent.Asc(payment.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("payments of customer %s: %w", c.ID, err)
	}
	for _, pay := range pays {
		p.Payments[pay.InvoiceID] = append(p.Payments[pay.InvoiceID], pay)
	}
	notes, err := client.CreditNote.Query().Where(creditnote.InvoiceIDIn(ids...)).
		Order(ent.Asc(creditnote.FieldIssuedAt), ent.Asc(creditnote.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("credit notes of customer %s: %w", c.ID, err)
	}
	for _, n := range notes {
		p.CreditNotes[n.InvoiceID] = append(p.CreditNotes[n.InvoiceID], n)
	}
	return p, nil
}
