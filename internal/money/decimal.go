package money

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/internal/fault"
)

// decimalText is what the API accepts: optional sign, digits, optional
// fraction. No exponents, no thousands separators, no spaces inside.
var decimalText = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// maxDigits bounds input so that products of quantity and price stay well
// inside int64 minor units.
const maxDigits = 24

// ParseDecimal reads an exact decimal such as "400.00" or "1.5".
func ParseDecimal(s string) (decimal.Decimal, error) {
	t := strings.TrimSpace(s)
	if !decimalText.MatchString(t) {
		return decimal.Decimal{}, fault.Invalidf("", "%q is not a decimal number; write it like \"1234.50\"", s)
	}
	if len(t) > maxDigits {
		return decimal.Decimal{}, fault.Invalidf("", "%q has too many digits (at most %d)", s, maxDigits)
	}
	return decimal.NewFromString(t)
}

// Text writes d with the scale it carries ("400.00" stays "400.00").
func Text(d decimal.Decimal) string {
	if e := d.Exponent(); e < 0 {
		return d.StringFixed(-e)
	}
	return d.String()
}

// Scale is the number of digits after the decimal point d was written with,
// ignoring trailing zeros ("1.50" has scale 1).
func Scale(d decimal.Decimal) int32 {
	s := d.String()
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return int32(len(s) - i - 1) //nolint:gosec // G115: digits after the point are bounded by the decimal's int32 exponent
	}
	return 0
}

// ToMinor converts a decimal amount in c to integer minor units. It refuses
// rather than rounds an amount with more decimals than c allows.
func ToMinor(d decimal.Decimal, c Currency) (int64, error) {
	if Scale(d) > c.Exponent {
		return 0, fault.Invalidf("", "%s allows at most %d decimal places, got %s", c.Code, c.Exponent, d.String())
	}
	m := d.Shift(c.Exponent)
	if m.GreaterThan(decimal.NewFromInt(math.MaxInt64/1000)) || m.LessThan(decimal.NewFromInt(-math.MaxInt64/1000)) {
		return 0, fault.Invalidf("", "amount %s is too large", d.String())
	}
	return m.IntPart(), nil
}

// FromMinor turns integer minor units into a decimal with c's scale.
func FromMinor(minor int64, c Currency) decimal.Decimal {
	return decimal.New(minor, -c.Exponent)
}

// LineAmount is quantity x unit price, rounded half away from zero to the
// currency's minor unit: what a customer gets when checking by hand.
func LineAmount(quantity decimal.Decimal, unitPriceMinor int64, _ Currency) (int64, error) {
	exact := quantity.Mul(decimal.NewFromInt(unitPriceMinor))
	rounded := exact.Round(0) // shopspring rounds half away from zero
	if rounded.Abs().GreaterThan(decimal.NewFromInt(math.MaxInt64 / 1000)) {
		return 0, fault.Invalid("", "line amount is too large")
	}
	return rounded.IntPart(), nil
}

// String renders minor units of c as plain decimal text, e.g. "1234.50".
func String(minor int64, c Currency) string { return Text(FromMinor(minor, c)) }

// Format renders an amount for people: "$1,234.50", "JPY 1,235", "1,234.500 KWD".
func Format(minor int64, c Currency) string {
	d := FromMinor(minor, c)
	neg := d.IsNegative()
	digits := d.Abs().StringFixed(c.Exponent)
	intPart, frac := digits, ""
	if i := strings.IndexByte(digits, '.'); i >= 0 {
		intPart, frac = digits[:i], digits[i:]
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	num := b.String() + frac
	sign := ""
	if neg {
		sign = "-"
	}
	switch {
	case c.Symbol != "":
		return sign + c.Symbol + num
	case c.Exponent == 0:
		return fmt.Sprintf("%s%s %s", sign, c.Code, num)
	default:
		return fmt.Sprintf("%s%s %s", sign, num, c.Code)
	}
}
