package invoice

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/customercredit"
	"github.com/tally-invoicing/tally/ent/invoiceevent"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/event"
	"github.com/tally-invoicing/tally/internal/invoice/figures"
	"github.com/tally-invoicing/tally/internal/invoice/status"
)

// Lock reads invoice id through tx, locked against concurrent changes until
// tx ends (a row lock on PostgreSQL; SQLite serialises writers), for
// packages that change an invoice's money alongside their own rows
// (internal/creditnote).
func (s *Service) Lock(ctx context.Context, tx *ent.Client, id string) (*ent.Invoice, error) {
	return s.lock(ctx, tx, id)
}

// Credit takes a credit note's total (tax included, minor units) off inv,
// which the caller locked in tx: the amount credited grows, the version is
// bumped and the timeline says note (CREDIT_NOTE_CREATED). An OPEN or
// PARTIALLY_PAID invoice that owes nothing afterwards becomes PAID through
// the state machine (webhook invoice.paid); otherwise the status stays and
// the change is still announced to live subscribers, whose amount due
// dropped.
func (s *Service) Credit(ctx context.Context, tx *ent.Client, inv *ent.Invoice, amount int64, note string) (*ent.Invoice, error) {
	if amount <= 0 {
		return nil, fmt.Errorf("credit invoice %s: amount %d must be positive", inv.ID, amount)
	}
	upd := tx.Invoice.UpdateOne(inv).AddCreditedMinor(amount)
	if inv.Status.Collectible() && figures.Due(inv.Status, inv.TotalMinor-inv.CreditedMinor-amount, inv.AmountPaidMinor) == 0 {
		return s.transition(ctx, tx, inv, upd, status.Paid, invoiceevent.TypeCREDIT_NOTE_CREATED, note)
	}
	return s.stay(ctx, tx, upd.AddVersion(1), invoiceevent.TypeCREDIT_NOTE_CREATED, note)
}

// stay saves a change of an invoice's money that leaves its status as it
// is, appends typ to the timeline as a move from the status to itself (as
// OVERDUE does), and announces it once tx commits, so screens showing the
// amount due refresh.
func (s *Service) stay(ctx context.Context, tx *ent.Client, upd *ent.InvoiceUpdateOne, typ invoiceevent.Type, note string) (*ent.Invoice, error) {
	out, err := upd.Save(ctx)
	if err != nil {
		return nil, err
	}
	st := out.Status
	ev, err := recordEvent(ctx, tx, out, typ, s.Now(out.MerchantID), &st, &st, note)
	if err != nil {
		return nil, err
	}
	msg := event.Message{MerchantID: out.MerchantID, InvoiceID: out.ID, EventID: ev.ID}
	err = database.OnCommit(ctx, func() {
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := s.events.Publish(pctx, msg); err != nil {
			slog.Warn("announcing invoice change", "invoice", msg.InvoiceID, "err", err)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("announce change of invoice %s: %w", out.ID, err)
	}
	return out, nil
}

// overpaid is what inv's customer has paid beyond what it owes, with paid
// as the amount paid: the part of the money that is the customer's credit.
func overpaid(inv *ent.Invoice, paid int64) int64 {
	return figures.Overpaid(inv.Status, inv.TotalMinor-inv.CreditedMinor, paid)
}

// creditLines are the customer's credit ledger lines a payment (or its
// undoing) makes on inv, whose amount paid goes from inv.AmountPaidMinor to
// paid: OVERPAYMENT for the change in what was paid beyond the invoice
// (negative when a payment is undone), and for a payment made from the
// customer's credit that is undone, an APPLIED line giving it back.
func creditLines(ctx context.Context, tx *ent.Client, inv *ent.Invoice, paid int64, pay *ent.Payment, undo bool, at time.Time) []*ent.CustomerCreditCreate {
	var out []*ent.CustomerCreditCreate
	line := func(kind customercredit.Kind, amount int64) *ent.CustomerCreditCreate {
		return tx.CustomerCredit.Create().SetMerchantID(inv.MerchantID).SetCustomerID(inv.CustomerID).
			SetCurrency(inv.Currency).SetAmountMinor(amount).SetKind(kind).SetInvoiceID(inv.ID).
			SetAt(at).SetRecordedBy(Actor(ctx))
	}
	if d := overpaid(inv, paid) - overpaid(inv, inv.AmountPaidMinor); d != 0 {
		c := line(customercredit.KindOVERPAYMENT, d)
		if undo {
			c.SetNote("payment undone")
		}
		out = append(out, c)
	}
	if undo && pay != nil && pay.Channel == payment.ChannelCUSTOMER_CREDIT {
		out = append(out, line(customercredit.KindAPPLIED, pay.AmountMinor).SetPaymentID(pay.ID).SetNote("payment undone: the credit is given back"))
	}
	return out
}

// saveCreditLines writes ledger lines in one statement per batch.
func saveCreditLines(ctx context.Context, tx *ent.Client, lines []*ent.CustomerCreditCreate) error {
	for i := 0; i < len(lines); i += batchSize {
		if _, err := tx.CustomerCredit.CreateBulk(lines[i:min(i+batchSize, len(lines))]...).Save(ctx); err != nil {
			return fmt.Errorf("record customer credit: %w", err)
		}
	}
	return nil
}
