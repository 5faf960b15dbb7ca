package scalar

import (
	"bytes"
	"encoding/json"
	"math/big"
	"strconv"
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/money"
)

// fuzzCurrencies span every minor unit Tally knows: 0, 2, 3 and 6 decimals.
var fuzzCurrencies = []string{"JPY", "EUR", "KWD", "USDT"}

// FuzzDecimal feeds the Decimal scalar what a client can send: the input
// as a literal string, and, when it is JSON, the value a variable holds
// (decoded with UseNumber, as gqlgen's transport does, and without, as a
// careless decoder would). Each value must be refused with a VALIDATION
// fault or read exactly, and what is read must survive a round trip
// through the scalar's own output.
func FuzzDecimal(f *testing.F) {
	for _, s := range []string{
		"400.00", "1.5", "0", "-0.00", "+12.30", " 7.50\n", "007.50",
		"123456789012345678901234", "1234567890123456789012345", "0.000001",
		"1e2", "1.", ".5", "-", "1,000.00", "0x1F", "NaN", "Infinity", "１２",
		`"400.00"`, `"-0.005"`, `400.00`, `4e2`, `12`, `null`, `true`, `[]`, `{"a":"1"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkDecimal(t, in) // a literal or a variable that is a string
		if !json.Valid([]byte(in)) {
			return
		}
		dec := json.NewDecoder(strings.NewReader(in))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("json.Valid but Decode: %v", err)
		}
		checkDecimal(t, v)
		var loose any // numbers as float64; 1e700 does not fit one
		if err := json.Unmarshal([]byte(in), &loose); err == nil {
			checkDecimal(t, loose)
		}
	})
}

func checkDecimal(t *testing.T, v any) {
	t.Helper()
	d, err := UnmarshalDecimal(v)
	if err != nil {
		// A refusal reaches the client as extensions.code; anything but a
		// validation fault would be shown as INTERNAL.
		if fe, ok := fault.As(err); !ok || fe.Code != fault.CodeValidation {
			t.Fatalf("UnmarshalDecimal(%#v): error %v is not a VALIDATION fault", v, err)
		}
		return
	}
	s, ok := v.(string)
	if !ok {
		// A JSON number has been through a float in most clients.
		t.Fatalf("UnmarshalDecimal accepted the non-string %T %#v as %s", v, v, d)
	}
	trimmed := strings.TrimSpace(s)

	// Exact: the value is the decimal the text spells, digit for digit.
	want, ok := new(big.Rat).SetString(trimmed)
	if !ok {
		t.Fatalf("UnmarshalDecimal(%q) = %s, but the text is not a number", s, d)
	}
	if d.Rat().Cmp(want) != 0 {
		t.Fatalf("UnmarshalDecimal(%q) = %s, want exactly %s", s, d, want.RatString())
	}
	// The scale as written: "1.50" keeps two decimals.
	wantScale := 0
	if i := strings.IndexByte(trimmed, '.'); i >= 0 {
		wantScale = len(trimmed) - i - 1
	}
	if int(-d.Exponent()) != wantScale {
		t.Fatalf("UnmarshalDecimal(%q): exponent %d, want scale %d", s, d.Exponent(), wantScale)
	}

	// Round trip through the text the API writes.
	text := money.Text(d)
	back, err := UnmarshalDecimal(text)
	if err != nil {
		t.Fatalf("UnmarshalDecimal(%q) = %s, whose text %q is refused: %v", s, d, text, err)
	}
	if !back.Equal(d) || back.Exponent() != d.Exponent() || money.Text(back) != text {
		t.Fatalf("round trip of %q: %s (exp %d) became %q then %s (exp %d)", s, d, d.Exponent(), text, back, back.Exponent())
	}
	var buf bytes.Buffer
	MarshalDecimal(d).MarshalGQL(&buf)
	if buf.String() != strconv.Quote(text) {
		t.Fatalf("MarshalDecimal(%s) wrote %s, want %q", d, buf.String(), text)
	}
	var wire any
	if err := json.Unmarshal(buf.Bytes(), &wire); err != nil || wire != text {
		t.Fatalf("MarshalDecimal(%s) wrote %s: not the JSON string %q (%v)", d, buf.String(), text, err)
	}

	// The minor-unit check: exact or refused, never rounded.
	for _, code := range fuzzCurrencies {
		c, _ := money.Lookup(code)
		minor, err := money.ToMinor(d, c)
		if err != nil {
			if fe, ok := fault.As(err); !ok || fe.Code != fault.CodeValidation {
				t.Fatalf("ToMinor(%s, %s): error %v is not a VALIDATION fault", d, code, err)
			}
			continue
		}
		if money.Scale(d) > c.Exponent {
			t.Fatalf("ToMinor(%s, %s) = %d: more decimals than %s has, accepted", d, code, minor, code)
		}
		if got := money.FromMinor(minor, c); !got.Equal(d) {
			t.Fatalf("ToMinor(%s, %s) = %d, which is %s: not exact", d, code, minor, got)
		}
		if again, err := UnmarshalDecimal(money.String(minor, c)); err != nil || !again.Equal(d) {
			t.Fatalf("money.String(%d, %s) = %q does not read back as %s: %v", minor, code, money.String(minor, c), d, err)
		}
	}
}
