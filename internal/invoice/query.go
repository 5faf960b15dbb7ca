package invoice

import (
	"context"
	"strings"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/customer"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/invoiceevent"
	"github.com/tally-invoicing/tally/ent/predicate"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Filter narrows the invoice list. Zero fields do not filter.
type Filter struct {
	Status     *status.Status
	StatusIn   []status.Status
	CustomerID *string
	Overdue    *bool
	// Aging keeps the invoices that owe something in one aging bucket
	// (AgingCurrent, Aging1To30, ...) on the merchant's clock, as
	// Receivables counts them.
	Aging  string
	Search string
}

// Overdue reports whether inv is still owed and past its due date at now.
func Overdue(inv *ent.Invoice, now time.Time) bool {
	return inv.Status.Collectible() && inv.DueDate != nil && inv.DueDate.Before(now)
}

// Query returns the viewer's invoices matching f, for pagination; overdue
// is judged on the viewer's merchant's clock, as Invoice.overdue is.
func (s *Service) Query(ctx context.Context, f Filter) *ent.InvoiceQuery {
	q := s.client.Invoice.Query()
	if f.Status != nil {
		q.Where(entinvoice.StatusEQ(*f.Status))
	}
	if len(f.StatusIn) > 0 {
		q.Where(entinvoice.StatusIn(f.StatusIn...))
	}
	if f.CustomerID != nil {
		q.Where(entinvoice.CustomerID(*f.CustomerID))
	}
	now := time.Now().UTC()
	if v := tenant.FromContext(ctx); v != nil {
		now = s.Now(v.MerchantID)
	}
	if f.Aging != "" {
		q.Where(agingWhere(f.Aging, now)...)
	}
	if f.Overdue != nil {
		overdue := entinvoice.And(
			entinvoice.StatusIn(status.Open, status.PartiallyPaid),
			entinvoice.DueDateNotNil(),
			entinvoice.DueDateLT(now),
		)
		if *f.Overdue {
			q.Where(overdue)
		} else {
			q.Where(entinvoice.Not(overdue))
		}
	}
	if term := strings.TrimSpace(f.Search); term != "" {
		compact := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(term))
		q.Where(entinvoice.Or(
			entinvoice.NumberContainsFold(term),
			entinvoice.ReferenceContains(compact),
			entinvoice.HasCustomerWith(customer.Or(
				customer.NameContainsFold(term),
				customer.EmailContainsFold(term),
			)),
		))
	}
	return q
}

// Overdue reports whether inv is overdue on its merchant's clock.
func (s *Service) Overdue(inv *ent.Invoice) bool { return Overdue(inv, s.Now(inv.MerchantID)) }

func (s *Service) lock(ctx context.Context, tx *ent.Client, id string) (*ent.Invoice, error) {
	q := tx.Invoice.Query().Where(entinvoice.ID(id))
	if s.rowLocks {
		q.ForUpdate()
	}
	return q.Only(ctx)
}

func invoiceEventOf(id string) predicate.InvoiceEvent { return invoiceevent.InvoiceID(id) }

func entEventType(t string) invoiceevent.Type { return invoiceevent.Type(t) }

// AmountDue is what is (or, for a draft, will be) owed on inv; nothing once
// it is paid or void. The rule lives with the invoice's other computed
// fields in package figures, which the API reads through ent's
// Invoice.AmountDueMinor.
func AmountDue(inv *ent.Invoice) int64 { return inv.AmountDueMinor() }
