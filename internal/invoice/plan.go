package invoice

import (
	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice/figures"
	"github.com/tally-invoicing/tally/internal/invoice/status"
)

// ledger is what the money rules read of an invoice.
type ledger struct {
	Status status.Status
	// Total is what the invoice asks for after its credit notes: a
	// payment is judged against the total less what was credited.
	Total, Paid int64
}

func ledgerOf(inv *ent.Invoice) ledger {
	return ledger{Status: inv.Status, Total: inv.TotalMinor - inv.CreditedMinor, Paid: inv.AmountPaidMinor}
}

// paymentPlan is what recording one payment does to its invoice: the money
// rules of ApplyPayment and ApplyPayments, which only carry it out.
type paymentPlan struct {
	// Amount is the money to record; 0 means nothing to record.
	Amount int64
	// Paid is the invoice's amount paid afterwards.
	Paid int64
	// To is the invoice's status afterwards; Moves says whether it changes
	// (a timeline event from From to To), otherwise the payment is recorded
	// without a status change.
	From, To status.Status
	Moves    bool
}

// planPayment applies amount to an invoice in l. A draft cannot be paid. With
// upToDue the amount is capped at what is due, and an invoice that owes
// nothing (or is not collectible) gets nothing; otherwise the amount must be
// positive. OPEN, PARTIALLY_PAID or UNCOLLECTIBLE becomes PAID once the total
// is covered, PARTIALLY_PAID before; money for a PAID or VOID invoice is
// still recorded (see creditNote), without a status change.
func planPayment(l ledger, amount int64, upToDue bool) (paymentPlan, error) {
	if l.Status == status.Draft {
		return paymentPlan{}, fault.New(fault.CodeConflict, "a draft cannot be paid; issue it first")
	}
	if upToDue {
		if !l.Status.Collectible() && l.Status != status.Uncollectible {
			return paymentPlan{}, nil
		}
		amount = min(amount, figures.Due(l.Status, l.Total, l.Paid))
		if amount <= 0 {
			return paymentPlan{}, nil
		}
	}
	if amount <= 0 {
		return paymentPlan{}, fault.Invalid("amount", "amount must be greater than 0")
	}
	p := paymentPlan{Amount: amount, Paid: l.Paid + amount, From: l.Status, To: status.PartiallyPaid}
	if p.Paid >= l.Total {
		p.To = status.Paid
	}
	p.Moves = status.CanTransition(p.From, p.To)
	if !p.Moves {
		p.To = p.From
	}
	return p, nil
}

// creditNote is what the timeline adds when money reaches an invoice that
// no longer takes it: it is kept on record, not dropped.
func creditNote(st status.Status) string {
	switch st {
	case status.Paid:
		return "; the invoice was already paid, so this is the customer's credit"
	case status.Void:
		return "; the invoice is void: refund the customer or keep it as credit"
	}
	return ""
}

// undoPlan is what taking back a payment does to its invoice.
type undoPlan struct {
	Paid     int64
	From, To status.Status
	Moves    bool
}

// planUndo takes amount back from an invoice in l: PAID becomes
// PARTIALLY_PAID or OPEN as the amount paid drops below the total or to
// nothing, as far as the state machine lets a payment be undone.
func planUndo(l ledger, amount int64) undoPlan {
	p := undoPlan{Paid: l.Paid - amount, From: l.Status, To: l.Status}
	switch {
	case p.Paid >= l.Total:
	case p.Paid > 0:
		p.To = status.PartiallyPaid
	default:
		p.To = status.Open
	}
	p.Moves = p.To != p.From && status.CanUndo(p.From, p.To)
	if !p.Moves {
		p.To = p.From
	}
	return p
}
