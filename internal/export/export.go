package export

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/collection"
	"github.com/tally-invoicing/tally/ent/customer"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/internal/invoice"
)

// Flusher sends what was written so far to the client (http.Flusher).
type Flusher interface{ Flush() }

// Invoices writes the viewer's invoices matching f, oldest first (by id),
// with their customer and amounts; overdue is on the merchant's clock.
func Invoices(ctx context.Context, out io.Writer, svc *invoice.Service, f invoice.Filter) error {
	w, err := newWriter(out, []string{"id", "number", "status", "customer", "customer_email", "currency",
		"issued_at", "due_date", "total", "credited", "amount_paid", "amount_due", "overdue", "payment_reference", "sent_at"})
	if err != nil {
		return err
	}
	return stream(w, out, func(after string) ([]*ent.Invoice, error) {
		page, err := svc.Query(ctx, f).Where(entinvoice.IDGT(after)).Order(ent.Asc(entinvoice.FieldID)).Limit(pageSize).
			WithCustomer(func(q *ent.CustomerQuery) { q.Select(customer.FieldName, customer.FieldEmail) }).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("export invoices: %w", err)
		}
		return page, nil
	}, func(inv *ent.Invoice) string { return inv.ID }, func(inv *ent.Invoice) {
		w.text(inv.ID)
		w.textp(inv.Number)
		w.text(string(inv.Status))
		if c := inv.Edges.Customer; c != nil {
			w.text(c.Name)
			w.text(c.Email)
		} else {
			w.text("")
			w.text("")
		}
		w.text(inv.Currency)
		w.time(inv.IssuedAt)
		w.time(inv.DueDate)
		w.amount(inv.TotalMinor, inv.Currency)
		w.amount(inv.CreditedMinor, inv.Currency)
		w.amount(inv.AmountPaidMinor, inv.Currency)
		w.amount(inv.AmountDueMinor(), inv.Currency)
		w.text(fmt.Sprint(svc.Overdue(inv)))
		w.textp(inv.Reference)
		w.time(inv.SentAt)
	})
}

// PaymentFilter narrows the payments export. Zero fields do not filter.
type PaymentFilter struct {
	// CustomerID keeps the payments of this customer's invoices.
	CustomerID *string
	// InvoiceID keeps the payments of one invoice.
	InvoiceID *string
	// From and To keep payments received in [From, To).
	From, To *time.Time
	// Undone: nil lists every payment; false only those that count.
	Undone *bool
}

// Payments writes the viewer's payments (money applied to invoices)
// matching f, oldest first (by id), with the invoice's number.
func Payments(ctx context.Context, out io.Writer, client *ent.Client, f PaymentFilter) error {
	w, err := newWriter(out, []string{"id", "invoice_id", "invoice_number", "customer", "currency", "amount", "channel",
		"provider", "external_id", "received_at", "recorded_by", "rule", "collection_id", "undone_at", "note"})
	if err != nil {
		return err
	}
	return stream(w, out, func(after string) ([]*ent.Payment, error) {
		q := client.Payment.Query().Where(payment.IDGT(after))
		if f.InvoiceID != nil {
			q.Where(payment.InvoiceID(*f.InvoiceID))
		}
		if f.CustomerID != nil {
			q.Where(payment.HasInvoiceWith(entinvoice.CustomerID(*f.CustomerID)))
		}
		if f.From != nil {
			q.Where(payment.ReceivedAtGTE(*f.From))
		}
		if f.To != nil {
			q.Where(payment.ReceivedAtLT(*f.To))
		}
		if f.Undone != nil {
			if *f.Undone {
				q.Where(payment.UndoneAtNotNil())
			} else {
				q.Where(payment.UndoneAtIsNil())
			}
		}
		page, err := q.Order(ent.Asc(payment.FieldID)).Limit(pageSize).
			WithInvoice(func(q *ent.InvoiceQuery) {
				q.Select(entinvoice.FieldNumber, entinvoice.FieldCustomerID).
					WithCustomer(func(q *ent.CustomerQuery) { q.Select(customer.FieldName) })
			}).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("export payments: %w", err)
		}
		return page, nil
	}, func(p *ent.Payment) string { return p.ID }, func(p *ent.Payment) {
		w.text(p.ID)
		w.text(p.InvoiceID)
		var number *string
		name := ""
		if inv := p.Edges.Invoice; inv != nil {
			number = inv.Number
			if c := inv.Edges.Customer; c != nil {
				name = c.Name
			}
		}
		w.textp(number)
		w.text(name)
		w.text(p.Currency)
		w.amount(p.AmountMinor, p.Currency)
		w.text(string(p.Channel))
		w.text(p.Provider)
		w.textp(p.ExternalID)
		w.time(&p.ReceivedAt)
		w.text(p.RecordedBy)
		w.text(string(p.Rule))
		w.textp(p.CollectionID)
		w.time(p.UndoneAt)
		w.text(p.Note)
	})
}

// CollectionFilter is Query.collections' filter, as predicates built by
// the caller (graph's and the HTTP handler's parsing share collect.Search).
type CollectionFilter []func(*ent.CollectionQuery)

// Collections writes the viewer's collections (money received) matching
// f, oldest first (by id).
func Collections(ctx context.Context, out io.Writer, client *ent.Client, f CollectionFilter) error {
	w, err := newWriter(out, []string{"id", "received_at", "currency", "amount", "unallocated", "status", "channel",
		"payer_name", "payer_account", "text", "external_id", "customer_id", "flag", "statement"})
	if err != nil {
		return err
	}
	return stream(w, out, func(after string) ([]*ent.Collection, error) {
		q := client.Collection.Query().Where(collection.IDGT(after))
		for _, narrow := range f {
			narrow(q)
		}
		page, err := q.Order(ent.Asc(collection.FieldID)).Limit(pageSize).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("export collections: %w", err)
		}
		return page, nil
	}, func(c *ent.Collection) string { return c.ID }, func(c *ent.Collection) {
		w.text(c.ID)
		w.time(&c.ReceivedAt)
		w.text(c.Currency)
		w.amount(c.AmountMinor, c.Currency)
		w.amount(c.UnallocatedMinor, c.Currency)
		w.text(string(c.Status))
		w.text(string(c.Channel))
		w.text(c.PayerName)
		w.text(c.PayerAccount)
		w.text(c.Text)
		w.textp(c.ExternalID)
		w.textp(c.CustomerID)
		w.text(c.Flag)
		w.text(c.Statement)
	})
}

// stream writes a listing read in pages by id (keyset): page returns up to
// pageSize rows with ids after its argument, in id order; row writes one
// row's cells. Each page reaches the client before the next is read, so
// an export of any size holds one page in memory.
func stream[T any](w *writer, out io.Writer, page func(after string) ([]T, error), id func(T) string, row func(T)) error {
	last := ""
	for {
		rows, err := page(last)
		if err != nil {
			return err
		}
		for _, r := range rows {
			row(r)
			if err := w.end(); err != nil {
				return err
			}
		}
		if err := flush(w, out); err != nil {
			return err
		}
		if len(rows) < pageSize {
			return nil
		}
		last = id(rows[len(rows)-1])
	}
}

func flush(w *writer, out io.Writer) error {
	if err := w.flush(); err != nil {
		return err
	}
	if f, ok := out.(Flusher); ok {
		f.Flush()
	}
	return nil
}
