package main

import (
	"slices"
	"testing"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// TestCurrencyFormats: the dashboard formats and validates amounts with the
// exponents the server rounds to, read from the API without signing in.
func TestCurrencyFormats(t *testing.T) {
	ta := startApp(t, dbtest.Backend{Name: "sqlite", URL: dbtest.SQLite(t)})
	var out struct {
		Currencies      []string
		CurrencyFormats []struct {
			Code     string
			Exponent int
		}
	}
	ta.anonymous(t).do(`{ currencies currencyFormats { code exponent } }`, nil, &out)
	exponents := map[string]int{}
	var codes []string
	for _, c := range out.CurrencyFormats {
		exponents[c.Code] = c.Exponent
		codes = append(codes, c.Code)
	}
	if !slices.Equal(codes, out.Currencies) {
		t.Errorf("currencyFormats codes %v, want the currencies %v", codes, out.Currencies)
	}
	for code, want := range map[string]int{"USD": 2, "JPY": 0, "KWD": 3, "USDT": 6} {
		if got, ok := exponents[code]; !ok || got != want {
			t.Errorf("%s exponent = %d (listed %v), want %d", code, got, ok, want)
		}
	}
}
