package money

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/internal/fault"
)

func TestLineAmountRoundsHalfAwayFromZero(t *testing.T) {
	usd, _ := Lookup("USD")
	jpy, _ := Lookup("JPY")
	kwd, _ := Lookup("KWD")
	tests := []struct {
		qty   string
		unit  int64
		c     Currency
		minor int64
	}{
		{"2.5", 1, usd, 3},       // 0.025 -> 0.03
		{"1.5", 1, usd, 2},       // 0.015 -> 0.02 (banker's would give 0.02 too)
		{"2.5", 3, usd, 8},       // 0.075 -> 0.08
		{"0.5", 5, usd, 3},       // 0.025 -> 0.03 (banker's: 0.02)
		{"0.333", 100, usd, 33},  // 0.333 -> 0.33
		{"12", 2550, usd, 30600}, // 12 x 25.50 = 306.00
		{"0.5", 1235, jpy, 618},  // 617.5 -> 618
		{"1.5", 1235, kwd, 1853}, // 1.8525 -> 1.853
		{"3", 0, usd, 0},         // free items are allowed
		{"1000000", 99999, usd, 99999000000},
	}
	for _, tt := range tests {
		got, err := LineAmount(decimal.RequireFromString(tt.qty), tt.unit, tt.c)
		if err != nil || got != tt.minor {
			t.Errorf("LineAmount(%s x %d %s) = %d, %v; want %d", tt.qty, tt.unit, tt.c.Code, got, err, tt.minor)
		}
	}
}

func TestParseDecimalRejectsWhatIsNotAnExactDecimal(t *testing.T) {
	for _, s := range []string{"", "abc", "1,5", "1e3", "0x10", "1.2.3", ".5", "5.", "NaN", "Infinity", "1 000"} {
		if _, err := ParseDecimal(s); !errors.Is(err, fault.Validation) {
			t.Errorf("ParseDecimal(%q) err = %v, want VALIDATION", s, err)
		}
	}
	for s, want := range map[string]string{"400.00": "400.00", "-1.5": "-1.50", " 7 ": "7", "0.000001": "0.000001"} {
		d, err := ParseDecimal(s)
		if err != nil {
			t.Fatalf("ParseDecimal(%q): %v", s, err)
		}
		if s == "-1.5" {
			d = d.Round(2)
		}
		if got := Text(d); got != want {
			t.Errorf("Text(ParseDecimal(%q)) = %q, want %q", s, got, want)
		}
	}
}

func TestToMinorRefusesExtraDecimals(t *testing.T) {
	usd, _ := Lookup("usd")
	jpy, _ := Lookup("JPY")
	if m, err := ToMinor(decimal.RequireFromString("1234.50"), usd); err != nil || m != 123450 {
		t.Fatalf("ToMinor(1234.50 USD) = %d, %v", m, err)
	}
	if m, err := ToMinor(decimal.RequireFromString("1234.500"), usd); err != nil || m != 123450 {
		t.Fatalf("trailing zeros are not extra decimals: %d, %v", m, err)
	}
	if _, err := ToMinor(decimal.RequireFromString("1.005"), usd); !errors.Is(err, fault.Validation) {
		t.Fatalf("ToMinor(1.005 USD) err = %v, want VALIDATION", err)
	}
	if _, err := ToMinor(decimal.RequireFromString("10.5"), jpy); !errors.Is(err, fault.Validation) {
		t.Fatalf("ToMinor(10.5 JPY) err = %v, want VALIDATION", err)
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		minor int64
		code  string
		want  string
	}{
		{123450, "USD", "$1,234.50"},
		{1235, "JPY", "JPY 1,235"},
		{1234500, "KWD", "1,234.500 KWD"},
		{-5, "EUR", "-€0.05"},
		{100000000, "CHF", "1,000,000.00 CHF"},
	}
	for _, tt := range tests {
		c, _ := Lookup(tt.code)
		if got := Format(tt.minor, c); got != tt.want {
			t.Errorf("Format(%d %s) = %q, want %q", tt.minor, tt.code, got, tt.want)
		}
	}
}
