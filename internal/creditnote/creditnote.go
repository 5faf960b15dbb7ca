package creditnote

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tally-invoicing/tally/internal/ptr"

	"entgo.io/ent/dialect"
	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/creditnote"
	"github.com/tally-invoicing/tally/ent/customercredit"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/invoice/figures"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/webhook"
)

// MaxReason is the longest reason a credit note may give, in characters.
const MaxReason = 1000

// Service issues credit notes and keeps customers' credit.
type Service struct {
	client   *ent.Client
	invoices *invoice.Service
	mailer   Mailer
	// rowLocks is true on PostgreSQL; SQLite serialises writers.
	rowLocks bool
}

// Mailer is what credit notes need from internal/mail.
type Mailer interface {
	// EnqueueCreditNote queues cn's email to its customer inside tx.
	EnqueueCreditNote(ctx context.Context, tx *ent.Client, cn *ent.CreditNote) (*ent.Email, error)
	// Wake tells the delivery worker that new email is waiting.
	Wake()
}

// NewService returns a Service over client (dialect dia) that changes
// invoices through invoices and emails through mailer.
func NewService(client *ent.Client, dia string, invoices *invoice.Service, mailer Mailer) *Service {
	if invoices == nil || mailer == nil {
		panic("creditnote.NewService: invoices and mailer are required")
	}
	return &Service{client: client, invoices: invoices, mailer: mailer, rowLocks: dia == dialect.Postgres}
}

// Input is a credit note to issue: Lines or Amount, and a reason.
type Input struct {
	InvoiceID string
	Lines     []LineInput
	// Amount includes tax, in the invoice's currency ("50.00").
	Amount *decimal.Decimal
	Reason string
	// Send emails the credit note to the customer in the same transaction.
	Send bool
}

// Create issues a credit note against an issued invoice, in one
// transaction: the next CN- number, the invoice's amount credited (and
// PAID when nothing is due any more), the customer's credit for money
// already paid beyond the new total, the timeline, the webhook and, with
// Send, the email.
func (s *Service) Create(ctx context.Context, in Input) (*ent.CreditNote, error) {
	if tenant.FromContext(ctx) == nil {
		return nil, tenant.ErrNoViewer
	}
	reason := strings.TrimSpace(in.Reason)
	if reason == "" {
		return nil, fault.Invalid("reason", "say why the invoice is credited; it is printed on the credit note")
	}
	if utf8.RuneCountInString(reason) > MaxReason {
		return nil, fault.Invalidf("reason", "the reason must be at most %d characters", MaxReason)
	}
	if (in.Amount == nil) == (len(in.Lines) == 0) {
		return nil, fault.Invalid("lines", "give the lines to credit or an amount, not both")
	}
	var out *ent.CreditNote
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		inv, err := s.invoices.Lock(ctx, tx, in.InvoiceID)
		if ent.IsNotFound(err) {
			return &fault.Error{Code: fault.CodeNotFound, Field: "invoiceID", Message: "no invoice with this id"}
		}
		if err != nil {
			return err
		}
		switch inv.Status {
		case status.Draft:
			return fault.New(fault.CodeConflict, "a draft cannot be credited; edit or delete it instead")
		case status.Void:
			return fault.New(fault.CodeConflict, "invoice "+ptr.Val(inv.Number)+" is void; there is nothing to credit")
		}
		c, ok := money.Lookup(inv.Currency)
		if !ok {
			return fmt.Errorf("invoice %s has unknown currency %q", inv.ID, inv.Currency)
		}
		left := inv.TotalMinor - inv.CreditedMinor
		var p priced
		if in.Amount != nil {
			if !in.Amount.IsPositive() {
				return fault.Invalid("amount", "the amount must be greater than 0")
			}
			a, err := money.ToMinor(*in.Amount, c)
			if err != nil {
				return fault.WithField(err, "amount")
			}
			if a > left {
				return fault.Invalidf("amount", "invoice %s carries %s that is not credited yet; credit at most that", ptr.Val(inv.Number), money.Format(left, c))
			}
			if p, err = priceAmount(inv, a, amountName(reason), c); err != nil {
				return err
			}
		} else {
			credited, err := s.creditedQuantities(ctx, tx, inv.ID)
			if err != nil {
				return err
			}
			if p, err = priceLines(inv, credited, in.Lines, c); err != nil {
				return err
			}
			if p.total > left {
				return fault.Invalidf("lines", "these lines come to %s but invoice %s carries only %s that is not credited yet; credit fewer lines or an amount", money.Format(p.total, c), ptr.Val(inv.Number), money.Format(left, c))
			}
		}
		if p.total <= 0 {
			return fault.Invalid("lines", "these lines come to nothing; there is nothing to credit")
		}
		m, err := tx.Merchant.UpdateOneID(inv.MerchantID).AddCreditNoteSeq(1).Save(ctx)
		if err != nil {
			return fmt.Errorf("next credit note number: %w", err)
		}
		now := s.invoices.Now(inv.MerchantID)
		// Money paid beyond the new total (what this credit note uncovers,
		// not an earlier overpayment) becomes the customer's credit.
		net := inv.TotalMinor - inv.CreditedMinor
		credit := figures.Overpaid(inv.Status, net-p.total, inv.AmountPaidMinor) - figures.Overpaid(inv.Status, net, inv.AmountPaidMinor)
		cn, err := tx.CreditNote.Create().
			SetMerchantID(inv.MerchantID).
			SetInvoiceID(inv.ID).
			SetCustomerID(inv.CustomerID).
			SetNumber(fmt.Sprintf("CN-%06d", m.CreditNoteSeq)).
			SetCurrency(inv.Currency).
			SetReason(reason).
			SetItems(p.items).
			SetTaxBreakdown(p.breakdown).
			SetSubtotalMinor(p.subtotal).
			SetTaxMinor(p.tax).
			SetTotalMinor(p.total).
			SetCreditMinor(credit).
			SetIssuedAt(now).
			Save(ctx)
		if err != nil {
			return fmt.Errorf("save credit note: %w", err)
		}
		note := fmt.Sprintf("%s: %s credited: %s", cn.Number, money.Format(cn.TotalMinor, c), reason)
		if _, err := s.invoices.Credit(ctx, tx, inv, cn.TotalMinor, note); err != nil {
			return err
		}
		if credit > 0 {
			err := tx.CustomerCredit.Create().SetMerchantID(inv.MerchantID).SetCustomerID(inv.CustomerID).
				SetCurrency(inv.Currency).SetAmountMinor(credit).SetKind(customercredit.KindCREDIT_NOTE).
				SetCreditNoteID(cn.ID).SetInvoiceID(inv.ID).SetAt(now).SetRecordedBy(invoice.Actor(ctx)).
				SetNote(cn.Number).Exec(ctx)
			if err != nil {
				return fmt.Errorf("record customer credit: %w", err)
			}
		}
		if err := webhook.Emit(ctx, tx, webhook.CreditNoteEvent(cn, now)); err != nil {
			return err
		}
		if in.Send {
			if _, err := s.mailer.EnqueueCreditNote(ctx, tx, cn); err != nil {
				return err
			}
		}
		out = cn
		return nil
	})
	if err != nil {
		return nil, err
	}
	if in.Send {
		s.mailer.Wake()
	}
	return out.Unwrap(), nil
}

// creditedQuantities sums, per invoice line, the quantities earlier credit
// notes of invoice id credited.
func (s *Service) creditedQuantities(ctx context.Context, tx *ent.Client, id string) (map[int]decimal.Decimal, error) {
	cns, err := tx.CreditNote.Query().Where(creditnote.InvoiceID(id)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("earlier credit notes of %s: %w", id, err)
	}
	out := map[int]decimal.Decimal{}
	for _, cn := range cns {
		for _, it := range cn.Items {
			if it.Line == nil {
				continue
			}
			q, err := decimal.NewFromString(it.Quantity)
			if err != nil {
				return nil, fmt.Errorf("credit note %s quantity %q: %w", cn.ID, it.Quantity, err)
			}
			out[*it.Line] = out[*it.Line].Add(q)
		}
	}
	return out, nil
}

// Send queues credit note id's email to the customer (again).
func (s *Service) Send(ctx context.Context, id string) (*ent.CreditNote, error) {
	var out *ent.CreditNote
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		cn, err := tx.CreditNote.Get(ctx, id)
		if ent.IsNotFound(err) {
			return &fault.Error{Code: fault.CodeNotFound, Field: "id", Message: "no credit note with this id"}
		}
		if err != nil {
			return err
		}
		if _, err := s.mailer.EnqueueCreditNote(ctx, tx, cn); err != nil {
			return err
		}
		out = cn
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.mailer.Wake()
	return out.Unwrap(), nil
}

// Query is the viewer's credit notes, of one invoice and one customer when
// those are not "".
func (s *Service) Query(invoiceID, customerID string) *ent.CreditNoteQuery {
	q := s.client.CreditNote.Query()
	if invoiceID != "" {
		q.Where(creditnote.InvoiceID(invoiceID))
	}
	if customerID != "" {
		q.Where(creditnote.CustomerID(customerID))
	}
	return q
}
