// Package lineitem is the stored shape of an invoice's rows, the taxes they
// carry and the discount on the whole document. Items live inside the
// invoice row: they are part of the document, always read with it, and
// never change once it is issued. Taxes are copied into the lines when they
// are priced, so editing a tax rate later changes no invoice. It has no
// dependencies so the ent schema can use it. The arithmetic is internal/tax.
package lineitem

// Item is one row of an invoice (EN 16931 BG-25).
type Item struct {
	Name string `json:"name"`
	// Quantity is a decimal in canonical text form, e.g. "1.5" (BT-129).
	Quantity string `json:"quantity"`
	// UnitPrice is in the currency's minor unit (BT-146).
	UnitPrice int64 `json:"unit_price"`
	// DiscountPercent is the line's discount in percent as decimal text,
	// "" when none (BT-138).
	DiscountPercent string `json:"discount_percent,omitempty"`
	// DiscountAmount is round(quantity x unit price) x DiscountPercent / 100,
	// rounded, in minor units (BT-136).
	DiscountAmount int64 `json:"discount_amount,omitempty"`
	// Amount is the line amount after its discount, in minor units (BT-131).
	// For an inclusive tax it still includes that tax.
	Amount int64 `json:"amount"`
	// Taxes are the rates the line carries, as they were when it was priced.
	Taxes []Tax `json:"taxes,omitempty"`
	// Line is, on a credit note, the position (from 0) of the invoice line
	// this row credits; nil on an invoice and for rows that credit an
	// amount or a share of the document discount.
	Line *int `json:"line,omitempty"`
}

// Tax is a tax rate as it was applied: a copy, not a reference.
type Tax struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Percentage string `json:"percentage"` // canonical decimal text, "19", "8.875"
	Inclusive  bool   `json:"inclusive,omitempty"`
	// Category is the EN 16931 VAT category (BT-151): STANDARD, ZERO,
	// EXEMPT, REVERSE_CHARGE, INTRA_COMMUNITY, EXPORT, OUTSIDE_SCOPE.
	Category        string `json:"category"`
	Country         string `json:"country,omitempty"`
	ExemptionReason string `json:"exemption_reason,omitempty"` // BT-120
}

// TaxAmount is the tax of one rate on the whole invoice (EN 16931 BG-23).
type TaxAmount struct {
	Tax Tax `json:"tax"`
	// Taxable is the base the rate applies to after the document discount,
	// without the tax itself, in minor units (BT-116).
	Taxable int64 `json:"taxable"`
	// Amount is the tax, in minor units (BT-117).
	Amount int64 `json:"amount"`
}

// Discount is a discount on the whole document (EN 16931 BG-20): either a
// percentage of the subtotal or a fixed amount, with a reason.
type Discount struct {
	// Percent is decimal text ("10", "2.5"), "" when Amount is given (BT-94).
	Percent string `json:"percent,omitempty"`
	// Amount is in minor units: given, or computed from Percent (BT-92).
	Amount int64 `json:"amount"`
	// Reason is printed next to it (BT-97).
	Reason string `json:"reason,omitempty"`
}
