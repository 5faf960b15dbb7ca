package tax

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
	"github.com/tally-invoicing/tally/internal/money"
)

// Limits.
const (
	// MaxAmount bounds every amount in minor units (2^53): it keeps sums
	// far from int64 overflow and exact in any JSON client.
	MaxAmount = 1 << 53
	// PercentScale is the most decimals a percentage may have.
	PercentScale = 4
	// MaxReason is the longest document-discount reason, in characters.
	MaxReason = 200
)

// Line is one row to price.
type Line struct {
	Quantity decimal.Decimal
	// UnitPrice is in minor units.
	UnitPrice int64
	// DiscountPercent is 0 for no discount.
	DiscountPercent decimal.Decimal
	// Taxes are copies of the rates the line carries, in the order given.
	Taxes []lineitem.Tax
}

// Discount is a discount on the whole document: Percent or Amount, not both.
type Discount struct {
	// Percent of the subtotal, more than 0 and at most 100.
	Percent *decimal.Decimal
	// Amount in the currency (major units, e.g. "10.50"), more than 0 and
	// at most the subtotal.
	Amount *decimal.Decimal
	Reason string
}

// Input is an invoice to price.
type Input struct {
	// Exponent is the currency's number of decimals (USD 2, JPY 0, KWD 3).
	Exponent int32
	Lines    []Line
	// Discount is nil for none.
	Discount *Discount
}

// LineResult is a priced line, in minor units.
type LineResult struct {
	// Gross is round(quantity x unit price).
	Gross int64
	// Discount is round(Gross x discount percent / 100) (BT-136).
	Discount int64
	// Amount is Gross - Discount (BT-131).
	Amount int64
}

// Group is the lines carrying one set of rates (none for untaxed lines).
type Group struct {
	// Taxes are the set's rates, in the order they first appear.
	Taxes []lineitem.Tax
	// Amount is the sum of the group's line amounts.
	Amount int64
	// Discount is the group's share of the document discount.
	Discount int64
	// InclusiveTax is the inclusive tax extracted from Amount - Discount,
	// when the group's rate is inclusive.
	InclusiveTax int64
	// Taxable is Amount - Discount - InclusiveTax: the base the group's
	// exclusive rates apply to, or its part of an inclusive rate's base.
	Taxable int64
}

// Result is a priced invoice, every amount in minor units.
type Result struct {
	Lines []LineResult
	// Subtotal is the sum of the line amounts (BT-106).
	Subtotal int64
	// Discount is the document discount as stored, nil when none; its
	// Amount is the computed discount (BT-92).
	Discount *lineitem.Discount
	// DiscountAmount is the document discount, 0 when none.
	DiscountAmount int64
	// Groups are the tax groups in order of first appearance, untaxed
	// lines included.
	Groups []Group
	// Breakdown is the tax per rate, in order of first appearance (BG-23).
	Breakdown []lineitem.TaxAmount
	// TotalTax is every tax, inclusive and exclusive (BT-110).
	TotalTax int64
	// ExclusiveTax is the taxes added on top of the prices.
	ExclusiveTax int64
	// Total is Subtotal - DiscountAmount + ExclusiveTax (BT-112).
	Total int64
}

// CheckPercent reports whether d is a percentage from 0 to 100 with at most
// PercentScale decimals; the error names field.
func CheckPercent(field string, d decimal.Decimal) error {
	if d.IsNegative() || d.GreaterThan(decimal.NewFromInt(100)) {
		return fault.Invalidf(field, "must be from 0 to 100 (percent), got %s", d.String())
	}
	if money.Scale(d) > PercentScale {
		return fault.Invalidf(field, "can have at most %d decimal places, got %s", PercentScale, d.String())
	}
	return nil
}

// Compute prices an invoice by the rules in the package documentation.
// Errors are VALIDATION faults naming the input field (items[3].discountPercent,
// discount.amount).
func Compute(in Input) (Result, error) {
	var r Result
	r.Lines = make([]LineResult, len(in.Lines))

	// Groups of lines carrying the same set of rates, and the distinct rates,
	// both in order of first appearance.
	var (
		rates      []lineitem.Tax
		rateIndex  = map[lineitem.Tax]int{}
		groupIndex = map[string]int{}
		groupRates [][]int // indexes into rates
	)
	for i, ln := range in.Lines {
		field := func(f string) string { return "items[" + strconv.Itoa(i) + "]." + f }
		if !ln.Quantity.IsPositive() {
			return Result{}, fault.Invalid(field("quantity"), "quantity must be greater than 0")
		}
		if ln.UnitPrice < 0 {
			return Result{}, fault.Invalid(field("unitPrice"), "unit price cannot be negative")
		}
		if err := CheckPercent(field("discountPercent"), ln.DiscountPercent); err != nil {
			return Result{}, err
		}
		gross := ln.Quantity.Mul(decimal.NewFromInt(ln.UnitPrice)).Round(0)
		if gross.GreaterThan(decimal.NewFromInt(MaxAmount)) {
			return Result{}, fault.Invalid(field("quantity"), "line amount is too large")
		}
		g := gross.IntPart()
		d := mulDiv(g, percentUnits(ln.DiscountPercent), 100*percentOne)
		lr := LineResult{Gross: g, Discount: d, Amount: g - d}
		r.Lines[i] = lr
		r.Subtotal += lr.Amount
		if r.Subtotal > MaxAmount {
			return Result{}, fault.Invalid("items", "invoice total is too large")
		}

		if err := checkLineRates(field("taxRateIDs"), ln.Taxes); err != nil {
			return Result{}, err
		}
		set := make([]int, len(ln.Taxes))
		for k, t := range ln.Taxes {
			j, ok := rateIndex[t]
			if !ok {
				j = len(rates)
				rateIndex[t] = j
				rates = append(rates, t)
			}
			set[k] = j
		}
		key := setKey(set)
		gi, ok := groupIndex[key]
		if !ok {
			gi = len(r.Groups)
			groupIndex[key] = gi
			r.Groups = append(r.Groups, Group{Taxes: ln.Taxes})
			groupRates = append(groupRates, set)
		}
		r.Groups[gi].Amount += lr.Amount
	}

	if err := r.applyDiscount(in); err != nil {
		return Result{}, err
	}
	r.spreadDiscount()

	// Each rate's base: the discounted amounts of the groups carrying it.
	bases := make([]int64, len(rates))
	for gi, set := range groupRates {
		for _, j := range set {
			bases[j] += r.Groups[gi].Amount - r.Groups[gi].Discount
		}
	}
	r.Breakdown = make([]lineitem.TaxAmount, len(rates))
	for j, t := range rates {
		p := percentUnits(decimal.RequireFromString(t.Percentage)) // checked by checkLineRates
		ta := lineitem.TaxAmount{Tax: t}
		if t.Inclusive {
			ta.Amount = mulDiv(bases[j], p, 100*percentOne+p)
			ta.Taxable = bases[j] - ta.Amount
		} else {
			ta.Amount = mulDiv(bases[j], p, 100*percentOne)
			ta.Taxable = bases[j]
			r.ExclusiveTax += ta.Amount
		}
		r.TotalTax += ta.Amount
		r.Breakdown[j] = ta
	}
	for gi, set := range groupRates {
		g := &r.Groups[gi]
		g.Taxable = g.Amount - g.Discount
		// An inclusive rate is alone on its lines, so its group is the only
		// one carrying it and takes its whole tax.
		if len(set) == 1 && rates[set[0]].Inclusive {
			g.InclusiveTax = r.Breakdown[set[0]].Amount
			g.Taxable -= g.InclusiveTax
		}
	}
	r.Total = r.Subtotal - r.DiscountAmount + r.ExclusiveTax
	if r.Total > MaxAmount {
		return Result{}, fault.Invalid("items", "invoice total is too large")
	}
	return r, nil
}

// checkLineRates checks one line's taxes: valid percentages, no rate twice, at
// most one inclusive rate and none with exclusive ones.
func checkLineRates(field string, taxes []lineitem.Tax) error {
	inclusive := 0
	for k, t := range taxes {
		p, err := decimal.NewFromString(t.Percentage)
		if err != nil || CheckPercent(field, p) != nil {
			return fault.Invalidf(field, "tax rate %q has an invalid percentage %q", t.Name, t.Percentage)
		}
		if t.Inclusive {
			inclusive++
		}
		for _, u := range taxes[:k] {
			if u.ID == t.ID {
				return fault.Invalidf(field, "tax rate %q is given twice", t.Name)
			}
		}
	}
	if inclusive > 1 {
		return fault.Invalid(field, "a line can carry at most one inclusive tax rate (prices include one tax)")
	}
	if inclusive == 1 && len(taxes) > 1 {
		return fault.Invalid(field, "a line with an inclusive tax rate cannot also carry other rates; make them all exclusive or put them on separate lines")
	}
	return nil
}

// applyDiscount checks the document discount and computes its amount.
func (r *Result) applyDiscount(in Input) error {
	d := in.Discount
	if d == nil {
		return nil
	}
	reason := strings.TrimSpace(d.Reason)
	if utf8.RuneCountInString(reason) > MaxReason {
		return fault.Invalidf("discount.reason", "reason must be at most %d characters", MaxReason)
	}
	stored := &lineitem.Discount{Reason: reason}
	switch {
	case d.Percent != nil && d.Amount != nil:
		return fault.Invalid("discount", "give the discount as percent or as amount, not both")
	case d.Percent != nil:
		if !d.Percent.IsPositive() {
			return fault.Invalid("discount.percent", "percent must be greater than 0; omit the discount for none")
		}
		if err := CheckPercent("discount.percent", *d.Percent); err != nil {
			return err
		}
		stored.Percent = d.Percent.String()
		stored.Amount = mulDiv(r.Subtotal, percentUnits(*d.Percent), 100*percentOne)
	case d.Amount != nil:
		if !d.Amount.IsPositive() {
			return fault.Invalid("discount.amount", "amount must be greater than 0; omit the discount for none")
		}
		if money.Scale(*d.Amount) > in.Exponent {
			return fault.Invalidf("discount.amount", "the currency allows at most %d decimal places, got %s", in.Exponent, d.Amount.String())
		}
		a := d.Amount.Shift(in.Exponent)
		if a.GreaterThan(decimal.NewFromInt(r.Subtotal)) {
			return fault.Invalidf("discount.amount", "the discount %s is greater than the subtotal %s",
				d.Amount.String(), decimal.New(r.Subtotal, -in.Exponent).StringFixed(in.Exponent))
		}
		stored.Amount = a.IntPart()
	default:
		return fault.Invalid("discount", "give the discount's percent or amount")
	}
	r.Discount = stored
	r.DiscountAmount = stored.Amount
	return nil
}

// spreadDiscount gives each group its share of the document discount in
// proportion to its amount, by largest remainder, so the shares sum to it.
func (r *Result) spreadDiscount() {
	if r.DiscountAmount == 0 || r.Subtotal == 0 {
		return
	}
	total, sub := big.NewInt(r.DiscountAmount), big.NewInt(r.Subtotal)
	rems := make([]*big.Int, len(r.Groups))
	left := r.DiscountAmount
	for i := range r.Groups {
		q, m := new(big.Int).QuoRem(new(big.Int).Mul(total, big.NewInt(r.Groups[i].Amount)), sub, new(big.Int))
		r.Groups[i].Discount = q.Int64()
		rems[i] = m
		left -= q.Int64()
	}
	order := make([]int, len(r.Groups))
	for i := range order {
		order[i] = i
	}
	// Largest remainder first; the earlier group first on a tie.
	slices.SortStableFunc(order, func(a, b int) int { return rems[b].Cmp(rems[a]) })
	for _, i := range order[:left] {
		r.Groups[i].Discount++
	}
}

// percentOne is 1 % in percent units: percentages are handled as integers
// of 1/10^PercentScale percent.
const percentOne = 10_000

// percentUnits is d (a checked percentage) in percent units: 8.875 -> 88750.
func percentUnits(d decimal.Decimal) int64 {
	return d.Shift(PercentScale).IntPart()
}

// mulDiv is round(a x b / c), half away from zero, for a, b >= 0 and c > 0,
// computed exactly.
func mulDiv(a, b, c int64) int64 {
	n := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	q, m := new(big.Int).QuoRem(n, big.NewInt(c), new(big.Int))
	if m.Lsh(m, 1).Cmp(big.NewInt(c)) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}

// setKey identifies a set of rate indexes whatever their order on the line.
func setKey(set []int) string {
	s := slices.Clone(set)
	slices.Sort(s)
	return fmt.Sprint(s)
}
