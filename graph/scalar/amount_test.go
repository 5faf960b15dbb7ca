package scalar

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/internal/invoice/amount"
	"github.com/tally-invoicing/tally/internal/money"
)

// An amount.Amount must reach clients as the very JSON a decimal.Decimal of
// the same value and scale did.
func TestMarshalAmountWritesWhatMarshalDecimalWrites(t *testing.T) {
	for _, a := range []amount.Amount{amount.New(0, 2), amount.New(150050, 2), amount.New(-5, 2),
		amount.New(1500, 0), amount.New(7, 3), amount.New(1_000_000, 6)} {
		d := money.FromMinor(a.Coefficient(), money.Currency{Exponent: a.Scale()})
		var want bytes.Buffer
		MarshalDecimal(d).MarshalGQL(&want)
		var buf bytes.Buffer
		MarshalAmount(a).MarshalGQL(&buf)
		var sb strings.Builder // not a bytes.Buffer: the general path
		MarshalAmount(a).MarshalGQL(&sb)
		if buf.String() != want.String() || sb.String() != want.String() {
			t.Errorf("MarshalAmount(%s) wrote %s and %s, MarshalDecimal %s", a, buf.String(), sb.String(), want.String())
		}
	}
}

func TestUnmarshalAmount(t *testing.T) {
	a, err := UnmarshalAmount("120.50")
	if err != nil || a != amount.New(12050, 2) {
		t.Errorf(`UnmarshalAmount("120.50") = %v, %v`, a, err)
	}
	for _, v := range []any{120.5, "1e2", "12345678901234567890.5"} {
		if a, err := UnmarshalAmount(v); err == nil {
			t.Errorf("UnmarshalAmount(%#v) = %v, want an error", v, a)
		}
	}
}
