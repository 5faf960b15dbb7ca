package tax

import (
	"math/big"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
)

// Spread divides total (>= 0) into shares proportional to weights (>= 0,
// not all 0) by the largest-remainder method the document discount uses:
// each share is the rounded-down exact share, and the minor units left go
// one each to the largest remainders, the earlier first on a tie. The
// shares sum to exactly total.
func Spread(total int64, weights []*big.Int) []int64 {
	out := make([]int64, len(weights))
	sum := new(big.Int)
	for _, w := range weights {
		sum.Add(sum, w)
	}
	if total == 0 || sum.Sign() == 0 {
		return out
	}
	t := big.NewInt(total)
	rems := make([]*big.Int, len(weights))
	left := total
	for i, w := range weights {
		q, m := new(big.Int).QuoRem(new(big.Int).Mul(t, w), sum, new(big.Int))
		out[i] = q.Int64()
		rems[i] = m
		left -= out[i]
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rems[b].Cmp(rems[a]) })
	for _, i := range order[:left] {
		out[i]++
	}
	return out
}

// GrossWeight is the weight of amount (net of the document discount,
// minor units) carrying taxes when money including tax is spread over tax
// groups: amount x (100 % + the exclusive rates), exactly, in percent
// units. An inclusive rate is already inside amount.
func GrossWeight(amount int64, taxes []lineitem.Tax) *big.Int {
	p := int64(100 * percentOne)
	for _, t := range taxes {
		if !t.Inclusive {
			p += percentUnits(decimal.RequireFromString(t.Percentage))
		}
	}
	return new(big.Int).Mul(big.NewInt(amount), big.NewInt(p))
}

// SplitGross splits gross, an amount including the taxes (minor units,
// >= 0), into the net and each rate's tax, the way an inclusive rate is
// extracted from a price: the taxes together are round(gross x P / (100 +
// P)) with P the sum of the rates, divided between the rates in proportion
// to their percentages by largest remainder. net + the taxes is exactly
// gross. The rates' percentages must have been checked (they come from an
// issued invoice).
func SplitGross(gross int64, taxes []lineitem.Tax) (net int64, amounts []int64) {
	amounts = make([]int64, len(taxes))
	var p int64
	weights := make([]*big.Int, len(taxes))
	for i, t := range taxes {
		u := percentUnits(decimal.RequireFromString(t.Percentage))
		weights[i] = big.NewInt(u)
		p += u
	}
	if p == 0 {
		return gross, amounts
	}
	total := mulDiv(gross, p, 100*percentOne+p)
	return gross - total, Spread(total, weights)
}
