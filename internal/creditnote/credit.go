package creditnote

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/customer"
	"github.com/tally-invoicing/tally/ent/customercredit"
	"github.com/tally-invoicing/tally/ent/invoiceevent"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/ptr"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// maxNote bounds a refund's note, in characters.
const maxNote = 1000

// Balance is a customer's credit in one currency, in its minor units.
type Balance struct {
	Currency string
	Amount   int64
}

// Balances are customer id's credit per currency, by currency code, leaving
// out currencies where nothing is owed; client decides the tenant.
func Balances(ctx context.Context, client *ent.Client, customerID string) ([]Balance, error) {
	var rows []struct {
		Currency string `json:"currency"`
		Sum      int64  `json:"sum"`
	}
	err := client.CustomerCredit.Query().Where(customercredit.CustomerID(customerID)).
		GroupBy(customercredit.FieldCurrency).Aggregate(ent.Sum(customercredit.FieldAmountMinor)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("credit balances of %s: %w", customerID, err)
	}
	out := make([]Balance, 0, len(rows))
	for _, r := range rows {
		if r.Sum != 0 {
			out = append(out, Balance{Currency: r.Currency, Amount: r.Sum})
		}
	}
	slices.SortFunc(out, func(a, b Balance) int { return strings.Compare(a.Currency, b.Currency) })
	return out, nil
}

// balance is customer id's credit in currency, read through tx after the
// customer was locked.
func balance(ctx context.Context, tx *ent.Client, customerID, currency string) (int64, error) {
	// SUM of no rows is NULL.
	var rows []struct {
		Sum *int64 `json:"sum"`
	}
	err := tx.CustomerCredit.Query().
		Where(customercredit.CustomerID(customerID), customercredit.Currency(currency)).
		Aggregate(ent.Sum(customercredit.FieldAmountMinor)).Scan(ctx, &rows)
	if err != nil {
		return 0, fmt.Errorf("credit balance of %s in %s: %w", customerID, currency, err)
	}
	if len(rows) == 0 || rows[0].Sum == nil {
		return 0, nil
	}
	return *rows[0].Sum, nil
}

// lockCustomer holds customer id's credit against concurrent applications
// and refunds until tx ends: a row lock on PostgreSQL; SQLite serialises
// writers already.
func (s *Service) lockCustomer(ctx context.Context, tx *ent.Client, id string) (*ent.Customer, error) {
	q := tx.Customer.Query().Where(customer.ID(id))
	if s.rowLocks {
		q.ForUpdate()
	}
	return q.Only(ctx)
}

// ApplyInput pays an invoice from its customer's credit.
type ApplyInput struct {
	InvoiceID string
	// Amount is nil for the smaller of the balance and the amount due.
	Amount *decimal.Decimal
}

// Apply pays an owed invoice from its customer's credit in the invoice's
// currency, in one transaction: a payment on the invoice (channel
// CUSTOMER_CREDIT, through the invoice's payment rules), an APPLIED line
// taking the amount from the credit, and the timeline.
func (s *Service) Apply(ctx context.Context, in ApplyInput) (*ent.Invoice, error) {
	if tenant.FromContext(ctx) == nil {
		return nil, tenant.ErrNoViewer
	}
	var out *ent.Invoice
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		inv, err := s.invoices.Lock(ctx, tx, in.InvoiceID)
		if ent.IsNotFound(err) {
			return &fault.Error{Code: fault.CodeNotFound, Field: "invoiceID", Message: "no invoice with this id"}
		}
		if err != nil {
			return err
		}
		due := inv.AmountDueMinor()
		if (!inv.Status.Collectible() && inv.Status != status.Uncollectible) || due <= 0 {
			return fault.New(fault.CodeConflict, "invoice "+ptr.Val(inv.Number)+" owes nothing; credit can only pay an invoice that is owed")
		}
		if _, err := s.lockCustomer(ctx, tx, inv.CustomerID); err != nil {
			return err
		}
		c, _ := money.Lookup(inv.Currency)
		bal, err := balance(ctx, tx, inv.CustomerID, inv.Currency)
		if err != nil {
			return err
		}
		if bal <= 0 {
			return fault.Invalidf("amount", "the customer has no credit in %s", inv.Currency)
		}
		amount := min(bal, due)
		if in.Amount != nil {
			if !in.Amount.IsPositive() {
				return fault.Invalid("amount", "the amount must be greater than 0; leave it out to apply as much as possible")
			}
			if amount, err = money.ToMinor(*in.Amount, c); err != nil {
				return fault.WithField(err, "amount")
			}
			if amount > bal {
				return fault.Invalidf("amount", "the customer's credit is %s; apply at most that", money.Format(bal, c))
			}
			if amount > due {
				return fault.Invalidf("amount", "invoice %s owes %s; apply at most that", ptr.Val(inv.Number), money.Format(due, c))
			}
		}
		now := s.invoices.Now(inv.MerchantID)
		paid, pay, err := s.invoices.ApplyPayment(ctx, tx, inv.ID, invoice.Received{
			Amount: amount, Channel: payment.ChannelCUSTOMER_CREDIT, Provider: "credit",
			Note: "paid from the customer's credit", ReceivedAt: now,
		})
		if err != nil {
			return err
		}
		err = tx.CustomerCredit.Create().SetMerchantID(inv.MerchantID).SetCustomerID(inv.CustomerID).
			SetCurrency(inv.Currency).SetAmountMinor(-amount).SetKind(customercredit.KindAPPLIED).
			SetInvoiceID(inv.ID).SetPaymentID(pay.ID).SetAt(now).SetRecordedBy(invoice.Actor(ctx)).
			SetNote("applied to " + ptr.Val(inv.Number)).Exec(ctx)
		if err != nil {
			return fmt.Errorf("record applied credit: %w", err)
		}
		note := fmt.Sprintf("%s of the customer's credit applied (%s left)", money.Format(amount, c), money.Format(bal-amount, c))
		if err := invoice.RecordEvent(ctx, tx, paid, invoiceevent.TypeCREDIT_APPLIED, now, nil, nil, note); err != nil {
			return err
		}
		out = paid
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}

// RefundInput records credit paid back to the customer outside Tally.
type RefundInput struct {
	CustomerID string
	Currency   string
	Amount     decimal.Decimal
	Channel    customercredit.RefundChannel
	// RefundedAt is nil for now; it cannot be in the future.
	RefundedAt *time.Time
	Note       string
}

// Refund records that some of a customer's credit was paid back (a record:
// no money moves): a REFUNDED line, at most the balance, and a line on the
// timeline of the invoice the credit came from when there is one.
func (s *Service) Refund(ctx context.Context, in RefundInput) (*ent.CustomerCredit, error) {
	if tenant.FromContext(ctx) == nil {
		return nil, tenant.ErrNoViewer
	}
	c, ok := money.Lookup(in.Currency)
	if !ok {
		return nil, fault.Invalidf("currency", "%q is not a supported currency code", in.Currency)
	}
	if !in.Amount.IsPositive() {
		return nil, fault.Invalid("amount", "the amount must be greater than 0")
	}
	amount, err := money.ToMinor(in.Amount, c)
	if err != nil {
		return nil, fault.WithField(err, "amount")
	}
	if err := customercredit.RefundChannelValidator(in.Channel); err != nil {
		return nil, fault.Invalidf("channel", "%q is not a refund channel", in.Channel)
	}
	note := strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(note) > maxNote {
		return nil, fault.Invalidf("note", "the note must be at most %d characters", maxNote)
	}
	now := s.invoices.Now(tenant.FromContext(ctx).MerchantID)
	at := now
	if in.RefundedAt != nil {
		if in.RefundedAt.After(now.Add(5 * time.Minute)) {
			return nil, fault.Invalid("refundedAt", "a refund cannot be recorded in the future; give the day it was paid")
		}
		at = in.RefundedAt.UTC()
	}
	var out *ent.CustomerCredit
	err = database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		cust, err := s.lockCustomer(ctx, tx, in.CustomerID)
		if ent.IsNotFound(err) {
			return &fault.Error{Code: fault.CodeNotFound, Field: "customerID", Message: "no customer with this id"}
		}
		if err != nil {
			return err
		}
		bal, err := balance(ctx, tx, cust.ID, c.Code)
		if err != nil {
			return err
		}
		if amount > bal {
			return fault.Invalidf("amount", "the customer's credit in %s is %s; refund at most that", c.Code, money.Format(max(bal, 0), c))
		}
		out, err = tx.CustomerCredit.Create().SetMerchantID(cust.MerchantID).SetCustomerID(cust.ID).
			SetCurrency(c.Code).SetAmountMinor(-amount).SetKind(customercredit.KindREFUNDED).
			SetRefundChannel(in.Channel).SetNote(note).SetAt(at).SetRecordedBy(invoice.Actor(ctx)).Save(ctx)
		if err != nil {
			return fmt.Errorf("record refund: %w", err)
		}
		// The timeline of the invoice the latest credit came from.
		src, err := tx.CustomerCredit.Query().
			Where(customercredit.CustomerID(cust.ID), customercredit.Currency(c.Code), customercredit.AmountMinorGT(0),
				customercredit.InvoiceIDNotNil(), customercredit.KindIn(customercredit.KindCREDIT_NOTE, customercredit.KindOVERPAYMENT)).
			Order(ent.Desc(customercredit.FieldAt)).First(ctx)
		if ent.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		inv, err := tx.Invoice.Get(ctx, *src.InvoiceID)
		if err != nil {
			return err
		}
		text := fmt.Sprintf("%s of the customer's credit refunded (%s)", money.Format(amount, c), strings.ToLower(strings.ReplaceAll(string(in.Channel), "_", " ")))
		if note != "" {
			text += ": " + note
		}
		return invoice.RecordEvent(ctx, tx, inv, invoiceevent.TypeREFUND_RECORDED, now, nil, nil, text)
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}
