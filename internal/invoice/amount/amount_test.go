package amount

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/internal/money"
)

// Amount must write exactly what the API wrote before it existed:
// money.Text of the equivalent decimal.Decimal.
func TestNewWritesWhatMoneyTextWrites(t *testing.T) {
	minors := []int64{0, 1, -1, 5, -5, 9, 10, 99, 100, 101, 150050, -150050, 1234567, 1_000_000,
		math.MaxInt64, math.MinInt64 + 1, math.MinInt64}
	for _, minor := range minors {
		for _, scale := range []int32{0, 1, 2, 3, 6} {
			got := New(minor, scale).String()
			want := money.Text(decimal.New(minor, -scale))
			if got != want {
				t.Errorf("New(%d, %d) = %q, money.Text = %q", minor, scale, got, want)
			}
		}
	}
}

func TestParseWritesWhatMoneyTextWrites(t *testing.T) {
	for _, s := range []string{"2", "2.5", "2.50", "0.125", "-0.125", "+1.5", "007.50", "0", "-0",
		"-0.00", "1000000000", "0.000001", "999999999.999999", "123456789012345678"} {
		a, ok := Parse(s)
		if !ok {
			t.Errorf("Parse(%q) refused", s)
			continue
		}
		d, err := decimal.NewFromString(s)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := a.String(), money.Text(d); got != want {
			t.Errorf("Parse(%q) writes %q, money.Text writes %q", s, got, want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, s := range []string{"", "-", "+", ".5", "1.", "1e2", " 1", "1 ", "1,5", "0x1F", "1.2.3",
		"12345678901234567890", "9223372036854775808", "1.0000000000000000000"} {
		if a, ok := Parse(s); ok {
			t.Errorf("Parse(%q) = %v, want refused", s, a)
		}
	}
}

func FuzzAmount(f *testing.F) {
	f.Add(int64(15050), int32(2), "2.5")
	f.Add(int64(-7), int32(3), "-0.007")
	f.Fuzz(func(t *testing.T, minor int64, scale int32, text string) {
		scale = min(max(scale, 0), maxScale)
		if got, want := New(minor, scale).String(), money.Text(decimal.New(minor, -scale)); got != want {
			t.Fatalf("New(%d, %d) = %q, money.Text = %q", minor, scale, got, want)
		}
		a, ok := Parse(text)
		if !ok {
			return
		}
		d, err := decimal.NewFromString(text)
		if err != nil {
			t.Fatalf("Parse(%q) accepted what decimal refuses: %v", text, err)
		}
		if got, want := a.String(), money.Text(d); got != want {
			t.Fatalf("Parse(%q) writes %q, money.Text writes %q", text, got, want)
		}
	})
}

func TestAppendTextDoesNotAllocate(t *testing.T) {
	buf := make([]byte, 0, 64)
	a := New(-150050, 6)
	if n := testing.AllocsPerRun(100, func() { buf = a.AppendText(buf[:0]) }); n != 0 {
		t.Errorf("AppendText allocates %v times", n)
	}
}
