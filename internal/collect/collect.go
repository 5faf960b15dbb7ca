// Package collect records money received and allocates it to invoices: the
// matching engine (match/) decides where money goes, statement/ reads bank
// statements, and this package stores collections and drives every
// allocation through invoice.ApplyPayment, so matched money moves invoices
// exactly as checkout payments do.
package collect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tally-invoicing/tally/internal/ptr"

	"entgo.io/ent/dialect"
	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/collection"
	entcustomer "github.com/tally-invoicing/tally/ent/customer"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	entmerchant "github.com/tally-invoicing/tally/ent/merchant"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/internal/collect/match"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/validate"
)

// Limits on what a caller may send.
const (
	maxText       = 10_000
	maxExternalID = 200
	maxPayerField = 300
)

// Service records collections and allocates them.
type Service struct {
	// Imports admits statement imports; NewService sets one that admits
	// DefaultMaxImports.
	Imports *ImportGate

	client   *ent.Client
	invoices *invoice.Service
	rowLocks bool
	now      func() time.Time
}

// NewService returns a Service; dia is the database dialect.
func NewService(client *ent.Client, dia string, invoices *invoice.Service) *Service {
	return &Service{Imports: NewImportGate(DefaultMaxImports), client: client, invoices: invoices, rowLocks: dia == dialect.Postgres, now: func() time.Time { return time.Now().UTC() }}
}

// Input is money received, as entered or read from a statement.
type Input struct {
	Amount       decimal.Decimal
	Currency     string
	Channel      collection.Channel
	ReceivedAt   *time.Time
	Text         string
	ExternalID   string
	CustomerID   string
	PayerName    string
	PayerAccount string
	// Statement names the imported file, if any.
	Statement string
}

// Outcome is a collection and the payments it made.
type Outcome struct {
	Collection  *ent.Collection
	Allocations []*ent.Payment
	// Existing is true when the external id was recorded before and
	// nothing new happened.
	Existing bool
}

// Record stores money received and matches it to the merchant's open
// invoices at once. The same external id recorded again, also by racing
// requests, returns the first collection.
func (s *Service) Record(ctx context.Context, in Input) (*Outcome, error) {
	if err := merchantOnly(ctx); err != nil {
		return nil, err
	}
	amount, cur, err := s.check(&in)
	if err != nil {
		return nil, err
	}
	if in.ExternalID != "" {
		if out, err := s.existing(ctx, in.ExternalID); out != nil || err != nil {
			return out, err
		}
	}
	var out *Outcome
	err = database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		ix, dues, err := s.index(ctx, tx, in.PayerName != "")
		if err != nil {
			return err
		}
		if out, err = s.record(ctx, tx, ix, dues, in, amount, cur); err != nil {
			return err
		}
		return s.emitUnmatched(ctx, tx, out.Collection)
	})
	if ent.IsConstraintError(err) && in.ExternalID != "" {
		// Another request recorded the same external id first.
		return s.existing(ctx, in.ExternalID)
	}
	return out.detach(), err
}

// detach points rows returned from a committed transaction back at the main
// client, so their edges (invoice, customer) still load.
func (o *Outcome) detach() *Outcome {
	if o == nil {
		return nil
	}
	o.Collection = o.Collection.Unwrap()
	for i, p := range o.Allocations {
		o.Allocations[i] = p.Unwrap()
	}
	return o
}

// check validates in and returns its amount in minor units.
func (s *Service) check(in *Input) (int64, money.Currency, error) {
	c, ok := money.Lookup(strings.ToUpper(strings.TrimSpace(in.Currency)))
	if !ok {
		return 0, c, fault.Invalidf("currency", "%q is not a supported currency code", in.Currency)
	}
	in.Currency = c.Code
	if !in.Amount.IsPositive() {
		return 0, c, fault.Invalid("amount", "amount must be greater than 0")
	}
	amount, err := money.ToMinor(in.Amount, c)
	if err != nil {
		return 0, c, fault.WithField(err, "amount")
	}
	// Statement lines are the bank's words, which the merchant cannot edit:
	// they are made to fit the columns (API input was checked already).
	in.Text = strings.TrimSpace(validate.Clean(in.Text))
	in.ExternalID = strings.TrimSpace(validate.Flatten(in.ExternalID))
	in.PayerName, in.PayerAccount = validate.Flatten(in.PayerName), validate.Flatten(in.PayerAccount)
	switch {
	case utf8.RuneCountInString(in.Text) > maxText:
		return 0, c, fault.Invalidf("text", "text must be at most %d characters", maxText)
	case len(in.ExternalID) > maxExternalID:
		return 0, c, fault.Invalidf("externalID", "externalID must be at most %d characters", maxExternalID)
	case utf8.RuneCountInString(in.PayerName) > maxPayerField || len(in.PayerAccount) > 100:
		return 0, c, fault.Invalid("payerName", "payer name or account is too long")
	}
	if in.ReceivedAt != nil && in.ReceivedAt.After(s.now().Add(5*time.Minute)) {
		return 0, c, fault.Invalid("receivedAt", "money cannot have been received in the future")
	}
	return amount, c, nil
}

func (s *Service) existing(ctx context.Context, externalID string) (*Outcome, error) {
	col, err := s.client.Collection.Query().Where(collection.ExternalID(externalID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	pays, err := col.QueryPayments().All(ctx)
	if err != nil {
		return nil, err
	}
	return &Outcome{Collection: col, Allocations: pays, Existing: true}, nil
}

// record stores one collection and applies what ix finds, in tx: what is
// at least as sure as the merchant's threshold is paid, the rest is kept
// as a proposal for a person to accept.
//
// The payer is known when in names the customer (a partner's
// recordCollection saying who paid, a checkout) or when Tally learned the
// payer's account from an earlier allocation; the amount rules then trust
// the amount of exactly one open invoice of that customer (see match).
func (s *Service) record(ctx context.Context, tx *ent.Client, ix *match.Index, dues dueBook, in Input, amount int64, c money.Currency) (*Outcome, error) {
	at := s.now()
	if in.ReceivedAt != nil {
		at = in.ReceivedAt.UTC()
	}
	threshold, err := s.threshold(ctx, tx)
	if err != nil {
		return nil, err
	}
	create := tx.Collection.Create().
		SetAmountMinor(amount).
		SetCurrency(c.Code).
		SetChannel(in.Channel).
		SetReceivedAt(at).
		SetText(in.Text).
		SetPayerName(in.PayerName).
		SetPayerAccount(in.PayerAccount).
		SetStatus(collection.StatusUNMATCHED).
		SetUnallocatedMinor(amount).
		SetStatement(in.Statement)
	if in.ExternalID != "" {
		create.SetExternalID(in.ExternalID)
	}
	payer := in.CustomerID
	if payer != "" {
		cust, err := tx.Customer.Get(ctx, in.CustomerID)
		if ent.IsNotFound(err) {
			return nil, &fault.Error{Code: fault.CodeNotFound, Field: "customerID", Message: "no customer with this id"}
		}
		if err != nil {
			return nil, err
		}
		payer = cust.ID
	} else if payer, err = s.learnedPayer(ctx, tx, in.PayerAccount); err != nil {
		return nil, err
	}
	if payer != "" {
		create.SetCustomerID(payer)
	}
	col, err := create.Save(ctx)
	if err != nil {
		return nil, err
	}
	res := ix.Match(match.Collection{Amount: amount, Currency: c.Code, Text: in.Text, CustomerID: payer,
		PayerName: in.PayerName, PayerAccount: in.PayerAccount, ReceivedAt: at})
	choices := decide(res, amount, threshold, func(a match.Allocation) int64 { return dues[a.InvoiceID].due })
	out := &Outcome{Collection: col}
	left := amount
	for k, ch := range choices {
		if ch.kind != applied {
			continue
		}
		inv, pay, err := s.invoices.ApplyPayment(ctx, tx, ch.InvoiceID, invoice.Received{
			Amount: min(ch.applied, left), Channel: payment.Channel(in.Channel), Provider: "matched",
			ExternalID: in.ExternalID, ReceivedAt: at, CollectionID: col.ID,
			Rule: payment.Rule(ch.Rule), Confidence: ch.Confidence, UpToDue: true,
		})
		if err != nil {
			return nil, err
		}
		// The invoice may have been paid since the index was read.
		choices[k].applied = 0
		if pay != nil {
			choices[k].applied = pay.AmountMinor
			left -= pay.AmountMinor
			out.Allocations = append(out.Allocations, pay)
			if payer == "" {
				payer = inv.CustomerID
			}
		}
		if choices[k].applied == 0 {
			choices[k].kind = dropped
		}
	}
	rv := verdictOf(res, amount, c, choices, threshold, dues.label)
	upd := tx.Collection.UpdateOne(col).SetUnallocatedMinor(rv.left).SetStatus(rv.status).
		SetReviewReason(rv.reason).SetFlag(rv.flag).SetSuggestedInvoiceIds(rv.suggestions)
	if len(rv.proposals) > 0 {
		upd.SetProposedAllocations(rv.proposals)
	}
	if payer != "" {
		// Whoever's invoice it paid is the payer: what is left is their credit.
		upd.SetCustomerID(payer)
	}
	if col, err = upd.Save(ctx); err != nil {
		return nil, err
	}
	if len(out.Allocations) > 0 {
		key := accountKey(in.PayerAccount)
		if key != "" {
			err = s.learn(ctx, tx, []lesson{{account: key, customer: dues[out.Allocations[0].InvoiceID].customer, collection: col.ID}}, false)
			if err != nil {
				return nil, err
			}
		}
	}
	out.Collection = col
	return out, nil
}

// threshold is the merchant's auto-match confidence: matches at least this
// sure apply by themselves.
func (s *Service) threshold(ctx context.Context, tx *ent.Client) (int, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return 0, tenant.ErrNoViewer
	}
	ts, err := tx.Merchant.Query().Where(entmerchant.ID(v.MerchantID)).Select(entmerchant.FieldAutoMatchConfidence).Ints(ctx)
	if err != nil {
		return 0, fmt.Errorf("auto-match confidence: %w", err)
	}
	if len(ts) != 1 {
		return 0, tenant.ErrNoViewer
	}
	return ts[0], nil
}

// leftReason says what is left of a collection after a person acted on it.
func leftReason(left int64, c money.Currency) string {
	if left == 0 {
		return ""
	}
	return money.Format(left, c) + " is left to allocate."
}

// merchantOnly refuses to match without a merchant's viewer: in the system
// context the open invoices of every merchant would be candidates.
func merchantOnly(ctx context.Context) error {
	if tenant.IsSystem(ctx) {
		return errors.New("collect: matching needs a merchant's viewer, not the system context")
	}
	if tenant.FromContext(ctx) == nil {
		return tenant.ErrNoViewer
	}
	return nil
}

func statusOf(amount, left int64) collection.Status {
	switch {
	case left == 0:
		return collection.StatusMATCHED
	case left < amount:
		return collection.StatusPARTIAL
	}
	return collection.StatusUNMATCHED
}

// index loads the merchant's open invoices (and, when a payer name may
// identify the customer, its customers) for the matching engine, with what
// each invoice still owes.
func (s *Service) index(ctx context.Context, tx *ent.Client, withCustomers bool) (*match.Index, dueBook, error) {
	var rows []struct {
		ID         string    `json:"id"`
		CustomerID string    `json:"customer_id"`
		Number     *string   `json:"number"`
		Reference  *string   `json:"reference"`
		Currency   string    `json:"currency"`
		Total      int64     `json:"total_minor"`
		Paid       int64     `json:"amount_paid_minor"`
		IssuedAt   time.Time `json:"issued_at"`
	}
	err := tx.Invoice.Query().
		Where(entinvoice.StatusIn(status.Open, status.PartiallyPaid, status.Uncollectible)).
		Select(entinvoice.FieldID, entinvoice.FieldCustomerID, entinvoice.FieldNumber, entinvoice.FieldReference,
			entinvoice.FieldCurrency, entinvoice.FieldTotalMinor, entinvoice.FieldAmountPaidMinor, entinvoice.FieldIssuedAt).
		Scan(ctx, &rows)
	if err != nil {
		return nil, nil, fmt.Errorf("load open invoices: %w", err)
	}
	invs := make([]match.Invoice, 0, len(rows))
	dues := make(dueBook, len(rows))
	for _, r := range rows {
		if due := r.Total - r.Paid; due > 0 {
			dues[r.ID] = openInvoice{due: due, customer: r.CustomerID, number: ptr.Val(r.Number)}
			invs = append(invs, match.Invoice{ID: r.ID, CustomerID: r.CustomerID, Number: ptr.Val(r.Number), Reference: ptr.Val(r.Reference),
				Currency: r.Currency, Due: due, IssuedAt: r.IssuedAt})
		}
	}
	var custs []match.Customer
	if withCustomers {
		var cs []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		}
		if err := tx.Customer.Query().Select(entcustomer.FieldID, entcustomer.FieldName).Scan(ctx, &cs); err != nil {
			return nil, nil, fmt.Errorf("load customers: %w", err)
		}
		for _, c := range cs {
			custs = append(custs, match.Customer{ID: c.ID, Name: c.Name})
		}
	}
	return match.NewIndex(invs, custs), dues, nil
}

// openInvoice is what matching tracks of each open invoice.
type openInvoice struct {
	due      int64
	customer string
	number   string
}

// dueBook is the open invoices by id.
type dueBook map[string]openInvoice

// label names an invoice in a reason: its number, else its id.
func (d dueBook) label(id string) string {
	if n := d[id].number; n != "" {
		return n
	}
	return id
}

// Manual is a person's allocation of part of a collection.
type Manual struct {
	InvoiceID string
	Amount    decimal.Decimal
}

// Allocate applies what is left of collection id to invoices by hand.
func (s *Service) Allocate(ctx context.Context, id string, allocs []Manual) (*Outcome, error) {
	if len(allocs) == 0 {
		return nil, fault.Invalid("allocations", "give at least one invoice and amount")
	}
	var out *Outcome
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		col, err := s.lockCollection(ctx, tx, id)
		if err != nil {
			return err
		}
		if col.Status == collection.StatusSET_ASIDE {
			return ErrSetAside
		}
		c, _ := money.Lookup(col.Currency)
		left := col.UnallocatedMinor
		out = &Outcome{}
		var learned lesson
		for i, a := range allocs {
			field := func(f string) string { return fmt.Sprintf("allocations[%d].%s", i, f) }
			amount, err := money.ToMinor(a.Amount, c)
			if err != nil {
				return fault.WithField(err, field("amount"))
			}
			if amount <= 0 {
				return fault.Invalid(field("amount"), "amount must be greater than 0")
			}
			if amount > left {
				return fault.Invalidf(field("amount"), "only %s of this collection is unallocated", money.Format(left, c))
			}
			inv, err := tx.Invoice.Get(ctx, a.InvoiceID)
			if ent.IsNotFound(err) {
				return &fault.Error{Code: fault.CodeNotFound, Field: field("invoiceID"), Message: "no invoice with this id"}
			}
			if err != nil {
				return err
			}
			if inv.Currency != col.Currency {
				return fault.Invalidf(field("invoiceID"), "the invoice is in %s, the collection in %s", inv.Currency, col.Currency)
			}
			if due := invoice.AmountDue(inv); amount > due {
				return fault.Invalidf(field("amount"), "only %s is due on %s", money.Format(due, c), ptr.Val(inv.Number))
			}
			_, pay, err := s.invoices.ApplyPayment(ctx, tx, inv.ID, invoice.Received{
				Amount: amount, Channel: payment.Channel(col.Channel), Provider: "matched", ExternalID: ptr.Val(col.ExternalID),
				ReceivedAt: col.ReceivedAt, CollectionID: col.ID, Rule: payment.RuleMANUAL, Confidence: 100,
			})
			if err != nil {
				return fault.WithField(err, field("invoiceID"))
			}
			left -= amount
			out.Allocations = append(out.Allocations, pay)
			if col.CustomerID == nil {
				col.CustomerID = &inv.CustomerID
			}
			learned = lesson{account: accountKey(col.PayerAccount), customer: inv.CustomerID, collection: col.ID}
		}
		// A person decided: the proposals and suggestions have had their say.
		upd := tx.Collection.UpdateOne(col).SetUnallocatedMinor(left).SetStatus(statusOf(col.AmountMinor, left)).
			SetReviewReason(leftReason(left, c)).ClearFlag().ClearProposedAllocations().ClearSuggestedInvoiceIds()
		if col.CustomerID != nil {
			upd.SetCustomerID(*col.CustomerID)
		}
		if out.Collection, err = upd.Save(ctx); err != nil {
			return err
		}
		if learned.account == "" {
			return nil
		}
		// A person's choice of customer for this account overrides any
		// earlier one (the last invoice allocated names it).
		return s.learn(ctx, tx, []lesson{learned}, true)
	})
	if err != nil {
		return nil, err
	}
	return out.detach(), nil
}

// Undo takes one allocation back: its invoice rolls back, and the money
// returns to its collection as unallocated.
func (s *Service) Undo(ctx context.Context, paymentID string) (*ent.Payment, error) {
	var out *ent.Payment
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		pay, err := s.invoices.UndoPayment(ctx, tx, paymentID)
		if err != nil {
			return err
		}
		out = pay
		if pay.CollectionID == nil {
			return nil
		}
		col, err := s.lockCollection(ctx, tx, *pay.CollectionID)
		if err != nil {
			return err
		}
		left := col.UnallocatedMinor + pay.AmountMinor
		c, _ := money.Lookup(col.Currency)
		upd := tx.Collection.UpdateOne(col).SetUnallocatedMinor(left).SetStatus(statusOf(col.AmountMinor, left)).
			SetReviewReason(fmt.Sprintf("An allocation of %s was undone; %s", money.Format(pay.AmountMinor, c), leftReason(left, c)))
		if col.Status == collection.StatusSET_ASIDE {
			// The money set aside was what was left then; with more left
			// now, a person looks at it again.
			upd.ClearSetAsideReason().ClearSetAsideNote().ClearSetAsideAt()
		}
		return upd.Exec(ctx)
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}

func (s *Service) lockCollection(ctx context.Context, tx *ent.Client, id string) (*ent.Collection, error) {
	q := tx.Collection.Query().Where(collection.ID(id))
	if s.rowLocks {
		q.ForUpdate()
	}
	col, err := q.Only(ctx)
	if ent.IsNotFound(err) {
		return nil, &fault.Error{Code: fault.CodeNotFound, Message: "no collection with this id"}
	}
	return col, err
}
