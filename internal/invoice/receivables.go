package invoice

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"

	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/ent/predicate"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// PaidWindow is how far back Receivables.PaidRecently looks.
const PaidWindow = 30 * 24 * time.Hour

// Aging bucket names, in the order Receivable.Aging lists them. A bucket
// holds the amount due of the invoices past their due date by that many
// days: "1-30" is past due by up to 30 whole days (an invoice one hour past
// its due date is in it), "31-60" by more than 30 and up to 60, and so on.
// CURRENT is what is not yet due or has no due date.
const (
	AgingCurrent  = "CURRENT"
	Aging1To30    = "DAYS_1_30"
	Aging31To60   = "DAYS_31_60"
	Aging61To90   = "DAYS_61_90"
	AgingOver90   = "OVER_90"
	agingDayWidth = 24 * time.Hour
)

// AgingBuckets are the bucket names, oldest last.
var AgingBuckets = []string{AgingCurrent, Aging1To30, Aging31To60, Aging61To90, AgingOver90}

// Receivable is where the money stands in one currency, in its minor
// units.
type Receivable struct {
	Currency string
	// Outstanding is the amount due of the OPEN and PARTIALLY_PAID
	// invoices (total - credited - paid, as Invoice.amountDue), and
	// OutstandingCount how many of them owe something.
	Outstanding      int64
	OutstandingCount int
	// Overdue is the part of Outstanding past its due date on the
	// merchant's clock (as Invoice.overdue), from OverdueCount invoices.
	Overdue      int64
	OverdueCount int
	// PaidRecently is the money applied to invoices in the PaidWindow up
	// to now, from PaidCount payments: undone allocations and customer
	// credit (money already counted when it first arrived) excluded.
	PaidRecently int64
	PaidCount    int
	// Aging splits Outstanding by days past due, in AgingBuckets order.
	Aging [5]AgingBucket
}

// AgingBucket is the amount due and the number of invoices in one bucket.
type AgingBucket struct {
	Bucket string
	Minor  int64
	Count  int
}

// AgingRange is the due-date range of a bucket at now: invoices whose due
// date is in [From, To) are in it. A nil bound is open; CURRENT also holds
// the invoices without a due date (NoDueDate).
type AgingRange struct {
	From, To  *time.Time
	NoDueDate bool
}

// BucketRange returns the due-date range of bucket at now, for the invoice
// list's filter, or false for an unknown bucket.
func BucketRange(bucket string, now time.Time) (AgingRange, bool) {
	b := bounds(now)
	switch bucket {
	case AgingCurrent:
		return AgingRange{From: &now, NoDueDate: true}, true
	case Aging1To30:
		return AgingRange{From: &b[0], To: &now}, true
	case Aging31To60:
		return AgingRange{From: &b[1], To: &b[0]}, true
	case Aging61To90:
		return AgingRange{From: &b[2], To: &b[1]}, true
	case AgingOver90:
		return AgingRange{To: &b[2]}, true
	}
	return AgingRange{}, false
}

// bounds are now minus 30, 60 and 90 days: the oldest due date of buckets
// 1-30, 31-60 and 61-90. They are computed here and sent as parameters so
// the statement has no date arithmetic, which SQLite and PostgreSQL spell
// differently.
func bounds(now time.Time) [3]time.Time {
	return [3]time.Time{now.Add(-30 * agingDayWidth), now.Add(-60 * agingDayWidth), now.Add(-90 * agingDayWidth)}
}

// owes keeps the invoices that still owe something: OPEN or
// PARTIALLY_PAID with total > credited + paid (amountDue is never below
// zero).
func owes() []predicate.Invoice {
	return []predicate.Invoice{
		entinvoice.StatusIn(status.Open, status.PartiallyPaid),
		func(sel *sql.Selector) {
			sel.Where(sql.ExprP(fmt.Sprintf("%s > %s + %s", sel.C(entinvoice.FieldTotalMinor),
				sel.C(entinvoice.FieldCreditedMinor), sel.C(entinvoice.FieldAmountPaidMinor))))
		},
	}
}

// agingWhere keeps the invoices in bucket at now, the ones Receivables
// counts in it; an unknown bucket matches nothing.
func agingWhere(bucket string, now time.Time) []predicate.Invoice {
	r, ok := BucketRange(bucket, now.UTC())
	if !ok {
		return []predicate.Invoice{entinvoice.IDIn()}
	}
	var in []predicate.Invoice
	if r.From != nil {
		in = append(in, entinvoice.DueDateGTE(*r.From))
	}
	if r.To != nil {
		in = append(in, entinvoice.DueDateLT(*r.To))
	}
	p := entinvoice.And(in...)
	if r.NoDueDate {
		p = entinvoice.Or(entinvoice.DueDateIsNil(), p)
	}
	return append(owes(), p)
}

// Receivables is where the viewer's merchant's money stands, per currency
// in alphabetical order, on the merchant's clock. Two grouped statements:
// one over the owed invoices, one over the recent payments; no invoice is
// loaded.
func (s *Service) Receivables(ctx context.Context) ([]Receivable, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, tenant.ErrNoViewer
	}
	return s.ReceivablesAt(ctx, s.Now(v.MerchantID))
}

// ReceivablesAt is Receivables at now (the merchant's time).
func (s *Service) ReceivablesAt(ctx context.Context, now time.Time) ([]Receivable, error) {
	now = now.UTC()
	b := bounds(now)
	// One row per currency and bucket: the bucket is a CASE over the due
	// date against bounds computed here, so the statement has no date
	// arithmetic, and each row costs one comparison chain and two sums.
	var owed []struct {
		Currency string `json:"currency"`
		Bucket   int    `json:"bucket"`
		Count    int    `json:"n"`
		Due      int64  `json:"due"`
	}
	err := s.client.Invoice.Query().
		Where(owes()...).
		Modify(func(sel *sql.Selector) {
			dd := sel.C(entinvoice.FieldDueDate)
			sel.Select(sel.C(entinvoice.FieldCurrency))
			sel.AppendSelectExprAs(withArgs("CASE WHEN "+dd+" IS NULL OR "+dd+" >= ? THEN 0 WHEN "+dd+" >= ? THEN 1 WHEN "+
				dd+" >= ? THEN 2 WHEN "+dd+" >= ? THEN 3 ELSE 4 END", []any{now, b[0], b[1], b[2]}), "bucket")
			sel.AppendSelectExprAs(sql.Expr("COUNT(*)"), "n")
			sel.AppendSelectExprAs(sql.Expr(fmt.Sprintf("SUM(%s - %s - %s)", sel.C(entinvoice.FieldTotalMinor),
				sel.C(entinvoice.FieldCreditedMinor), sel.C(entinvoice.FieldAmountPaidMinor))), "due")
			sel.GroupBy(sel.C(entinvoice.FieldCurrency), "bucket")
		}).
		Scan(ctx, &owed)
	if err != nil {
		return nil, fmt.Errorf("receivables: %w", err)
	}
	var paid []struct {
		Currency string `json:"currency"`
		Count    int    `json:"n"`
		Sum      int64  `json:"paid"`
	}
	err = s.client.Payment.Query().
		Where(
			payment.UndoneAtIsNil(),
			payment.ChannelNEQ(payment.ChannelCUSTOMER_CREDIT),
			payment.ReceivedAtGT(now.Add(-PaidWindow)),
			payment.ReceivedAtLTE(now),
		).
		GroupBy(payment.FieldCurrency).
		Aggregate(
			func(*sql.Selector) string { return sql.As("COUNT(*)", "n") },
			func(sel *sql.Selector) string { return sql.As(sql.Sum(sel.C(payment.FieldAmountMinor)), "paid") },
		).
		Scan(ctx, &paid)
	if err != nil {
		return nil, fmt.Errorf("receivables, recent payments: %w", err)
	}
	by := map[string]*Receivable{}
	get := func(cur string) *Receivable {
		r := by[cur]
		if r == nil {
			r = &Receivable{Currency: cur}
			for i, name := range AgingBuckets {
				r.Aging[i].Bucket = name
			}
			by[cur] = r
		}
		return r
	}
	for _, o := range owed {
		if o.Bucket < 0 || o.Bucket >= len(AgingBuckets) {
			return nil, fmt.Errorf("receivables: bucket %d", o.Bucket)
		}
		r := get(o.Currency)
		r.Aging[o.Bucket].Minor, r.Aging[o.Bucket].Count = o.Due, o.Count
		r.Outstanding += o.Due
		r.OutstandingCount += o.Count
		if o.Bucket > 0 {
			r.Overdue += o.Due
			r.OverdueCount += o.Count
		}
	}
	for _, p := range paid {
		r := get(p.Currency)
		r.PaidRecently, r.PaidCount = p.Sum, p.Count
	}
	out := make([]Receivable, 0, len(by))
	for _, r := range by {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Receivable) int { return strings.Compare(a.Currency, b.Currency) })
	return out, nil
}

// withArgs is expr with each ? bound to the next of args, in the
// placeholder style of the statement's dialect (? or $n).
func withArgs(expr string, args []any) sql.Querier {
	parts := strings.Split(expr, "?")
	return sql.ExprFunc(func(b *sql.Builder) {
		for i, p := range parts {
			b.WriteString(p)
			if i < len(args) {
				b.Arg(args[i])
			}
		}
	})
}
