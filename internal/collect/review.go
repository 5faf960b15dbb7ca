package collect

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/collection"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/ptr"
	"github.com/tally-invoicing/tally/internal/validate"
)

// MaxBulk is how many collections one bulk action of the review queue
// (accept, set aside) takes.
const MaxBulk = 500

const maxNote = 2000

// ErrSetAside refuses to allocate money a person set aside.
var ErrSetAside = fault.New(fault.CodeConflict, "this collection is set aside; restore it first")

// Accept applies the proposed allocations of each collection, as if they
// had been sure enough, and learns each payer's account from them. All or
// nothing: a collection with no proposal any more, or an invoice that no
// longer owes what was proposed, refuses the whole call (CONFLICT naming
// ids[i]).
func (s *Service) Accept(ctx context.Context, ids []string) ([]*Outcome, error) {
	if err := checkBulk(ids); err != nil {
		return nil, err
	}
	var outs []*Outcome
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		outs = make([]*Outcome, 0, len(ids))
		var lessons []lesson
		for i, id := range ids {
			field := fmt.Sprintf("ids[%d]", i)
			col, err := s.lockCollection(ctx, tx, id)
			if err != nil {
				return fault.WithField(err, field)
			}
			if len(col.ProposedAllocations) == 0 || col.Status == collection.StatusSET_ASIDE {
				return &fault.Error{Code: fault.CodeConflict, Field: field, Message: "this collection has no proposed allocation any more"}
			}
			c, _ := money.Lookup(col.Currency)
			out := &Outcome{}
			left := col.UnallocatedMinor
			for _, a := range col.ProposedAllocations {
				inv, err := tx.Invoice.Get(ctx, a.InvoiceID)
				if err != nil && !ent.IsNotFound(err) {
					return err
				}
				if inv == nil || invoice.AmountDue(inv) < a.Amount || a.Amount > left || inv.Currency != col.Currency {
					name := a.InvoiceID
					if inv != nil {
						name = ptr.Val(inv.Number)
					}
					return &fault.Error{Code: fault.CodeConflict, Field: field,
						Message: fmt.Sprintf("%s no longer owes %s; allocate this collection by hand", name, money.Format(a.Amount, c))}
				}
				_, pay, err := s.invoices.ApplyPayment(ctx, tx, inv.ID, invoice.Received{
					Amount: a.Amount, Channel: payment.Channel(col.Channel), Provider: "matched", ExternalID: ptr.Val(col.ExternalID),
					ReceivedAt: col.ReceivedAt, CollectionID: col.ID, Rule: payment.Rule(a.Rule), Confidence: a.Confidence,
				})
				if err != nil {
					return fault.WithField(err, field)
				}
				left -= pay.AmountMinor
				out.Allocations = append(out.Allocations, pay)
				if col.CustomerID == nil {
					col.CustomerID = &inv.CustomerID
				}
				if key := accountKey(col.PayerAccount); key != "" {
					lessons = append(lessons, lesson{account: key, customer: inv.CustomerID, collection: col.ID})
				}
			}
			upd := tx.Collection.UpdateOne(col).SetUnallocatedMinor(left).SetStatus(statusOf(col.AmountMinor, left)).
				SetReviewReason(acceptedReason(out.Allocations, left, c)).ClearFlag().ClearProposedAllocations().ClearSuggestedInvoiceIds()
			if col.CustomerID != nil {
				upd.SetCustomerID(*col.CustomerID)
			}
			if out.Collection, err = upd.Save(ctx); err != nil {
				return err
			}
			outs = append(outs, out)
		}
		// A person accepted them: as sure as an allocation by hand. One
		// lesson per account, the last accepted winning.
		byAccount := map[string]lesson{}
		for _, l := range lessons {
			byAccount[l.account] = l
		}
		return s.learn(ctx, tx, lessonsOf(byAccount), true)
	})
	if err != nil {
		return nil, err
	}
	for _, o := range outs {
		o.detach()
	}
	return outs, nil
}

func acceptedReason(pays []*ent.Payment, left int64, c money.Currency) string {
	return fmt.Sprintf("The proposed allocation was accepted (%d %s).", len(pays), plural(len(pays), "invoice", "invoices")) + tail(leftReason(left, c))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// SetAside is money a person decided pays no invoice.
type SetAside struct {
	IDs    []string
	Reason collection.SetAsideReason
	Note   string
	// CustomerID is whose credit a CUSTOMER_CREDIT collection that names
	// no customer becomes; a collection's own customer comes first.
	CustomerID string
}

// SetAside takes what is left of collections out of the review queue. All
// or nothing, in one transaction; their proposals are dropped, and
// allocations already made stay. CUSTOMER_CREDIT needs a customer: the
// amount then counts in the customer's credit.
func (s *Service) SetAside(ctx context.Context, in SetAside) ([]*ent.Collection, error) {
	if err := checkBulk(in.IDs); err != nil {
		return nil, err
	}
	if err := collection.SetAsideReasonValidator(in.Reason); err != nil {
		return nil, fault.Invalidf("reason", "%q is not a reason; use NOT_INVOICE_PAYMENT, REFUNDED or CUSTOMER_CREDIT", in.Reason)
	}
	in.Note = strings.TrimSpace(validate.Clean(in.Note))
	if utf8.RuneCountInString(in.Note) > maxNote {
		return nil, fault.Invalidf("note", "the note must be at most %d characters", maxNote)
	}
	var out []*ent.Collection
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		if in.CustomerID != "" {
			if _, err := tx.Customer.Get(ctx, in.CustomerID); ent.IsNotFound(err) {
				return &fault.Error{Code: fault.CodeNotFound, Field: "customerID", Message: "no customer with this id"}
			} else if err != nil {
				return err
			}
		}
		now := s.now()
		out = make([]*ent.Collection, 0, len(in.IDs))
		for i, id := range in.IDs {
			field := fmt.Sprintf("ids[%d]", i)
			col, err := s.lockCollection(ctx, tx, id)
			if err != nil {
				return fault.WithField(err, field)
			}
			if col.UnallocatedMinor == 0 {
				return fault.Invalid(field, "nothing of this collection is left unallocated: all of it pays invoices")
			}
			c, _ := money.Lookup(col.Currency)
			upd := tx.Collection.UpdateOne(col).SetStatus(collection.StatusSET_ASIDE).SetSetAsideReason(in.Reason).
				SetSetAsideNote(in.Note).SetSetAsideAt(now).ClearProposedAllocations().ClearFlag().ClearSuggestedInvoiceIds()
			var reason string
			switch in.Reason {
			case collection.SetAsideReasonCUSTOMER_CREDIT:
				cust := in.CustomerID
				if col.CustomerID != nil {
					cust = *col.CustomerID
				}
				if cust == "" {
					return fault.Invalid("customerID", "CUSTOMER_CREDIT needs a customer: this collection names none, so give customerID")
				}
				upd.SetCustomerID(cust)
				reason = money.Format(col.UnallocatedMinor, c) + " was set aside as the customer's credit."
			case collection.SetAsideReasonREFUNDED:
				reason = money.Format(col.UnallocatedMinor, c) + " was set aside as refunded to the payer."
			default:
				reason = money.Format(col.UnallocatedMinor, c) + " was set aside: it pays no invoice."
			}
			saved, err := upd.SetReviewReason(reason).Save(ctx)
			if err != nil {
				return err
			}
			out = append(out, saved)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, c := range out {
		out[i] = c.Unwrap()
	}
	return out, nil
}

// Restore puts a collection that was set aside back in the review queue:
// UNMATCHED or PARTIAL by its allocations, with the set-aside fields
// cleared. CONFLICT when it is not set aside.
func (s *Service) Restore(ctx context.Context, id string) (*ent.Collection, error) {
	var out *ent.Collection
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		col, err := s.lockCollection(ctx, tx, id)
		if err != nil {
			return err
		}
		if col.Status != collection.StatusSET_ASIDE {
			return fault.New(fault.CodeConflict, "this collection is not set aside")
		}
		c, _ := money.Lookup(col.Currency)
		out, err = tx.Collection.UpdateOne(col).SetStatus(statusOf(col.AmountMinor, col.UnallocatedMinor)).
			ClearSetAsideReason().ClearSetAsideNote().ClearSetAsideAt().
			SetReviewReason("It was set aside and is back in the review queue. " + leftReason(col.UnallocatedMinor, c)).
			Save(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}

func checkBulk(ids []string) error {
	switch {
	case len(ids) == 0:
		return fault.Invalid("ids", "give at least one collection")
	case len(ids) > MaxBulk:
		return fault.Invalidf("ids", "at most %d collections at once; %d were given", MaxBulk, len(ids))
	}
	return nil
}
