// Package amount is the exact decimal numbers an invoice is made of, in the
// form they are stored: an amount of money is integer minor units with its
// currency's exponent (15050 and 2 for "150.50"), a line's quantity is short
// decimal text ("2.5"). Amount writes them as decimal text the way
// money.Text writes the equivalent decimal.Decimal, with no big-number
// arithmetic and no allocation, because an invoice list writes hundreds of
// them per response. It has no dependencies so the ent package can use it.
package amount

import (
	"strconv"
)

// Amount is an exact decimal: Coefficient x 10^-Scale. The zero value is 0.
type Amount struct {
	coef  int64
	scale int32
}

// maxScale bounds Scale so that text stays short; ISO 4217 exponents are at
// most 3 and stablecoins use 6.
const maxScale = 18

// New is minor units of a currency with exponent scale: New(15050, 2) is
// 150.50, New(1500, 0) is 1500. A scale outside 0..18 is clamped.
func New(minor int64, scale int32) Amount {
	return Amount{coef: minor, scale: min(max(scale, 0), maxScale)}
}

// Parse reads plain decimal text ("2", "2.5", "-0.125", "007.50"), keeping
// the scale it is written with. ok is false for anything else (exponents,
// spaces, a sign alone) and for numbers whose digits do not fit an int64;
// callers then use a decimal.Decimal.
func Parse(s string) (a Amount, ok bool) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	var (
		coef      uint64
		digits    int
		scale     int32
		seenPoint bool
	)
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if coef > (1<<63-1-9)/10 {
				return Amount{}, false
			}
			coef = coef*10 + uint64(c-'0')
			digits++
			if seenPoint {
				scale++
			}
		case c == '.' && !seenPoint && digits > 0:
			seenPoint = true
		default:
			return Amount{}, false
		}
	}
	if digits == 0 || (seenPoint && scale == 0) || scale > maxScale {
		return Amount{}, false
	}
	a = Amount{coef: int64(coef), scale: scale}
	if neg {
		a.coef = -a.coef
	}
	return a, true
}

// Coefficient is the integer the amount is a multiple of 10^-Scale of: the
// minor units for money.
func (a Amount) Coefficient() int64 { return a.coef }

// Scale is the number of digits written after the decimal point.
func (a Amount) Scale() int32 { return a.scale }

// AppendText appends a as decimal text with exactly Scale digits after the
// point: "150.50", "-0.05", "0.00", "1500", "2.5". It is what money.Text
// writes for the same value and scale, and never uses an exponent.
func (a Amount) AppendText(b []byte) []byte {
	if a.scale == 0 {
		return strconv.AppendInt(b, a.coef, 10)
	}
	u := uint64(a.coef) //nolint:gosec // G115: two's complement on purpose: -u below is |coef|, math.MinInt64 included
	if a.coef < 0 {
		b = append(b, '-')
		u = -u
	}
	var buf [20]byte
	d := strconv.AppendUint(buf[:0], u, 10)
	n, scale := len(d), int(a.scale)
	if n <= scale { // 0.05: a zero before the point, zeros after it
		b = append(b, '0', '.')
		for range scale - n {
			b = append(b, '0')
		}
		return append(b, d...)
	}
	b = append(b, d[:n-scale]...)
	b = append(b, '.')
	return append(b, d[n-scale:]...)
}

// String is AppendText as a string.
func (a Amount) String() string {
	var buf [32]byte
	return string(a.AppendText(buf[:0]))
}
