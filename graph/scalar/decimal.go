// Package scalar holds the GraphQL scalars Tally adds to the built-in ones.
package scalar

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/money"
)

// MarshalDecimal writes an exact decimal as a JSON string, keeping its scale:
// an amount in a two-decimal currency is always "400.00", never 400 or 4e2.
func MarshalDecimal(d decimal.Decimal) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(money.Text(d)))
	})
}

// UnmarshalDecimal reads a Decimal. Only strings are accepted: a JSON number
// has already passed through a float in most clients and may have lost cents.
func UnmarshalDecimal(v any) (decimal.Decimal, error) {
	switch x := v.(type) {
	case string:
		return money.ParseDecimal(x)
	case json.Number, float64, float32, int, int64:
		return decimal.Decimal{}, fault.Invalid("", fmt.Sprintf("decimal values are strings such as \"400.00\", not the number %v", x))
	default:
		return decimal.Decimal{}, fault.Invalid("", fmt.Sprintf("decimal values are strings such as \"400.00\", got %T", v))
	}
}
