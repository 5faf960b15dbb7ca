package invoice

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/collection"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/invoiceevent"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/event"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/ptr"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/webhook"
)

// Received is money that arrived for an invoice, in its currency's minor units.
type Received struct {
	// InvoiceID names the invoice for ApplyPayments; ApplyPayment takes it
	// as an argument.
	InvoiceID  string
	Amount     int64
	Channel    payment.Channel
	Provider   string // infini, wallet, manual
	ExternalID string // order id, tx hash or the merchant's reference
	Note       string
	ReceivedAt time.Time
	// Late is set when a checkout session had expired before the money came.
	Late              bool
	CheckoutSessionID string
	// DedupeKey, when set, makes a second report of the same money a no-op
	// (ErrAlreadyRecorded) instead of a second payment.
	DedupeKey string
	// CollectionID is the money this is part of. Empty means the money came
	// for this invoice alone (a checkout, a manual mark): a Collection of
	// exactly this amount is recorded with it, so all money has one shape.
	CollectionID string
	Rule         payment.Rule // default MANUAL
	Confidence   int          // percent; default 100
	// UpToDue caps the payment at what the invoice still owes (matched
	// money: the rest stays with its collection); nothing due applies
	// nothing and returns a nil payment.
	UpToDue bool
}

// ErrAlreadyRecorded is returned when money with the same dedupe key was
// already recorded.
var ErrAlreadyRecorded = fault.New(fault.CodeConflict, "this payment has already been recorded")

// ApplyPayment records money received for invoice id and moves the invoice
// accordingly, inside tx (which the caller commits): OPEN or PARTIALLY_PAID
// becomes PAID once the total is covered, PARTIALLY_PAID otherwise. Money for
// an invoice that is already PAID or VOID is still recorded (it is the
// customer's credit or a refund to make) and shows on the timeline; money is
// never dropped. It is the one path for checkout, webhooks and manual marks.
func (s *Service) ApplyPayment(ctx context.Context, tx *ent.Client, id string, r Received) (*ent.Invoice, *ent.Payment, error) {
	inv, pay, err := s.applyPayment(ctx, tx, id, r)
	if err != nil {
		return nil, nil, fmt.Errorf("apply payment to invoice %s: %w", id, err)
	}
	return inv, pay, nil
}

func (s *Service) applyPayment(ctx context.Context, tx *ent.Client, id string, r Received) (*ent.Invoice, *ent.Payment, error) {
	inv, err := s.lock(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	plan, err := planPayment(ledgerOf(inv), r.Amount, r.UpToDue)
	if err != nil {
		return nil, nil, err
	}
	if plan.Amount == 0 {
		return inv, nil, nil // UpToDue, and nothing is due
	}
	r.Amount = plan.Amount
	r.defaults()
	c, _ := money.Lookup(inv.Currency)
	if r.CollectionID == "" {
		col := tx.Collection.Create().
			SetMerchantID(inv.MerchantID).
			SetAmountMinor(r.Amount).
			SetCurrency(inv.Currency).
			SetChannel(collection.Channel(r.Channel)).
			SetReceivedAt(r.ReceivedAt.UTC()).
			SetText(strings.TrimSpace(r.ExternalID + " " + r.Note)).
			SetCustomerID(inv.CustomerID).
			SetStatus(collection.StatusMATCHED)
		if r.DedupeKey != "" {
			col.SetExternalID(r.DedupeKey)
		}
		saved, err := col.Save(ctx)
		if ent.IsConstraintError(err) && r.DedupeKey != "" {
			return nil, nil, ErrAlreadyRecorded
		}
		if err != nil {
			return nil, nil, err
		}
		r.CollectionID = saved.ID
	}
	create := tx.Payment.Create().
		SetMerchantID(inv.MerchantID).
		SetInvoiceID(inv.ID).
		SetCollectionID(r.CollectionID).
		SetRule(r.Rule).
		SetConfidence(r.Confidence).
		SetAmountMinor(r.Amount).
		SetCurrency(inv.Currency).
		SetChannel(r.Channel).
		SetProvider(r.Provider).
		SetNote(r.Note).
		SetReceivedAt(r.ReceivedAt.UTC()).
		SetRecordedBy(Actor(ctx)).
		SetLate(r.Late)
	if r.ExternalID != "" {
		create.SetExternalID(r.ExternalID)
	}
	if r.CheckoutSessionID != "" {
		create.SetCheckoutSessionID(r.CheckoutSessionID)
	}
	if r.DedupeKey != "" {
		create.SetDedupeKey(r.DedupeKey)
	}
	pay, err := create.Save(ctx)
	if ent.IsConstraintError(err) && r.DedupeKey != "" {
		return nil, nil, ErrAlreadyRecorded
	}
	if err != nil {
		return nil, nil, err
	}

	if err := s.afterPayments(ctx, tx, []*ent.Payment{pay}); err != nil {
		return nil, nil, err
	}
	if err := saveCreditLines(ctx, tx, creditLines(ctx, tx, inv, plan.Paid, pay, false, pay.ReceivedAt)); err != nil {
		return nil, nil, err
	}
	note := describePayment(pay, c)
	upd := tx.Invoice.UpdateOne(inv).SetAmountPaidMinor(plan.Paid)
	if plan.Moves {
		out, err := s.transition(ctx, tx, inv, upd, plan.To, invoiceevent.TypePAYMENT_RECEIVED, note)
		return out, pay, err
	}
	out, err := upd.AddVersion(1).Save(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := recordEvent(ctx, tx, out, invoiceevent.TypePAYMENT_RECEIVED, s.Now(out.MerchantID), nil, nil, note+creditNote(inv.Status)); err != nil {
		return nil, nil, err
	}
	return out, pay, nil
}

// afterPayments tells, inside tx, whoever waits for money that it came:
// partner apps (payment.received) and the customer and merchant by email.
func (s *Service) afterPayments(ctx context.Context, tx *ent.Client, pays []*ent.Payment) error {
	evs := make([]webhook.Event, 0, len(pays))
	for _, p := range pays {
		evs = append(evs, webhook.PaymentEvent(p, s.Now(p.MerchantID)))
	}
	if err := webhook.Emit(ctx, tx, evs...); err != nil {
		return err
	}
	return s.mailer.PaymentEmails(ctx, tx, pays)
}

// defaults fills in what a receipt may leave out.
func (r *Received) defaults() {
	if r.Rule == "" {
		r.Rule = payment.RuleMANUAL
	}
	if r.Confidence == 0 {
		r.Confidence = 100
	}
}

// UndoPayment takes back one payment inside tx: it stops counting towards
// its invoice, whose amount paid and status roll back (PAID becomes
// PARTIALLY_PAID or OPEN). The payment row stays, marked undone, and the
// timeline keeps both events. It returns the payment as undone.
func (s *Service) UndoPayment(ctx context.Context, tx *ent.Client, paymentID string) (*ent.Payment, error) {
	pay, err := s.undoPayment(ctx, tx, paymentID)
	if err != nil {
		return nil, fmt.Errorf("undo payment %s: %w", paymentID, err)
	}
	return pay, nil
}

func (s *Service) undoPayment(ctx context.Context, tx *ent.Client, paymentID string) (*ent.Payment, error) {
	pay, err := tx.Payment.Get(ctx, paymentID)
	if ent.IsNotFound(err) {
		return nil, &fault.Error{Code: fault.CodeNotFound, Message: "no allocation with this id"}
	}
	if err != nil {
		return nil, err
	}
	inv, err := s.lock(ctx, tx, pay.InvoiceID)
	if err != nil {
		return nil, err
	}
	// Read again under the invoice's lock: two undos of one payment race here.
	if pay, err = tx.Payment.Get(ctx, paymentID); err != nil {
		return nil, err
	}
	if pay.UndoneAt != nil {
		return nil, fault.New(fault.CodeConflict, "this allocation has already been undone")
	}
	pay, err = tx.Payment.UpdateOne(pay).SetUndoneAt(s.Now(pay.MerchantID)).SetUndoneBy(Actor(ctx)).Save(ctx)
	if err != nil {
		return nil, err
	}
	c, _ := money.Lookup(inv.Currency)
	plan := planUndo(ledgerOf(inv), pay.AmountMinor)
	if err := saveCreditLines(ctx, tx, creditLines(ctx, tx, inv, plan.Paid, pay, true, s.Now(inv.MerchantID))); err != nil {
		return nil, err
	}
	note := "undone: " + describePayment(pay, c)
	upd := tx.Invoice.UpdateOne(inv).SetAmountPaidMinor(plan.Paid)
	if plan.Moves {
		if _, err := s.move(ctx, tx, inv, upd, plan.To, invoiceevent.TypePAYMENT_UNDONE, note); err != nil {
			return nil, err
		}
		return pay, nil
	}
	out, err := upd.AddVersion(1).Save(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := recordEvent(ctx, tx, out, invoiceevent.TypePAYMENT_UNDONE, s.Now(out.MerchantID), nil, nil, note); err != nil {
		return nil, err
	}
	return pay, nil
}

// MarkPaidInput is money received outside Tally's checkout.
type MarkPaidInput struct {
	// Amount defaults to the amount due.
	Amount     *decimal.Decimal
	Channel    payment.Channel
	Reference  string
	Note       string
	ReceivedAt *time.Time
}

// MarkPaid records a payment the merchant received by bank transfer, cash or
// otherwise, through the same path as provider payments.
func (s *Service) MarkPaid(ctx context.Context, id string, in MarkPaidInput) (*ent.Invoice, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, tenant.ErrNoViewer
	}
	switch in.Channel {
	case payment.ChannelBANK_TRANSFER, payment.ChannelCASH, payment.ChannelOTHER:
	default:
		return nil, fault.Invalidf("channel", "%s payments are recorded by the checkout itself; choose BANK_TRANSFER, CASH or OTHER", in.Channel)
	}
	ref := strings.TrimSpace(in.Reference)
	note := strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(ref) > 200 {
		return nil, fault.Invalid("reference", "reference must be at most 200 characters")
	}
	if utf8.RuneCountInString(note) > maxDescription {
		return nil, fault.Invalidf("note", "note must be at most %d characters", maxDescription)
	}
	at := s.Now(v.MerchantID)
	if in.ReceivedAt != nil {
		if in.ReceivedAt.After(at.Add(5 * time.Minute)) {
			return nil, fault.Invalid("receivedAt", "the payment cannot have been received in the future")
		}
		at = in.ReceivedAt.UTC()
	}
	var out *ent.Invoice
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		inv, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		switch inv.Status {
		case status.Draft:
			return fault.New(fault.CodeConflict, "a draft cannot be paid; issue it first")
		case status.Paid:
			return fault.New(fault.CodeConflict, "invoice "+ptr.Val(inv.Number)+" is already paid")
		case status.Void:
			return fault.New(fault.CodeConflict, "invoice "+ptr.Val(inv.Number)+" is void and cannot be paid")
		}
		c, _ := money.Lookup(inv.Currency)
		amount := AmountDue(inv)
		if in.Amount != nil {
			if !in.Amount.IsPositive() {
				return fault.Invalid("amount", "amount must be greater than 0")
			}
			amount, err = money.ToMinor(*in.Amount, c)
			if err != nil {
				return fault.WithField(err, "amount")
			}
		}
		out, _, err = s.ApplyPayment(ctx, tx, inv.ID, Received{
			Amount:     amount,
			Channel:    in.Channel,
			Provider:   "manual",
			ExternalID: ref,
			Note:       note,
			ReceivedAt: at,
		})
		return err
	})
	return detach(out, err)
}

func describePayment(p *ent.Payment, c money.Currency) string {
	var how string
	switch p.Channel {
	case payment.ChannelCHECKOUT_CARD:
		how = "by card"
	case payment.ChannelCHECKOUT_CRYPTO:
		how = "in stablecoins"
	case payment.ChannelBANK_TRANSFER:
		how = "by bank transfer"
	case payment.ChannelCASH:
		how = "in cash"
	case payment.ChannelCUSTOMER_CREDIT:
		how = "from the customer's credit"
	default:
		how = "by other means"
	}
	s := fmt.Sprintf("%s received %s", money.Format(p.AmountMinor, c), how)
	if p.ExternalID != nil && *p.ExternalID != "" {
		s += " (" + *p.ExternalID + ")"
	}
	if p.Late {
		s += ", after the checkout had expired"
	}
	return s
}

// Change is a committed status change, as live subscribers see it.
type Change struct {
	Invoice *ent.Invoice
	From    *status.Status
	To      status.Status
	Version int
	At      time.Time
	// Type is the timeline event: ISSUED, PAYMENT_RECEIVED, ... for a
	// status change, OVERDUE when To is the status the invoice stayed in.
	Type invoiceevent.Type
}

// LoadChanges reads the changes event.Messages name, in two queries
// whatever their number. The event bus calls it once per batch per
// process; a message whose event is not a status change of its merchant's
// invoice is left out.
func (s *Service) LoadChanges(ctx context.Context, ms []event.Message) (map[event.Message]*Change, error) {
	ctx = tenant.System(ctx)
	ids := make([]string, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.EventID)
	}
	evs, err := s.client.InvoiceEvent.Query().Where(invoiceevent.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load invoice events: %w", err)
	}
	byID := make(map[string]*ent.InvoiceEvent, len(evs))
	invoiceIDs := make([]string, 0, len(evs))
	for _, ev := range evs {
		byID[ev.ID] = ev
		invoiceIDs = append(invoiceIDs, ev.InvoiceID)
	}
	invs, err := s.client.Invoice.Query().Where(entinvoice.IDIn(invoiceIDs...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load invoices: %w", err)
	}
	invByID := make(map[string]*ent.Invoice, len(invs))
	for _, inv := range invs {
		invByID[inv.ID] = inv
	}
	out := make(map[event.Message]*Change, len(ms))
	for _, m := range ms {
		ev := byID[m.EventID]
		if ev == nil || ev.ToStatus == nil {
			continue
		}
		inv := invByID[ev.InvoiceID]
		if inv == nil || inv.MerchantID != m.MerchantID {
			continue
		}
		out[m] = &Change{Invoice: inv, From: ev.FromStatus, To: *ev.ToStatus, Version: ev.InvoiceVersion, At: ev.At, Type: ev.Type}
	}
	return out, nil
}
