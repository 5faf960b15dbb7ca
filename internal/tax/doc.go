// Package tax is the arithmetic of an invoice's amounts: line discounts,
// the document discount, taxes per rate and the total. It is pure: no
// database, no clock, no floats. Every amount is an int64 in the currency's
// minor unit, every percentage an exact decimal, and every rounding is half
// away from zero to the minor unit. The terms follow EN 16931, the European
// e-invoice standard, so that an export can map them one to one.
//
// # Lines (BG-25)
//
// For each line:
//
//	gross    = round(quantity (BT-129) x unit price (BT-146))
//	discount = round(gross x discountPercent (BT-138) / 100)      (BT-136)
//	amount   = gross - discount                                    (BT-131)
//
// The subtotal is the sum of the line amounts (BT-106). When a line carries
// an inclusive rate its amount still contains that tax.
//
// # Document discount (BG-20)
//
// A discount on the whole invoice is given either as a percentage of the
// subtotal (BT-94), giving round(subtotal x percent / 100), or as an amount
// (BT-92) greater than 0 and at most the subtotal. It is spread over the
// invoice's tax groups (the distinct sets of rates lines carry, lines with
// no rate forming one group of their own) in proportion to each group's
// amount, by the largest-remainder method: each group first gets the
// rounded-down exact share, and the minor units left over go one each to
// the groups with the largest remainders, the earlier group first on a tie.
// The shares therefore always sum to exactly the discount, and no group's
// share exceeds its amount.
//
// # Taxes (BG-23)
//
// A rate's base is the sum, over the groups carrying it, of the group's
// amount less its share of the document discount. The tax is computed once
// per rate on that base, never per line, so rounding happens once:
//
//	exclusive: tax = round(base x p / 100),        taxable (BT-116) = base
//	inclusive: tax = round(base x p / (100 + p)),  taxable (BT-116) = base - tax
//
// Several exclusive rates may stack on one line (state and county sales
// tax); each applies to the full line amount, not to each other. A line
// carries at most one inclusive rate, and a line with an inclusive rate
// carries no exclusive one: the tax inside a price and a tax added on top of
// it would need an order between them that invoices do not print, so such a
// line is refused (put the taxes on separate lines, or make them all
// exclusive). Different lines of one invoice may use inclusive and
// exclusive rates. Lines without a rate are untaxed and appear in no
// breakdown entry. A 0 % rate (ZERO, EXEMPT, REVERSE_CHARGE...) does
// appear, with its base and a tax of 0, as EN 16931 requires.
//
// The breakdown lists the rates in the order they first appear on the lines.
//
// # Totals
//
//	total tax = sum of every rate's tax, inclusive and exclusive   (BT-110)
//	total     = subtotal - document discount + exclusive taxes     (BT-112)
//
// Inclusive taxes are already inside the subtotal, so they do not add to
// the total.
package tax
