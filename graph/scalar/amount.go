package scalar

import (
	"bytes"
	"fmt"
	"io"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice/amount"
	"github.com/tally-invoicing/tally/internal/money"
)

// MarshalAmount writes an amount.Amount as the Decimal scalar: the same JSON
// string MarshalDecimal writes for the equal decimal.Decimal ("400.00").
// Amount is the second Go type gqlgen.yml binds to Decimal, for values that
// are read from integer minor units (invoice totals, line amounts): writing
// one costs no big-number arithmetic, and nothing but the returned
// Marshaler is allocated.
func MarshalAmount(a amount.Amount) graphql.Marshaler { return quotedAmount(a) }

type quotedAmount amount.Amount

func (q quotedAmount) MarshalGQL(w io.Writer) {
	// gqlgen marshals a response into a bytes.Buffer: append to its spare
	// capacity instead of going through a temporary slice.
	if buf, ok := w.(*bytes.Buffer); ok {
		b := buf.AvailableBuffer()
		b = append(b, '"')
		b = amount.Amount(q).AppendText(b)
		b = append(b, '"')
		_, _ = buf.Write(b)
		return
	}
	b := make([]byte, 0, 32)
	b = append(b, '"')
	b = amount.Amount(q).AppendText(b)
	b = append(b, '"')
	_, _ = w.Write(b)
}

// UnmarshalAmount reads a Decimal into an amount.Amount, with the scale it
// is written with. Like UnmarshalDecimal it accepts only strings; decimals
// with more digits than an int64 holds are refused.
func UnmarshalAmount(v any) (amount.Amount, error) {
	d, err := UnmarshalDecimal(v)
	if err != nil {
		return amount.Amount{}, err
	}
	a, ok := amount.Parse(money.Text(d))
	if !ok {
		return amount.Amount{}, fault.Invalid("", fmt.Sprintf("%q has too many digits", money.Text(d)))
	}
	return a, nil
}
