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

func TestTaxesAndDiscountInTheCurrency(t *testing.T) {
	vat := lineitem.Tax{ID: "txr_1", Name: "VAT", Percentage: "8.875", Category: "EXEMPT", ExemptionReason: "Art. 132"}
	items, err := LineItems("inv_1", "KWD", []lineitem.Item{{Name: "Fuel", Quantity: "2", UnitPrice: 1235,
		DiscountPercent: "12.5", DiscountAmount: 309, Amount: 2161, Taxes: []lineitem.Tax{vat}}})
	if err != nil {
		t.Fatal(err)
	}
	it := items[0]
	if it.DiscountPercent == nil || it.DiscountPercent.String() != "12.5" || it.DiscountAmount.String() != "0.309" || it.Amount.String() != "2.161" ||
		len(it.TaxRates) != 1 || it.TaxRates[0].Percentage.String() != "8.875" || string(it.TaxRates[0].Category) != "EXEMPT" ||
		it.TaxRates[0].Country != nil || *it.TaxRates[0].ExemptionReason != "Art. 132" {
		t.Fatalf("line = %+v", it)
	}
	none, _ := LineItems("inv_1", "USD", []lineitem.Item{{Name: "A", Quantity: "1", UnitPrice: 100, Amount: 100}})
	if none[0].DiscountPercent != nil || none[0].DiscountAmount.String() != "0.00" || none[0].TaxRates == nil {
		t.Fatalf("a line without discount or taxes = %+v; want no percent, 0.00 and an empty list", none[0])
	}

	bd, err := Breakdown("inv_1", "JPY", []lineitem.TaxAmount{{Tax: vat, Taxable: 1000, Amount: 100}})
	if err != nil || len(bd) != 1 || bd[0].TaxableAmount.String() != "1000" || bd[0].Amount.String() != "100" || bd[0].TaxRate.ID != "txr_1" {
		t.Fatalf("breakdown = %+v, %v", bd, err)
	}
	if bd, _ := Breakdown("inv_1", "JPY", nil); bd == nil || len(bd) != 0 {
		t.Fatalf("no taxes: %v, want an empty list", bd)
	}

	d, err := DocumentDiscount("inv_1", "EUR", &lineitem.Discount{Percent: "10", Amount: 1500})
	if err != nil || d.Percent.String() != "10" || d.Amount.String() != "15.00" || d.Reason != nil {
		t.Fatalf("discount = %+v, %v", d, err)
	}
	if d, err := DocumentDiscount("inv_1", "EUR", nil); d != nil || err != nil {
		t.Fatalf("no discount = %+v, %v", d, err)
	}
	if _, err := LineItems("inv_1", "EUR", []lineitem.Item{{Quantity: "1", Taxes: []lineitem.Tax{{Percentage: "lots"}}}}); err == nil {
		t.Fatal("bad stored percentage: got no error")
	}
}
