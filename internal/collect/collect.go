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

	"entgo.io/ent/dialect"
	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/collection"
	entcustomer "github.com/tally-invoicing/tally/ent/customer"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
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
		ix, _, err := s.index(ctx, tx, in.PayerName != "")
		if err != nil {
			return err
		}
		out, err = s.record(ctx, tx, ix, in, amount, cur)
		return err
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

// record stores one collection and applies what ix proposes, in tx.
func (s *Service) record(ctx context.Context, tx *ent.Client, ix *match.Index, in Input, amount int64, c money.Currency) (*Outcome, error) {
	at := s.now()
	if in.ReceivedAt != nil {
		at = in.ReceivedAt.UTC()
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
	if in.CustomerID != "" {
		cust, err := tx.Customer.Get(ctx, in.CustomerID)
		if ent.IsNotFound(err) {
			return nil, &fault.Error{Code: fault.CodeNotFound, Field: "customerID", Message: "no customer with this id"}
		}
		if err != nil {
			return nil, err
		}
		create.SetCustomerID(cust.ID)
	}
	col, err := create.Save(ctx)
	if err != nil {
		return nil, err
	}
	res := ix.Match(match.Collection{Amount: amount, Currency: c.Code, Text: in.Text, CustomerID: in.CustomerID, PayerName: in.PayerName, PayerAccount: in.PayerAccount})
	out := &Outcome{Collection: col}
	left := amount
	payer := in.CustomerID
	for _, a := range res.Allocations {
		inv, pay, err := s.invoices.ApplyPayment(ctx, tx, a.InvoiceID, invoice.Received{
			Amount: min(a.Amount, left), Channel: payment.Channel(in.Channel), Provider: "matched",
			ExternalID: in.ExternalID, ReceivedAt: at, CollectionID: col.ID,
			Rule: payment.Rule(a.Rule), Confidence: a.Confidence, UpToDue: true,
		})
		if err != nil {
			return nil, err
		}
		if pay != nil {
			left -= pay.AmountMinor
			out.Allocations = append(out.Allocations, pay)
			if payer == "" {
				payer = inv.CustomerID
			}
		}
	}
	rv := reviewOf(res, left < amount)
	upd := tx.Collection.UpdateOne(col).SetUnallocatedMinor(left).SetStatus(statusOf(amount, left)).
		SetReviewReason(rv.reason).SetFlag(rv.flag).SetSuggestedInvoiceIds(rv.suggestions)
	if payer != "" {
		// Whoever's invoice it paid is the payer: what is left is their credit.
		upd.SetCustomerID(payer)
	}
	if col, err = upd.Save(ctx); err != nil {
		return nil, err
	}
	out.Collection = col
	return out, nil
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

// review is what a person reading the review queue is told about a
// collection the engine looked at.
type review struct {
	reason, flag string
	suggestions  []string // flagged candidates first, then the engine's suggestions
}

// reviewOf derives the review of a match result; allocated says whether any
// of the money found an invoice (then the engine's reason stands even when
// something was flagged).
func reviewOf(res match.Result, allocated bool) review {
	rv := review{reason: res.Reason}
	if len(res.Flags) > 0 {
		rv.flag = string(res.Flags[0].Kind)
		if !allocated {
			rv.reason = res.Flags[0].Reason
		}
		for _, f := range res.Flags {
			rv.suggestions = append(rv.suggestions, f.Candidates...)
		}
	}
	rv.suggestions = append(rv.suggestions, res.Suggestions...)
	return rv
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
func (s *Service) index(ctx context.Context, tx *ent.Client, withCustomers bool) (*match.Index, map[string]openInvoice, error) {
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
	dues := make(map[string]openInvoice, len(rows))
	for _, r := range rows {
		if due := r.Total - r.Paid; due > 0 {
			dues[r.ID] = openInvoice{due: due, customer: r.CustomerID}
			invs = append(invs, match.Invoice{ID: r.ID, CustomerID: r.CustomerID, Number: deref(r.Number), Reference: deref(r.Reference),
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

// openInvoice is what an import tracks of each open invoice.
type openInvoice struct {
	due      int64
	customer string
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
		c, _ := money.Lookup(col.Currency)
		left := col.UnallocatedMinor
		out = &Outcome{}
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
				return fault.Invalidf(field("amount"), "only %s is due on %s", money.Format(due, c), deref(inv.Number))
			}
			_, pay, err := s.invoices.ApplyPayment(ctx, tx, inv.ID, invoice.Received{
				Amount: amount, Channel: payment.Channel(col.Channel), Provider: "matched", ExternalID: deref(col.ExternalID),
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
		}
		upd := tx.Collection.UpdateOne(col).SetUnallocatedMinor(left).SetStatus(statusOf(col.AmountMinor, left)).
			SetReviewReason(leftReason(left, c)).ClearFlag()
		if col.CustomerID != nil {
			upd.SetCustomerID(*col.CustomerID)
		}
		out.Collection, err = upd.Save(ctx)
		return err
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
		return tx.Collection.UpdateOne(col).SetUnallocatedMinor(left).SetStatus(statusOf(col.AmountMinor, left)).
			SetReviewReason(fmt.Sprintf("An allocation of %s was undone; %s", money.Format(pay.AmountMinor, c), leftReason(left, c))).
			Exec(ctx)
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

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
