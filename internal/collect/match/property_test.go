package match

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/reference"
)

// randomMerchant makes a small merchant designed to collide: few distinct
// dues, two currencies, paid invoices, now and then a number or reference
// carried twice, and a random MaxCombination.
func randomMerchant(rng *rand.Rand) (*Index, []Invoice) {
	dues := []int64{0, 500, 1000, 1000, 1500, 2500, 4000, 9999}
	nCustomers := 1 + rng.IntN(6)
	var customers []Customer
	for c := range nCustomers {
		customers = append(customers, Customer{ID: fmt.Sprint("c", c), Name: []string{"Acme", "Bolt", "acme", "Cora"}[rng.IntN(4)]})
	}
	var invoices []Invoice
	for i := range 1 + rng.IntN(40) {
		seq := i + 1
		if rng.IntN(20) == 0 {
			seq = rng.IntN(seq) + 1 // a duplicate number and reference
		}
		due := dues[rng.IntN(len(dues))]
		if rng.IntN(4) == 0 {
			due = 1 + rng.Int64N(20000)
		}
		invoices = append(invoices, Invoice{
			ID: fmt.Sprint("inv", i), CustomerID: fmt.Sprint("c", rng.IntN(nCustomers)),
			Number: fmt.Sprintf("INV-%06d", seq), Reference: reference.ForInvoice(2345678, seq),
			Currency: []string{"EUR", "EUR", "EUR", "USD"}[rng.IntN(4)], Due: due,
			IssuedAt: day(1).Add(time.Duration(rng.IntN(50)) * time.Hour),
		})
	}
	opts := Options{MaxCombination: 1 + rng.IntN(8)}
	return NewIndexWithOptions(invoices, customers, opts), invoices
}

// randomCollection writes the kind of text people and banks send.
func randomCollection(rng *rand.Rand, invoices []Invoice) Collection {
	pick := func() *Invoice { return &invoices[rng.IntN(len(invoices))] }
	var parts []string
	for range rng.IntN(4) {
		inv := pick()
		switch rng.IntN(10) {
		case 0:
			parts = append(parts, reference.Format(inv.Reference))
		case 1:
			parts = append(parts, strings.ToLower(inv.Reference))
		case 2:
			b := []byte(reference.Format(inv.Reference))
			at := 5 + rng.IntN(len(b)-5)
			if b[at] != ' ' {
				b[at] = byte('0' + rng.IntN(10)) //nolint:gosec // G115: a digit
			}
			parts = append(parts, string(b))
		case 3:
			parts = append(parts, inv.Number)
		case 4:
			parts = append(parts, strings.ReplaceAll(strings.ToLower(inv.Number), "-", " "))
		case 5:
			parts = append(parts, fmt.Sprint("invoice ", rng.IntN(100)))
		case 6:
			parts = append(parts, fmt.Sprint(rng.IntN(1_000_000)))
		case 7:
			parts = append(parts, fmt.Sprintf("RF%02d %d", rng.IntN(100), rng.IntN(1_000_000_000)))
		case 8:
			parts = append(parts, inv.Number+fmt.Sprint(rng.IntN(10)))
		default:
			parts = append(parts, []string{"thanks", "order", "ref", "INV", "rf", "-", "/", "#"}[rng.IntN(8)])
		}
	}
	c := Collection{
		Currency: []string{"EUR", "EUR", "eur", "USD"}[rng.IntN(4)],
		Text:     strings.Join(parts, []string{" ", ", ", "", "/"}[rng.IntN(4)]),
	}
	switch rng.IntN(3) {
	case 0:
		c.Amount = pick().Due
	case 1:
		for range 1 + rng.IntN(4) {
			c.Amount += pick().Due
		}
	default:
		c.Amount = rng.Int64N(30000)
	}
	if rng.IntN(2) == 0 { // booked on a day among the invoices' issue days
		c.ReceivedAt = day(1).Truncate(24 * time.Hour).Add(time.Duration(rng.IntN(3)) * 24 * time.Hour)
	}
	switch rng.IntN(4) {
	case 0:
		c.CustomerID = pick().CustomerID
	case 1:
		c.PayerName = []string{"ACME", "bolt", "Cora ", "Dan"}[rng.IntN(4)]
	}
	return c
}

// TestMatchProperties checks over generated merchants and collections that
// money is conserved, no invoice is overpaid, and none issued after the
// money was booked is paid by the amount rules, whatever the text says.
func TestMatchProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(11649, 97)) //nolint:gosec // seeded so that a failure can be replayed
	cases, seen := 0, map[string]int{}
	for range 200 {
		ix, invoices := randomMerchant(rng)
		for range 50 {
			c := randomCollection(rng, invoices)
			r := ix.Match(c)
			check(t, ix, c, r)
			for _, a := range r.Allocations {
				seen[string(a.Rule)]++
			}
			for _, f := range r.Flags {
				seen[string(f.Kind)]++
				if f.Kind == "" || f.Reason == "" {
					t.Errorf("flag %+v lacks a kind or reason", f)
				}
			}
			cases++
			if t.Failed() {
				t.Fatalf("collection %+v: %+v", c, r)
			}
		}
	}
	t.Logf("%d collections; allocations and flags seen: %v", cases, seen)
}

// TestMatchConcurrently runs the same collections from many goroutines at
// once (go test -race) and expects the answers of one.
func TestMatchConcurrently(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2)) //nolint:gosec // seeded so that a failure can be replayed
	ix, invoices := randomMerchant(rng)
	var cs []Collection
	var want []Result
	for range 300 {
		c := randomCollection(rng, invoices)
		cs = append(cs, c)
		want = append(want, ix.Match(c))
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i, c := range cs {
				if got := ix.Match(c); !reflect.DeepEqual(got, want[i]) {
					t.Errorf("Match(%+v) = %+v, alone it was %+v", c, got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}
