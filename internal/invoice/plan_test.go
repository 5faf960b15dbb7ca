package invoice

import (
	"errors"
	"testing"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice/status"
)

func TestPlanPayment(t *testing.T) {
	const (
		draft  = status.Draft
		open   = status.Open
		part   = status.PartiallyPaid
		paid   = status.Paid
		void   = status.Void
		uncoll = status.Uncollectible
	)
	tests := []struct {
		name     string
		l        ledger
		amount   int64
		upToDue  bool
		want     paymentPlan
		wantCode fault.Code // "" for no error
	}{
		{"part of an open invoice", ledger{open, 100, 0}, 40, false, paymentPlan{40, 40, open, part, true}, ""},
		{"the rest", ledger{part, 100, 40}, 60, false, paymentPlan{60, 100, part, paid, true}, ""},
		{"more than the rest", ledger{part, 100, 40}, 90, false, paymentPlan{90, 130, part, paid, true}, ""},
		{"another part", ledger{part, 100, 40}, 10, false, paymentPlan{10, 50, part, part, true}, ""},
		{"written off, then paid", ledger{uncoll, 100, 0}, 100, false, paymentPlan{100, 100, uncoll, paid, true}, ""},
		{"paid again is credit", ledger{paid, 100, 100}, 30, false, paymentPlan{30, 130, paid, paid, false}, ""},
		{"void keeps the money", ledger{void, 100, 0}, 30, false, paymentPlan{30, 30, void, void, false}, ""},
		{"a draft", ledger{draft, 100, 0}, 30, false, paymentPlan{}, fault.CodeConflict},
		{"a draft, up to due", ledger{draft, 100, 0}, 30, true, paymentPlan{}, fault.CodeConflict},
		{"nothing", ledger{open, 100, 0}, 0, false, paymentPlan{}, fault.CodeValidation},
		{"negative", ledger{open, 100, 0}, -5, false, paymentPlan{}, fault.CodeValidation},
		{"up to due caps", ledger{part, 100, 40}, 90, true, paymentPlan{60, 100, part, paid, true}, ""},
		{"up to due, under", ledger{open, 100, 0}, 30, true, paymentPlan{30, 30, open, part, true}, ""},
		{"up to due, uncollectible", ledger{uncoll, 100, 40}, 90, true, paymentPlan{60, 100, uncoll, paid, true}, ""},
		{"up to due, paid", ledger{paid, 100, 100}, 30, true, paymentPlan{}, ""},
		{"up to due, void", ledger{void, 100, 0}, 30, true, paymentPlan{}, ""},
		{"up to due, overpaid open", ledger{part, 100, 120}, 30, true, paymentPlan{}, ""},
		{"up to due, nothing", ledger{open, 100, 0}, 0, true, paymentPlan{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := planPayment(tt.l, tt.amount, tt.upToDue)
			if tt.wantCode != "" {
				var fe *fault.Error
				if !errors.As(err, &fe) || fe.Code != tt.wantCode {
					t.Fatalf("planPayment(%+v, %d, %t) error = %v, want code %s", tt.l, tt.amount, tt.upToDue, err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("planPayment(%+v, %d, %t): %v", tt.l, tt.amount, tt.upToDue, err)
			}
			if got != tt.want {
				t.Errorf("planPayment(%+v, %d, %t) = %+v, want %+v", tt.l, tt.amount, tt.upToDue, got, tt.want)
			}
		})
	}
}

func TestPlanUndo(t *testing.T) {
	tests := []struct {
		name   string
		l      ledger
		amount int64
		want   undoPlan
	}{
		{"all of it", ledger{status.Paid, 100, 100}, 100, undoPlan{0, status.Paid, status.Open, true}},
		{"part of it", ledger{status.Paid, 100, 100}, 40, undoPlan{60, status.Paid, status.PartiallyPaid, true}},
		{"credit only", ledger{status.Paid, 100, 130}, 30, undoPlan{100, status.Paid, status.Paid, false}},
		{"the only part", ledger{status.PartiallyPaid, 100, 40}, 40, undoPlan{0, status.PartiallyPaid, status.Open, true}},
		{"one of two parts", ledger{status.PartiallyPaid, 100, 70}, 30, undoPlan{40, status.PartiallyPaid, status.PartiallyPaid, false}},
		{"void stays void", ledger{status.Void, 100, 40}, 40, undoPlan{0, status.Void, status.Void, false}},
		{"written off stays", ledger{status.Uncollectible, 100, 40}, 40, undoPlan{0, status.Uncollectible, status.Uncollectible, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := planUndo(tt.l, tt.amount); got != tt.want {
				t.Errorf("planUndo(%+v, %d) = %+v, want %+v", tt.l, tt.amount, got, tt.want)
			}
		})
	}
}

func TestCreditNote(t *testing.T) {
	for _, st := range status.All {
		got := creditNote(st)
		if (got != "") != (st == status.Paid || st == status.Void) {
			t.Errorf("creditNote(%s) = %q: only PAID and VOID keep money as credit", st, got)
		}
	}
}

func TestLedgerCountsCreditNotes(t *testing.T) {
	// 100.00 invoiced, 30.00 credited, 50.00 paid: a payment of 20.00 pays it.
	inv := &ent.Invoice{Status: status.PartiallyPaid, TotalMinor: 10000, CreditedMinor: 3000, AmountPaidMinor: 5000}
	got, err := planPayment(ledgerOf(inv), 2000, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := (paymentPlan{2000, 7000, status.PartiallyPaid, status.Paid, true}); got != want {
		t.Errorf("planPayment after a credit note = %+v, want %+v", got, want)
	}
	// Up to due caps at what is left after the credit note.
	if got, _ := planPayment(ledgerOf(inv), 9000, true); got.Amount != 2000 {
		t.Errorf("up to due after a credit note applies %d, want 2000", got.Amount)
	}
}
