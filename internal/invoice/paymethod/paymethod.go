// Package paymethod names the ways a customer may pay an invoice. It has no
// dependencies, so the invoice lifecycle, the merchant's payment settings
// and the checkout all share it without importing each other.
package paymethod

// Method is a way a customer may pay.
type Method string

const (
	Crypto     Method = "CRYPTO"
	InfiniCard Method = "INFINI_CARD"
)
