package money

import (
	"sort"
	"strings"
)

// Currency describes how amounts in one currency are written and rounded.
type Currency struct {
	Code string
	// Exponent is the number of digits after the decimal point (USD 2, JPY 0, KWD 3).
	Exponent int32
	// Symbol is printed before amounts where it is unambiguous ("$", "€").
	Symbol string
}

// currencies are the ISO 4217 currencies Tally invoices in, plus the
// stablecoins it collects. Exponents follow ISO 4217's minor units.
var currencies = map[string]Currency{}

func init() {
	for _, c := range []Currency{
		{"USD", 2, "$"}, {"EUR", 2, "€"}, {"GBP", 2, "£"}, {"JPY", 0, ""}, {"CNY", 2, ""},
		{"HKD", 2, "HK$"}, {"SGD", 2, "S$"}, {"AUD", 2, "A$"}, {"CAD", 2, "CA$"}, {"NZD", 2, "NZ$"},
		{"CHF", 2, ""}, {"SEK", 2, ""}, {"NOK", 2, ""}, {"DKK", 2, ""}, {"PLN", 2, ""},
		{"CZK", 2, ""}, {"HUF", 2, ""}, {"KRW", 0, ""}, {"TWD", 2, ""}, {"THB", 2, ""},
		{"MYR", 2, ""}, {"IDR", 2, ""}, {"PHP", 2, ""}, {"VND", 0, ""}, {"INR", 2, "₹"},
		{"AED", 2, ""}, {"SAR", 2, ""}, {"ILS", 2, ""}, {"TRY", 2, ""}, {"ZAR", 2, ""},
		{"BRL", 2, "R$"}, {"MXN", 2, "MX$"}, {"CLP", 0, ""}, {"COP", 2, ""}, {"ARS", 2, ""},
		{"KWD", 3, ""}, {"BHD", 3, ""}, {"OMR", 3, ""}, {"JOD", 3, ""}, {"TND", 3, ""},
		{"ISK", 0, ""}, {"UGX", 0, ""}, {"XOF", 0, ""}, {"XAF", 0, ""}, {"NGN", 2, ""},
		{"KES", 2, ""}, {"EGP", 2, ""}, {"PKR", 2, ""}, {"BDT", 2, ""}, {"UAH", 2, ""},
		{"RON", 2, ""}, {"BGN", 2, ""},
		{"USDT", 6, ""}, {"USDC", 6, ""},
	} {
		currencies[c.Code] = c
	}
}

// Lookup returns the currency with the given code, case-insensitively.
func Lookup(code string) (Currency, bool) {
	c, ok := currencies[strings.ToUpper(strings.TrimSpace(code))]
	return c, ok
}

// All lists the supported currencies, sorted by code.
func All() []Currency {
	out := make([]Currency, 0, len(currencies))
	for _, code := range Codes() {
		out = append(out, currencies[code])
	}
	return out
}

// Codes lists the supported currency codes, sorted.
func Codes() []string {
	out := make([]string, 0, len(currencies))
	for k := range currencies {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
