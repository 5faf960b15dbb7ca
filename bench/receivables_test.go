package bench

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	_ "github.com/lib/pq" // the baseline reads through database/sql

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/internal/auth"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/tenant"

	"golang.org/x/crypto/bcrypt"
)

var (
	receivableInvoices = flag.Int("receivables-invoices", 100_000, "invoices TestReceivables sums up")
	receivableRequests = flag.Int("receivables-requests", 50, "timed requests per side in TestReceivables")
)

// TestReceivables times Query.receivables' work (invoice.Service.
// Receivables: two grouped statements through ent, with tenant filtering)
// over many invoices on PostgreSQL, against a baseline in the same run:
// the same two aggregates as plain SQL through database/sql. README.md,
// section TestReceivables, says why.
func TestReceivables(t *testing.T) {
	if os.Getenv("TALLY_BENCH") != "1" {
		t.Skip("set TALLY_BENCH=1 to run the benchmarks")
	}
	n := *receivableInvoices
	ctx := context.Background()
	url := freshSchema(t)
	db, err := database.Open(ctx, url, "", database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	accounts := auth.NewService(db.Client, auth.Options{Mailer: auth.NoResetMail, OnRevoke: func(context.Context, string, string) {}})
	accounts.BcryptCost = bcrypt.MinCost
	sys := tenant.System(ctx)
	var token string
	signUp := func(name string) string {
		s, err := accounts.SignUp(ctx, auth.SignUpInput{MerchantName: name, Email: "owner@" + name + ".example", Password: "benchmark password"})
		if err != nil {
			t.Fatal(err)
		}
		if token == "" {
			token = s.Token
		}
		return s.Viewer.MerchantID
	}
	merchantID := signUp("receivables")
	otherID := signUp("neighbour")

	// n invoices of one merchant (and n/10 of a neighbour, which must not
	// count): in USD and EUR, due from 150 days ago to 30 days ahead;
	// 55% OPEN, 10% PARTIALLY_PAID, 25% PAID, 5% VOID, 5% DRAFT; one in
	// eight credited; a payment for every paid and partly paid invoice,
	// received over the last 60 days, one in twenty undone.
	start := time.Now()
	now := time.Now().UTC()
	seed := func(merchantID string, n int) {
		custs := make([]*ent.CustomerCreate, 100)
		for i := range custs {
			custs[i] = db.Client.Customer.Create().SetMerchantID(merchantID).SetName(fmt.Sprintf("Customer %d", i)).
				SetEmail(fmt.Sprintf("billing%d@customer.example", i))
		}
		cs, err := db.Client.Customer.CreateBulk(custs...).Save(sys)
		if err != nil {
			t.Fatal(err)
		}
		for lo := 0; lo < n; lo += 1000 {
			batch := make([]*ent.InvoiceCreate, 0, 1000)
			type paid struct {
				i      int
				amount int64
			}
			var pays []paid
			for i := lo; i < min(lo+1000, n); i++ {
				cur := "USD"
				if i%4 == 0 {
					cur = "EUR"
				}
				total := int64(10_000 + (i%50)*1_000)
				var paidMinor, credited int64
				st := status.Open
				switch k := i % 20; {
				case k < 11:
				case k < 13:
					st, paidMinor = status.PartiallyPaid, total/3
				case k < 18:
					st, paidMinor = status.Paid, total
				case k < 19:
					st = status.Void
				default:
					st = status.Draft
				}
				if i%8 == 0 && st != status.Draft {
					credited = total / 10
				}
				c := db.Client.Invoice.Create().SetMerchantID(merchantID).SetCustomerID(cs[i%len(cs)].ID).
					SetCurrency(cur).SetStatus(st).SetItems([]lineitem.Item{}).SetPaymentMethods([]string{"CRYPTO"}).
					SetTotalMinor(total).SetSubtotalMinor(total).SetAmountPaidMinor(paidMinor).SetCreditedMinor(credited).
					SetRemind(false) // nor reminders to queue
				if st != status.Draft {
					c.SetNumber(fmt.Sprintf("INV-%06d", i+1)).SetReference(fmt.Sprintf("RF%s%09d", merchantID[len(merchantID)-6:], i+1)).
						SetIssuedAt(now.AddDate(0, 0, -180))
					if i%10 != 0 {
						due := now.Add(time.Duration(i%180-150) * 24 * time.Hour).Add(time.Duration(i%24) * time.Hour)
						c.SetDueDate(due)
						if due.Before(now) {
							// Already marked, so the server's scheduler (the
							// GraphQL side below) has no overdue pass to
							// write while it is timed.
							c.SetOverdueAt(due)
						}
					}
				}
				if paidMinor > 0 {
					pays = append(pays, paid{i - lo, paidMinor})
				}
				batch = append(batch, c)
			}
			invs, err := db.Client.Invoice.CreateBulk(batch...).Save(sys)
			if err != nil {
				t.Fatal(err)
			}
			pb := make([]*ent.PaymentCreate, 0, len(pays))
			for k, p := range pays {
				inv := invs[p.i]
				c := db.Client.Payment.Create().SetMerchantID(merchantID).SetInvoiceID(inv.ID).SetAmountMinor(p.amount).
					SetCurrency(inv.Currency).SetChannel(payment.ChannelBANK_TRANSFER).SetProvider("manual").
					SetReceivedAt(now.Add(-time.Duration((lo+k)%(60*24)) * time.Hour)).SetRecordedBy("bench")
				if (lo+k)%20 == 0 {
					c.SetUndoneAt(now).SetUndoneBy("bench")
				}
				pb = append(pb, c)
			}
			if len(pb) > 0 {
				if err := db.Client.Payment.CreateBulk(pb...).Exec(sys); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	seed(merchantID, n)
	seed(otherID, n/10)
	t.Logf("seeded %d + %d invoices in %s", n, n/10, time.Since(start).Round(time.Millisecond))

	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = raw.Close() }()
	// A server with 100,000 invoices has statistics about them and a
	// visibility map: autovacuum analyses a table once a tenth of it
	// changed and, since PostgreSQL 13, vacuums one that only grew. The
	// map is what lets the aggregate read the covering index alone.
	if _, err := raw.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
		t.Fatal(err)
	}

	invoices := invoice.NewService(db.Client, db.Dialect, invoice.Deps{Mailer: invoice.NoMail, Methods: invoice.AnyMethod, Events: invoice.NoEvents, Clock: invoice.RealTime})
	viewer := tenant.WithViewer(ctx, &tenant.Viewer{MerchantID: merchantID, UserID: "bench", Actor: "bench"})
	service := func() []invoice.Receivable {
		rs, err := invoices.ReceivablesAt(viewer, now)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	baseline := func() []invoice.Receivable { return plainReceivables(t, raw, merchantID, now) }

	got, want := service(), baseline()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the service and the plain SQL disagree:\n service %+v\n plain   %+v", got, want)
	}
	for _, r := range got {
		t.Logf("%s: outstanding %d (%d invoices), overdue %d (%d), paid 30 days %d (%d payments), aging %v",
			r.Currency, r.Outstanding, r.OutstandingCount, r.Overdue, r.OverdueCount, r.PaidRecently, r.PaidCount, r.Aging)
	}
	timeIt := func(run func() []invoice.Receivable) (median, mean time.Duration) {
		for range 3 {
			run()
		}
		ds := make([]time.Duration, *receivableRequests)
		var sum time.Duration
		for i := range ds {
			t0 := time.Now()
			run()
			ds[i] = time.Since(t0)
			sum += ds[i]
		}
		slices.Sort(ds)
		return ds[len(ds)/2], sum / time.Duration(len(ds))
	}
	// Alternate the sides so drift on the machine hits both.
	var sMed, sMean, bMed, bMean time.Duration
	for round := range 2 {
		if round == 0 {
			sMed, sMean = timeIt(service)
			bMed, bMean = timeIt(baseline)
		} else {
			m1, a1 := timeIt(baseline)
			m2, a2 := timeIt(service)
			bMed, bMean, sMed, sMean = (bMed+m1)/2, (bMean+a1)/2, (sMed+m2)/2, (sMean+a2)/2
		}
	}
	// The same figures through the real server: POST /query with the
	// merchant's session, over loopback HTTP, JSON and all.
	base, _ := startTally(t, url, "")
	gc := &gqlClient{http: &http.Client{}, url: base + "/query", token: token}
	overHTTP := func() []invoice.Receivable {
		var out struct{ Receivables []struct{ Currency string } }
		if err := gc.do(ctx, `{ receivables { currency outstanding outstandingCount overdue overdueCount paidLast30Days paymentCount aging { bucket amount invoiceCount } } }`, nil, &out); err != nil {
			t.Fatal(err)
		}
		if len(out.Receivables) != len(want) {
			t.Fatalf("receivables over HTTP: %d currencies, want %d", len(out.Receivables), len(want))
		}
		return nil
	}
	hMed, hMean := timeIt(overHTTP)

	t.Logf("PostgreSQL, %d invoices of the merchant (+%d of another), %d requests per side x 2 rounds", n, n/10, *receivableRequests)
	t.Logf("receivables (invoice.Service, ent): median %s  mean %s", sMed.Round(10*time.Microsecond), sMean.Round(10*time.Microsecond))
	t.Logf("baseline (same two aggregates, database/sql): median %s  mean %s", bMed.Round(10*time.Microsecond), bMean.Round(10*time.Microsecond))
	t.Logf("receivables over GraphQL HTTP (server binary, 1 round): median %s  mean %s", hMed.Round(10*time.Microsecond), hMean.Round(10*time.Microsecond))
	t.Logf("ratio service / baseline (median): %.2fx; GraphQL HTTP / baseline: %.2fx; goal: service < 50ms", sMed.Seconds()/bMed.Seconds(), hMed.Seconds()/bMed.Seconds())
	if sMed > 50*time.Millisecond {
		t.Errorf("receivables over %d invoices took %s (median), want < 50ms", n, sMed)
	}
}

// plainReceivables is what invoice.Service.Receivables computes, written
// as plain SQL for PostgreSQL.
func plainReceivables(t *testing.T, db *sql.DB, merchantID string, now time.Time) []invoice.Receivable {
	t.Helper()
	ctx := context.Background()
	d30, d60, d90 := now.Add(-30*24*time.Hour), now.Add(-60*24*time.Hour), now.Add(-90*24*time.Hour)
	rows, err := db.QueryContext(ctx, `
		SELECT currency,
		  CASE WHEN due_date IS NULL OR due_date >= $2 THEN 0 WHEN due_date >= $3 THEN 1
		       WHEN due_date >= $4 THEN 2 WHEN due_date >= $5 THEN 3 ELSE 4 END AS bucket,
		  COUNT(*), SUM(total_minor - credited_minor - amount_paid_minor)
		FROM invoices
		WHERE merchant_id = $1 AND status IN ('OPEN', 'PARTIALLY_PAID')
		  AND total_minor > credited_minor + amount_paid_minor
		GROUP BY currency, bucket`, merchantID, now, d30, d60, d90)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]*invoice.Receivable{}
	get := func(cur string) *invoice.Receivable {
		if by[cur] == nil {
			r := &invoice.Receivable{Currency: cur}
			for i, b := range invoice.AgingBuckets {
				r.Aging[i].Bucket = b
			}
			by[cur] = r
		}
		return by[cur]
	}
	for rows.Next() {
		var cur string
		var bucket, n int
		var due int64
		if err := rows.Scan(&cur, &bucket, &n, &due); err != nil {
			t.Fatal(err)
		}
		r := get(cur)
		r.Aging[bucket].Minor, r.Aging[bucket].Count = due, n
		r.Outstanding += due
		r.OutstandingCount += n
		if bucket > 0 {
			r.Overdue += due
			r.OverdueCount += n
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	_ = rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT currency, COUNT(*), SUM(amount_minor) FROM payments
		WHERE merchant_id = $1 AND undone_at IS NULL AND channel <> 'CUSTOMER_CREDIT'
		  AND received_at > $2 AND received_at <= $3 GROUP BY currency`, merchantID, now.Add(-invoice.PaidWindow), now)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var cur string
		var n int
		var sum int64
		if err := rows.Scan(&cur, &n, &sum); err != nil {
			t.Fatal(err)
		}
		g := get(cur)
		g.PaidCount, g.PaidRecently = n, sum
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	out := make([]invoice.Receivable, 0, len(by))
	for _, r := range by {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b invoice.Receivable) int { return cmpString(a.Currency, b.Currency) })
	return out
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
