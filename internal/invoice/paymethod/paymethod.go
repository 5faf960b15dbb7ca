// Package paymethod names the ways a customer may pay an invoice. It has no
// dependencies, so the invoice lifecycle, the merchant's payment settings
// and the checkout all share it without importing each other.
package paymethod

// Method is a way a customer may pay.
type Method string

// The methods, as stored on an invoice and named in the API: crypto (to
// the merchant's wallets, or through Infini) and Infini's card checkout.
const (
	Crypto     Method = "CRYPTO"
	InfiniCard Method = "INFINI_CARD"
)
