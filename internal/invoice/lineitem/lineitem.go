// Package lineitem is the stored shape of an invoice's rows. Items live
// inside the invoice row: they are part of the document, always read with
// it, and never change once it is issued. It has no dependencies so the ent
// schema can use it.
package lineitem

// Item is one row of an invoice.
type Item struct {
	Name string `json:"name"`
	// Quantity is a decimal in canonical text form, e.g. "1.5".
	Quantity string `json:"quantity"`
	// UnitPrice and Amount are integers in the currency's minor unit.
	UnitPrice int64 `json:"unit_price"`
	Amount    int64 `json:"amount"`
}
