package figures

import (
	"testing"

	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
	"github.com/tally-invoicing/tally/internal/invoice/status"
)

func TestDueAndOverpaid(t *testing.T) {
	tests := []struct {
		st                  status.Status
		total, paid         int64
		wantDue, wantCredit int64
	}{
		{status.Draft, 100, 0, 100, 0},
		{status.Draft, 100, 150, 0, 0},
		{status.Open, 100, 0, 100, 0},
		{status.PartiallyPaid, 100, 40, 60, 0},
		{status.Uncollectible, 100, 40, 60, 0},
		{status.Paid, 100, 100, 0, 0},
		{status.Paid, 100, 130, 0, 30},
		{status.Void, 100, 40, 0, 0},
		{status.Void, 100, 140, 0, 40},
	}
	for _, tt := range tests {
		if got := Due(tt.st, tt.total, tt.paid); got != tt.wantDue {
			t.Errorf("Due(%s, %d, %d) = %d, want %d", tt.st, tt.total, tt.paid, got, tt.wantDue)
		}
		if got := Overpaid(tt.st, tt.total, tt.paid); got != tt.wantCredit {
			t.Errorf("Overpaid(%s, %d, %d) = %d, want %d", tt.st, tt.total, tt.paid, got, tt.wantCredit)
		}
	}
}

func TestLineItems(t *testing.T) {
	got, err := LineItems("inv_1", "EUR", []lineitem.Item{{Name: "Design", Quantity: "2.5", UnitPrice: 12000, Amount: 30000}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Quantity.String() != "2.5" || got[0].UnitPrice.String() != "120.00" || got[0].Amount.String() != "300.00" {
		t.Fatalf("got %+v, want 2.5 x 120.00 = 300.00", got)
	}
	if _, err := LineItems("inv_1", "XXX", nil); err == nil {
		t.Fatal("unknown currency: got no error")
	}
	if _, err := LineItems("inv_1", "EUR", []lineitem.Item{{Quantity: "two"}}); err == nil {
		t.Fatal("bad quantity: got no error")
	}
}
