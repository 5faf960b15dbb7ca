package tax

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// guideExamples are the worked examples of docs/partner-api.md ("Taxes and
// discounts"). TestGuideExamples prices them and fails unless the guide
// shows exactly the tables it prints, so the guide cannot drift from the
// arithmetic.
var guideExamples = []struct {
	title string
	names []string
	in    Input
}{
	{
		title: "Example 1: US sales tax, state and county stacked, with a line discount (USD)",
		names: []string{"Desk", "Chair"},
		in:    Input{Exponent: 2, Lines: []Line{line("1", 19999, "", state, county), line("2", 8950, "10", state, county)}},
	},
	{
		title: "Example 2: a document discount over two VAT rates (EUR)",
		names: []string{"Consulting", "Books"},
		in: Input{Exponent: 2, Lines: []Line{line("1", 10000, "", vat19), line("2", 3125, "20", vat7)},
			Discount: &Discount{Amount: ptr("10.00"), Reason: "Loyalty"}},
	},
	{
		title: "Example 3: JPY, no decimals, an exclusive and an inclusive rate on different lines",
		names: []string{"Tea", "Sweets", "Set menu"},
		in: Input{Exponent: 0, Lines: []Line{line("3", 1980, "5", jct10), line("0.5", 1235, "", jct10),
			line("1", 1100, "", jct10in)}},
	},
}

func TestGuideExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/partner-api.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range guideExamples {
		r, err := Compute(ex.in)
		if err != nil {
			t.Fatalf("%s: %v", ex.title, err)
		}
		if msg := reconcile(ex.in, r); msg != "" {
			t.Fatalf("%s: %s", ex.title, msg)
		}
		want := guideTable(ex.title, ex.names, ex.in, r)
		if !strings.Contains(string(doc), want) {
			t.Errorf("docs/partner-api.md does not show this example as computed; replace it with:\n\n%s", want)
		}
	}
}

// guideTable writes a priced invoice as the guide shows it.
func guideTable(title string, names []string, in Input, r Result) string {
	m := func(minor int64) string { return decimal.New(minor, -in.Exponent).StringFixed(in.Exponent) }
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**\n\n| line or figure | how | amount |\n| --- | --- | ---: |\n", title)
	for i, l := range in.Lines {
		how := fmt.Sprintf("%s x %s", l.Quantity.String(), m(l.UnitPrice))
		if exact := l.Quantity.Mul(decimal.New(l.UnitPrice, -in.Exponent)); !exact.Equal(decimal.New(r.Lines[i].Gross, -in.Exponent)) {
			how += fmt.Sprintf(" = %s, rounded", exact.String())
		}
		if !l.DiscountPercent.IsZero() {
			how += fmt.Sprintf(" = %s, less %s %% (%s)", m(r.Lines[i].Gross), l.DiscountPercent.String(), m(r.Lines[i].Discount))
		}
		var taxes []string
		for _, t := range l.Taxes {
			s := t.Name + " " + t.Percentage + " %"
			if t.Inclusive {
				s += " included"
			}
			taxes = append(taxes, s)
		}
		if len(taxes) > 0 {
			how += "; " + strings.Join(taxes, " + ")
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", names[i], how, m(r.Lines[i].Amount))
	}
	fmt.Fprintf(&b, "| **subtotal** | sum of the lines | %s |\n", m(r.Subtotal))
	if r.Discount != nil {
		how := "given as an amount"
		if r.Discount.Percent != "" {
			how = r.Discount.Percent + " % of the subtotal"
		}
		var shares []string
		for _, g := range r.Groups {
			if len(g.Taxes) > 0 {
				shares = append(shares, fmt.Sprintf("%s to %s", m(g.Discount), g.Taxes[0].Name))
			} else {
				shares = append(shares, m(g.Discount)+" to untaxed lines")
			}
		}
		fmt.Fprintf(&b, "| discount (%s) | %s; spread %s | -%s |\n", r.Discount.Reason, how, strings.Join(shares, ", "), m(r.DiscountAmount))
	}
	for _, t := range r.Breakdown {
		if t.Tax.Inclusive {
			fmt.Fprintf(&b, "| %s %s %% (included) | %s x %s / %s, base %s | (%s) |\n", t.Tax.Name, t.Tax.Percentage,
				m(t.Taxable+t.Amount), t.Tax.Percentage, decimal.NewFromInt(100).Add(decimal.RequireFromString(t.Tax.Percentage)).String(), m(t.Taxable), m(t.Amount))
			continue
		}
		fmt.Fprintf(&b, "| %s %s %% | %s x %s %% | %s |\n", t.Tax.Name, t.Tax.Percentage, m(t.Taxable), t.Tax.Percentage, m(t.Amount))
	}
	fmt.Fprintf(&b, "| **total** | subtotal - discount + exclusive taxes (totalTax %s) | **%s** |\n", m(r.TotalTax), m(r.Total))
	return b.String()
}
