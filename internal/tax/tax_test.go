package tax

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
)

var (
	vat19   = lineitem.Tax{ID: "txr_vat19", Name: "VAT", Percentage: "19", Category: "STANDARD"}
	vat7    = lineitem.Tax{ID: "txr_vat7", Name: "VAT reduced", Percentage: "7", Category: "STANDARD"}
	vat20in = lineitem.Tax{ID: "txr_vat20", Name: "VAT", Percentage: "20", Inclusive: true, Category: "STANDARD"}
	gst10   = lineitem.Tax{ID: "txr_gst10", Name: "GST", Percentage: "10", Category: "STANDARD"}
	state   = lineitem.Tax{ID: "txr_tx", Name: "Texas state", Percentage: "6.25", Category: "STANDARD", Country: "US"}
	county  = lineitem.Tax{ID: "txr_cty", Name: "County", Percentage: "2.5", Category: "STANDARD", Country: "US"}
	nyc     = lineitem.Tax{ID: "txr_nyc", Name: "NYC sales tax", Percentage: "8.875", Category: "STANDARD", Country: "US"}
	jct10   = lineitem.Tax{ID: "txr_jct", Name: "Consumption tax", Percentage: "10", Category: "STANDARD", Country: "JP"}
	jct10in = lineitem.Tax{ID: "txr_jcti", Name: "Consumption tax (incl.)", Percentage: "10", Inclusive: true, Category: "STANDARD", Country: "JP"}
	kwVAT5  = lineitem.Tax{ID: "txr_kw", Name: "VAT", Percentage: "5", Category: "STANDARD", Country: "KW"}
	exempt  = lineitem.Tax{ID: "txr_ex", Name: "Exempt", Percentage: "0", Category: "EXEMPT", ExemptionReason: "Article 132 VAT Directive"}
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }
func ptr(s string) *decimal.Decimal {
	d := dec(s)
	return &d
}

func line(qty string, unit int64, discount string, taxes ...lineitem.Tax) Line {
	l := Line{Quantity: dec(qty), UnitPrice: unit, Taxes: taxes}
	if discount != "" {
		l.DiscountPercent = dec(discount)
	}
	return l
}

// bd is one breakdown entry: rate id, taxable, tax.
type bd struct {
	id             string
	taxable, value int64
}

// Worked by hand; the comment of each case shows the arithmetic.
func TestComputeWorkedExamples(t *testing.T) {
	tests := []struct {
		name      string
		in        Input
		amounts   []int64 // line amounts
		subtotal  int64
		discount  int64
		breakdown []bd
		totalTax  int64
		total     int64
	}{
		{
			// 1200.00 + 12 x 25.50 = 1506.00; 19 % of 1506.00 = 286.14.
			name:      "VAT 19% exclusive, EUR",
			in:        Input{Exponent: 2, Lines: []Line{line("1", 120000, "", vat19), line("12", 2550, "", vat19)}},
			amounts:   []int64{120000, 30600},
			subtotal:  150600,
			breakdown: []bd{{"txr_vat19", 150600, 28614}},
			totalTax:  28614, total: 179214,
		},
		{
			// Per line 0.005 would round to 0.01 three times (0.03); once on
			// the sum: 10 % of 0.15 = 0.015 -> 0.02.
			name:      "tax once per rate, not per line",
			in:        Input{Exponent: 2, Lines: []Line{line("1", 5, "", gst10), line("1", 5, "", gst10), line("1", 5, "", gst10)}},
			amounts:   []int64{5, 5, 5},
			subtotal:  15,
			breakdown: []bd{{"txr_gst10", 15, 2}},
			totalTax:  2, total: 17,
		},
		{
			// 120.00 includes 20 %: 120 x 20/120 = 20.00, base 100.00;
			// 10.00 includes 10 x 20/120 = 1.666.. -> 1.67, base 8.33.
			// Together: 130.00 x 20/120 = 21.666.. -> 21.67, base 108.33.
			name:      "VAT 20% inclusive, GBP",
			in:        Input{Exponent: 2, Lines: []Line{line("1", 12000, "", vat20in), line("1", 1000, "", vat20in)}},
			amounts:   []int64{12000, 1000},
			subtotal:  13000,
			breakdown: []bd{{"txr_vat20", 10833, 2167}},
			totalTax:  2167, total: 13000,
		},
		{
			// 199.99 x 6.25 % = 12.499375 -> 12.50; x 2.5 % = 4.99975 -> 5.00.
			name:      "US state + county stacked",
			in:        Input{Exponent: 2, Lines: []Line{line("1", 19999, "", state, county)}},
			amounts:   []int64{19999},
			subtotal:  19999,
			breakdown: []bd{{"txr_tx", 19999, 1250}, {"txr_cty", 19999, 500}},
			totalTax:  1750, total: 21749,
		},
		{
			// 100.00 x 8.875 % = 8.875 -> 8.88 (half away from zero).
			name:      "NYC 8.875%",
			in:        Input{Exponent: 2, Lines: []Line{line("1", 10000, "", nyc)}},
			amounts:   []int64{10000},
			subtotal:  10000,
			breakdown: []bd{{"txr_nyc", 10000, 888}},
			totalTax:  888, total: 10888,
		},
		{
			// 3 x 33.33 = 99.99; 15 % of it = 14.9985 -> 15.00; 84.99;
			// 19 % of 84.99 = 16.1481 -> 16.15.
			name:      "line discount",
			in:        Input{Exponent: 2, Lines: []Line{line("3", 3333, "15", vat19)}},
			amounts:   []int64{8499},
			subtotal:  8499,
			breakdown: []bd{{"txr_vat19", 8499, 1615}},
			totalTax:  1615, total: 10114,
		},
		{
			// Discount 10.00 over groups of 100.00 and 50.00: exact shares
			// 6.666.. and 3.333..; 6 and 3 (in cents 666 and 333) leave 1
			// cent, to the larger remainder: 6.67 and 3.33. Bases 93.33 and
			// 46.67; 19 % -> 17.7327 -> 17.73, 7 % -> 3.2669 -> 3.27.
			// 150.00 - 10.00 + 21.00 = 161.00.
			name: "document discount over two rates",
			in: Input{Exponent: 2, Lines: []Line{line("1", 10000, "", vat19), line("1", 5000, "", vat7)},
				Discount: &Discount{Amount: ptr("10.00"), Reason: "Loyalty"}},
			amounts:   []int64{10000, 5000},
			subtotal:  15000,
			discount:  1000,
			breakdown: []bd{{"txr_vat19", 9333, 1773}, {"txr_vat7", 4667, 327}},
			totalTax:  2100, total: 16100,
		},
		{
			// 10 % of 150.00 = 15.00; shares 10.00 and 5.00; the untaxed
			// 50.00 line takes a third: 90.00 x 19 % = 17.10.
			name: "percent discount with an untaxed line",
			in: Input{Exponent: 2, Lines: []Line{line("1", 10000, "", vat19), line("1", 5000, "")},
				Discount: &Discount{Percent: ptr("10")}},
			amounts:   []int64{10000, 5000},
			subtotal:  15000,
			discount:  1500,
			breakdown: []bd{{"txr_vat19", 9000, 1710}},
			totalTax:  1710, total: 15210,
		},
		{
			// 3 x 1980 = 5940; 5 % = 297 -> 5643; 10 % = 564.3 -> 564.
			// 0.5 x 1235 = 617.5 -> 618 (half away from zero), 1100 incl.
			// 10 %: 1100 x 10/110 = 100.
			name: "JPY, exponent 0",
			in: Input{Exponent: 0, Lines: []Line{line("3", 1980, "5", jct10), line("0.5", 1235, "", jct10),
				line("1", 1100, "", jct10in)}},
			amounts:   []int64{5643, 618, 1100},
			subtotal:  7361,
			breakdown: []bd{{"txr_jct", 6261, 626}, {"txr_jcti", 1000, 100}},
			totalTax:  726, total: 7987,
		},
		{
			// 2.5 x 1.235 = 3.0875 -> 3.088; 5 % = 0.1544 -> 0.154;
			// discount 0.5 % of 3.088 = 0.01544 -> 0.015.
			// 3.073 x 5 % = 0.15365 -> 0.154.
			name: "KWD, exponent 3",
			in: Input{Exponent: 3, Lines: []Line{line("2.5", 1235, "", kwVAT5)},
				Discount: &Discount{Percent: ptr("0.5")}},
			amounts:   []int64{3088},
			subtotal:  3088,
			discount:  15,
			breakdown: []bd{{"txr_kw", 3073, 154}},
			totalTax:  154, total: 3227,
		},
		{
			// A 0 % rate appears in the breakdown with its base.
			name:      "exempt rate",
			in:        Input{Exponent: 2, Lines: []Line{line("2", 5000, "", exempt)}},
			amounts:   []int64{10000},
			subtotal:  10000,
			breakdown: []bd{{"txr_ex", 10000, 0}},
			total:     10000,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Compute(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var amounts []int64
			for _, l := range r.Lines {
				amounts = append(amounts, l.Amount)
			}
			var got []bd
			for _, b := range r.Breakdown {
				got = append(got, bd{b.Tax.ID, b.Taxable, b.Amount})
			}
			if !reflect.DeepEqual(amounts, tt.amounts) || r.Subtotal != tt.subtotal || r.DiscountAmount != tt.discount ||
				!reflect.DeepEqual(got, tt.breakdown) || r.TotalTax != tt.totalTax || r.Total != tt.total {
				t.Fatalf("got lines %v subtotal %d discount %d breakdown %v tax %d total %d\nwant lines %v subtotal %d discount %d breakdown %v tax %d total %d",
					amounts, r.Subtotal, r.DiscountAmount, got, r.TotalTax, r.Total,
					tt.amounts, tt.subtotal, tt.discount, tt.breakdown, tt.totalTax, tt.total)
			}
		})
	}
}

func TestComputeLineDiscountAmount(t *testing.T) {
	r, err := Compute(Input{Exponent: 2, Lines: []Line{line("3", 3333, "15")}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Lines[0] != (LineResult{Gross: 9999, Discount: 1500, Amount: 8499}) {
		t.Fatalf("line = %+v, want gross 99.99, discount 15.00, amount 84.99", r.Lines[0])
	}
	if len(r.Breakdown) != 0 || r.Total != 8499 {
		t.Fatalf("an untaxed line: breakdown %v, total %d", r.Breakdown, r.Total)
	}
}

func TestComputeStoresTheDiscountAsGiven(t *testing.T) {
	r, err := Compute(Input{Exponent: 2, Lines: []Line{line("1", 10000, "")}, Discount: &Discount{Percent: ptr("12.5"), Reason: "  Early payment "}})
	if err != nil {
		t.Fatal(err)
	}
	if *r.Discount != (lineitem.Discount{Percent: "12.5", Amount: 1250, Reason: "Early payment"}) {
		t.Fatalf("discount = %+v", *r.Discount)
	}
	r, _ = Compute(Input{Exponent: 2, Lines: []Line{line("1", 10000, "")}})
	if r.Discount != nil || r.DiscountAmount != 0 {
		t.Fatalf("no discount given: %+v", r.Discount)
	}
}

func TestComputeRefusesBadInput(t *testing.T) {
	ok := line("1", 1000, "")
	tests := []struct {
		name, field, message string
		in                   Input
	}{
		{"line discount over 100", "items[3].discountPercent", "0 to 100",
			Input{Exponent: 2, Lines: []Line{ok, ok, ok, line("1", 1000, "100.5")}}},
		{"negative line discount", "items[0].discountPercent", "0 to 100",
			Input{Exponent: 2, Lines: []Line{line("1", 1000, "-1")}}},
		{"line discount with 5 decimals", "items[0].discountPercent", "4 decimal",
			Input{Exponent: 2, Lines: []Line{line("1", 1000, "1.00001")}}},
		{"two inclusive rates", "items[1].taxRateIDs", "one inclusive",
			Input{Exponent: 2, Lines: []Line{ok, line("1", 1000, "", vat20in, jct10in)}}},
		{"inclusive with exclusive", "items[0].taxRateIDs", "inclusive",
			Input{Exponent: 2, Lines: []Line{line("1", 1000, "", vat20in, state)}}},
		{"one rate twice", "items[0].taxRateIDs", "twice",
			Input{Exponent: 2, Lines: []Line{line("1", 1000, "", state, state)}}},
		{"stored percentage out of range", "items[0].taxRateIDs", "invalid percentage",
			Input{Exponent: 2, Lines: []Line{line("1", 1000, "", lineitem.Tax{ID: "x", Name: "Bad", Percentage: "101"})}}},
		{"discount greater than subtotal", "discount.amount", "greater than the subtotal 10.00",
			Input{Exponent: 2, Lines: []Line{ok}, Discount: &Discount{Amount: ptr("10.01")}}},
		{"discount with too many decimals", "discount.amount", "at most 0 decimal",
			Input{Exponent: 0, Lines: []Line{ok}, Discount: &Discount{Amount: ptr("1.5")}}},
		{"zero discount", "discount.amount", "greater than 0",
			Input{Exponent: 2, Lines: []Line{ok}, Discount: &Discount{Amount: ptr("0")}}},
		{"discount percent over 100", "discount.percent", "0 to 100",
			Input{Exponent: 2, Lines: []Line{ok}, Discount: &Discount{Percent: ptr("101")}}},
		{"both percent and amount", "discount", "not both",
			Input{Exponent: 2, Lines: []Line{ok}, Discount: &Discount{Percent: ptr("1"), Amount: ptr("1")}}},
		{"neither percent nor amount", "discount", "percent or amount",
			Input{Exponent: 2, Lines: []Line{ok}, Discount: &Discount{Reason: "Why"}}},
		{"long reason", "discount.reason", "200",
			Input{Exponent: 2, Lines: []Line{ok}, Discount: &Discount{Percent: ptr("1"), Reason: strings.Repeat("x", 201)}}},
		{"huge line", "items[0].quantity", "too large",
			Input{Exponent: 2, Lines: []Line{line("1000000000", 1<<50, "")}}},
		{"huge total", "items", "too large",
			Input{Exponent: 2, Lines: []Line{line("1", 1<<53, "", vat19)}}},
	}
	for _, tt := range tests {
		_, err := Compute(tt.in)
		f, ok := fault.As(err)
		if !ok || !errors.Is(err, fault.Validation) || f.Field != tt.field || !strings.Contains(f.Message, tt.message) {
			t.Errorf("%s: err = %v, want VALIDATION on %s mentioning %q", tt.name, err, tt.field, tt.message)
		}
	}
}

func TestCheckPercent(t *testing.T) {
	for _, s := range []string{"0", "100", "8.875", "19.0000", "0.0001"} {
		if err := CheckPercent("percentage", dec(s)); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []string{"-0.0001", "100.0001", "1.23456"} {
		if f, ok := fault.As(CheckPercent("percentage", dec(s))); !ok || f.Field != "percentage" {
			t.Errorf("%s: want VALIDATION on percentage, got %v", s, f)
		}
	}
}

func TestMulDivRoundsHalfAwayFromZero(t *testing.T) {
	tests := []struct{ a, b, c, want int64 }{
		{1, 1, 2, 1}, {3, 1, 2, 2}, {1, 1, 3, 0}, {2, 1, 3, 1}, {5, 1, 10, 1}, {4, 1, 10, 0},
		{1 << 53, 1_000_000, 1_000_000, 1 << 53}, // no overflow in the product
	}
	for _, tt := range tests {
		if got := mulDiv(tt.a, tt.b, tt.c); got != tt.want {
			t.Errorf("mulDiv(%d, %d, %d) = %d, want %d", tt.a, tt.b, tt.c, got, tt.want)
		}
	}
}
