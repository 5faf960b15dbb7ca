// Package checkout is the customer's side of an invoice: the public page
// behind the payment link (/pay/{token}) that shows the invoice document,
// what is due and how to pay it. It needs no account; the token in the link
// (192 random bits, unrelated to the invoice id) is the only key.
package checkout
