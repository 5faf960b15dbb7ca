package statement

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"
)

// Amounts in bank CSVs come as "1,234.56", "1.234,56", "-12,00", "12,00-",
// "(12.00)", "1 234,56", "1'234.56" or "€12.00". The decimal separator is one
// decision per file; everything else is read the same way everywhere.

const maxAmountDigits = 24

// amountBody strips the sign, brackets and a currency symbol around an
// amount, returning the digits and separators and whether it is negative.
func amountBody(raw string) (body string, negative bool, ok bool) {
	s := strings.TrimSpace(raw)
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") && len(s) >= 2 {
		s, negative = s[1:len(s)-1], true
	}
	signs, symbols := 0, 0
	for {
		s = strings.TrimSpace(s)
		switch {
		case signs == 0 && (strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+")):
			negative = negative != (s[0] == '-')
			s, signs = s[1:], 1
		case signs == 0 && strings.HasPrefix(s, "−"): // U+2212 minus sign
			negative = !negative
			s, signs = s[len("−"):], 1
		case signs == 0 && (strings.HasSuffix(s, "-") || strings.HasSuffix(s, "+")):
			negative = negative != (s[len(s)-1] == '-')
			s, signs = s[:len(s)-1], 1
		case symbols == 0 && hasSymbol(s):
			s, symbols = trimSymbol(s), 1
		default:
			return s, negative, s != ""
		}
	}
}

var currencySymbols = []string{"€", "$", "£", "¥"}

func hasSymbol(s string) bool { return trimSymbol(s) != s }

func trimSymbol(s string) string {
	for _, sym := range currencySymbols {
		if t, ok := strings.CutPrefix(s, sym); ok {
			return t
		}
		if t, ok := strings.CutSuffix(s, sym); ok {
			return t
		}
	}
	return s
}

// separatorEvidence says which decimal separator an amount proves, if any:
// ',' or '.', or 0 when it could be either ("1,234") or has none.
func separatorEvidence(raw string) rune {
	body, _, ok := amountBody(raw)
	if !ok {
		return 0
	}
	lastDot, lastComma := strings.LastIndexByte(body, '.'), strings.LastIndexByte(body, ',')
	dots, commas := strings.Count(body, "."), strings.Count(body, ",")
	switch {
	case dots > 0 && commas > 0:
		if lastComma > lastDot {
			return ','
		}
		return '.'
	case dots > 1:
		return ','
	case commas > 1:
		return '.'
	case dots == 1 && len(body)-lastDot-1 != 3:
		return '.'
	case commas == 1 && len(body)-lastComma-1 != 3:
		return ','
	}
	return 0
}

var errNotNumber = errors.New("not a number")

// parseAmount reads a signed amount whose decimal separator is dec.
func parseAmount(raw string, dec rune) (decimal.Decimal, error) {
	body, negative, ok := amountBody(raw)
	if !ok {
		return decimal.Decimal{}, errNotNumber
	}
	intPart, frac, hasFrac := strings.Cut(body, string(dec))
	if hasFrac && (frac == "" || !allDigits(frac)) {
		return decimal.Decimal{}, errNotNumber
	}
	digits, ok := ungroup(intPart, dec)
	if !ok || (digits == "" && !hasFrac) {
		return decimal.Decimal{}, errNotNumber
	}
	if digits == "" {
		digits = "0"
	}
	if len(digits)+len(frac) > maxAmountDigits {
		return decimal.Decimal{}, errNotNumber
	}
	text := digits
	if hasFrac {
		text += "." + frac
	}
	d, err := decimal.NewFromString(text)
	if err != nil {
		return decimal.Decimal{}, errNotNumber
	}
	if negative {
		d = d.Neg()
	}
	return d, nil
}

// ungroup removes thousands separators from the integer part, insisting on
// groups of three so that a misread decimal separator is caught, not
// silently multiplied by a thousand.
func ungroup(s string, dec rune) (string, bool) {
	sep := rune(0)
	for _, r := range s {
		if r >= '0' && r <= '9' {
			continue
		}
		if !isGroupSeparator(r, dec) || (sep != 0 && r != sep) {
			return "", false
		}
		sep = r
	}
	if sep == 0 {
		return s, true
	}
	groups := strings.Split(s, string(sep))
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

func isGroupSeparator(r, dec rune) bool {
	switch r {
	case '.', ',':
		return r != dec
	case '\'', ' ', '\u00a0', '\u202f', '\u2009':
		return true
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// amountHint shows how an amount should look with the file's separator.
func amountHint(dec rune) string {
	if dec == ',' {
		return "write it like 1.234,56"
	}
	return "write it like 1,234.56"
}

// Dates. Without a DateFormat in the mapping, these layouts are tried in
// order; slash dates are day-first or month-first for the whole file.
var dateLayouts = []string{
	"2006-1-2",
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2.1.2006",
	"2.1.06",
	"2-1-2006", // day first: month-first dates with dashes are not a bank format
	"2006/1/2",
	"20060102",
}

var (
	dayFirstLayouts   = []string{"2/1/2006", "2/1/06"}
	monthFirstLayouts = []string{"1/2/2006", "1/2/06"}
)

var slashDate = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$`)

// slashOrder says whether a slash date proves day-first ('d') or
// month-first ('m') order, or neither (0).
func slashOrder(s string) byte {
	m := slashDate.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0
	}
	first, second := atoi(m[1]), atoi(m[2])
	switch {
	case first > 12 && second <= 12:
		return 'd'
	case second > 12 && first <= 12:
		return 'm'
	}
	return 0
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// parseDate reads a date cell. layout is the mapping's DateFormat, or ""
// to try dateLayouts; order is 'd' or 'm' for slash dates.
func parseDate(s, layout string, order byte) (time.Time, error) {
	s = strings.TrimSpace(s)
	if layout != "" {
		t, err := time.Parse(layout, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("does not match the date format %q", layout)
		}
		return t.UTC(), nil
	}
	layouts := dateLayouts
	switch order {
	case 'd':
		layouts = append(layouts[:len(layouts):len(layouts)], dayFirstLayouts...)
	case 'm':
		layouts = append(layouts[:len(layouts):len(layouts)], monthFirstLayouts...)
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("is not a date; write it like 2024-03-31 or 31.03.2024, or set the date format in the mapping")
}

// blank reports whether every cell is empty, as in the ";;;;" rows some
// banks end a file with.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimFunc(c, unicode.IsSpace) != "" {
			return false
		}
	}
	return true
}
