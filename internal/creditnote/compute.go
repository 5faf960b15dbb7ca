package creditnote

import (
	"fmt"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/tax"
)

// maxQuantityScale is the most decimals a credited quantity may have, as on
// an invoice line.
const maxQuantityScale = 6

// maxLineName bounds the name of a row that credits an amount.
const maxLineName = 300

// priced is a credit note's figures as it stores them. The rows sum to
// subtotal, the breakdown's taxes to tax, and total is subtotal plus the
// exclusive taxes, to the minor unit.
type priced struct {
	items     []lineitem.Item
	breakdown []lineitem.TaxAmount
	subtotal  int64
	tax       int64
	total     int64
}

// invoiceInput is inv's stored items and discount as internal/tax prices
// them, so the credit note repeats the invoice's arithmetic.
func invoiceInput(inv *ent.Invoice, c money.Currency) (tax.Input, error) {
	in := tax.Input{Exponent: c.Exponent, Lines: make([]tax.Line, len(inv.Items))}
	for i, it := range inv.Items {
		l, err := taxLine(it, decimal.Zero)
		if err != nil {
			return tax.Input{}, fmt.Errorf("invoice %s line %d: %w", inv.ID, i, err)
		}
		in.Lines[i] = l
	}
	if d := inv.Discount; d != nil && d.Amount > 0 {
		if d.Percent != "" {
			p, err := decimal.NewFromString(d.Percent)
			if err != nil {
				return tax.Input{}, fmt.Errorf("invoice %s discount percent %q: %w", inv.ID, d.Percent, err)
			}
			in.Discount = &tax.Discount{Percent: &p, Reason: d.Reason}
		} else {
			a := money.FromMinor(d.Amount, c)
			in.Discount = &tax.Discount{Amount: &a, Reason: d.Reason}
		}
	}
	return in, nil
}

// taxLine is a stored invoice row to price, with quantity q instead of its
// own unless q is zero.
func taxLine(it lineitem.Item, q decimal.Decimal) (tax.Line, error) {
	if q.IsZero() {
		var err error
		if q, err = decimal.NewFromString(it.Quantity); err != nil {
			return tax.Line{}, fmt.Errorf("quantity %q: %w", it.Quantity, err)
		}
	}
	l := tax.Line{Quantity: q, UnitPrice: it.UnitPrice, Taxes: it.Taxes}
	if it.DiscountPercent != "" {
		p, err := decimal.NewFromString(it.DiscountPercent)
		if err != nil {
			return tax.Line{}, fmt.Errorf("discount %q: %w", it.DiscountPercent, err)
		}
		l.DiscountPercent = p
	}
	return l, nil
}

// LineInput is one invoice line to credit.
type LineInput struct {
	// Line is the line's position on the invoice, from 0.
	Line int
	// Quantity is how much of it to credit; nil for all that is left.
	Quantity *decimal.Decimal
}

// priceLines credits lines of inv, of which credited were already credited
// (quantity per line) by earlier credit notes. Each line is priced as on the
// invoice (its unit price, line discount and taxes); a percentage document
// discount applies as it did, an amount discount in proportion to the
// credited lines' share of the invoice's subtotal. The discount is printed
// as a row per tax group, so the rows still sum to the subtotal.
func priceLines(inv *ent.Invoice, credited map[int]decimal.Decimal, lines []LineInput, c money.Currency) (priced, error) {
	if len(lines) == 0 {
		return priced{}, fault.Invalid("lines", "choose at least one line to credit")
	}
	if len(lines) > len(inv.Items) {
		return priced{}, fault.Invalidf("lines", "the invoice has %d lines; give each at most once", len(inv.Items))
	}
	seen := map[int]bool{}
	in := tax.Input{Exponent: c.Exponent, Lines: make([]tax.Line, len(lines))}
	items := make([]lineitem.Item, len(lines))
	for i, l := range lines {
		field := func(f string) string { return fmt.Sprintf("lines[%d].%s", i, f) }
		if l.Line < 0 || l.Line >= len(inv.Items) {
			return priced{}, fault.Invalidf(field("line"), "the invoice has lines 0 to %d", len(inv.Items)-1)
		}
		if seen[l.Line] {
			return priced{}, fault.Invalidf(field("line"), "line %d is given twice; give its whole quantity once", l.Line)
		}
		seen[l.Line] = true
		it := inv.Items[l.Line]
		invoiced, err := decimal.NewFromString(it.Quantity)
		if err != nil {
			return priced{}, fmt.Errorf("invoice %s line %d quantity %q: %w", inv.ID, l.Line, it.Quantity, err)
		}
		left := invoiced.Sub(credited[l.Line])
		q := left
		if l.Quantity != nil {
			q = *l.Quantity
			if !q.IsPositive() {
				return priced{}, fault.Invalid(field("quantity"), "quantity must be greater than 0; leave it out to credit the whole line")
			}
			if money.Scale(q) > maxQuantityScale {
				return priced{}, fault.Invalidf(field("quantity"), "quantity can have at most %d decimal places", maxQuantityScale)
			}
		}
		if !left.IsPositive() {
			return priced{}, fault.Invalidf(field("line"), "line %d (%s) has already been credited in full", l.Line, it.Name)
		}
		if q.GreaterThan(left) {
			return priced{}, fault.Invalidf(field("quantity"), "at most %s of line %d (%s) is left to credit", left.String(), l.Line, it.Name)
		}
		if in.Lines[i], err = taxLine(it, q); err != nil {
			return priced{}, fmt.Errorf("invoice %s line %d: %w", inv.ID, l.Line, err)
		}
		idx := l.Line
		items[i] = lineitem.Item{Name: it.Name, Quantity: q.String(), UnitPrice: it.UnitPrice, DiscountPercent: it.DiscountPercent, Taxes: it.Taxes, Line: &idx}
	}
	r, err := tax.Compute(in)
	if err != nil {
		return priced{}, err
	}
	if d := inv.Discount; d != nil && d.Amount > 0 && r.Subtotal > 0 {
		var reason string
		in.Discount, reason = nil, d.Reason
		if d.Percent != "" {
			p, err := decimal.NewFromString(d.Percent)
			if err != nil {
				return priced{}, fmt.Errorf("invoice %s discount percent %q: %w", inv.ID, d.Percent, err)
			}
			in.Discount = &tax.Discount{Percent: &p, Reason: reason}
		} else if inv.SubtotalMinor > 0 {
			share := tax.Spread(d.Amount, []*big.Int{big.NewInt(r.Subtotal), big.NewInt(max(inv.SubtotalMinor-r.Subtotal, 0))})[0]
			if share > 0 {
				a := money.FromMinor(min(share, r.Subtotal), c)
				in.Discount = &tax.Discount{Amount: &a, Reason: reason}
			}
		}
		if in.Discount != nil {
			if r, err = tax.Compute(in); err != nil {
				return priced{}, err
			}
		}
	}
	for i, lr := range r.Lines {
		items[i].DiscountAmount = lr.Discount
		items[i].Amount = lr.Amount
	}
	if r.DiscountAmount > 0 {
		name := "Discount"
		if r.Discount != nil && r.Discount.Reason != "" {
			name += ": " + r.Discount.Reason
		}
		for _, g := range r.Groups {
			if g.Discount > 0 {
				items = append(items, lineitem.Item{Name: name, Quantity: "1", UnitPrice: -g.Discount, Amount: -g.Discount, Taxes: g.Taxes})
			}
		}
	}
	return priced{items: items, breakdown: r.Breakdown, subtotal: r.Subtotal - r.DiscountAmount, tax: r.TotalTax, total: r.Total}, nil
}

// priceAmount credits amount (minor units, tax included) of inv: spread over
// the invoice's tax groups (lines carrying the same rates; untaxed lines
// are one group) in proportion to what each group comes to with its taxes,
// then split into net and tax per rate as an inclusive rate is extracted
// from a price. It prints one row per group, named name, and the total is
// exactly amount.
func priceAmount(inv *ent.Invoice, amount int64, name string, c money.Currency) (priced, error) {
	in, err := invoiceInput(inv, c)
	if err != nil {
		return priced{}, err
	}
	r, err := tax.Compute(in)
	if err != nil {
		return priced{}, fmt.Errorf("price invoice %s: %w", inv.ID, err)
	}
	weights := make([]*big.Int, len(r.Groups))
	for i, g := range r.Groups {
		weights[i] = tax.GrossWeight(g.Amount-g.Discount, g.Taxes)
	}
	shares := tax.Spread(amount, weights)
	var p priced
	rate := map[string]int{} // tax id -> index in p.breakdown
	for i, g := range r.Groups {
		gross := shares[i]
		if gross == 0 {
			continue
		}
		net, taxes := tax.SplitGross(gross, g.Taxes)
		row := lineitem.Item{Name: name, Quantity: "1", UnitPrice: net, Amount: net, Taxes: g.Taxes}
		inclusive := len(g.Taxes) == 1 && g.Taxes[0].Inclusive
		if inclusive {
			// As on the invoice, an inclusive line's amount contains its tax.
			row.UnitPrice, row.Amount = gross, gross
		}
		p.items = append(p.items, row)
		p.subtotal += row.Amount
		for k, t := range g.Taxes {
			j, ok := rate[t.ID]
			if !ok {
				j = len(p.breakdown)
				rate[t.ID] = j
				p.breakdown = append(p.breakdown, lineitem.TaxAmount{Tax: t})
			}
			p.breakdown[j].Amount += taxes[k]
			p.tax += taxes[k]
			if !t.Inclusive {
				p.total += taxes[k]
			}
			p.breakdown[j].Taxable += net // inclusive too: the base without the tax
		}
	}
	p.total += p.subtotal
	if p.total != amount {
		return priced{}, fmt.Errorf("credit of %d on invoice %s priced to %d", amount, inv.ID, p.total)
	}
	return p, nil
}

// amountName is the row name of a credit for an amount: the reason's first
// line, shortened to fit.
func amountName(reason string) string {
	first, _, _ := strings.Cut(reason, "\n")
	first = strings.TrimSpace(first)
	if utf8.RuneCountInString(first) > maxLineName {
		first = string([]rune(first)[:maxLineName-1]) + "…"
	}
	return first
}
