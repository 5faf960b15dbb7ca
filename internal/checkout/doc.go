// Package checkout is the customer's side of an invoice: the public page
// behind the payment link (/pay/{token}) that shows the invoice document,
// what is due and how to pay it. It needs no account; the token in the link
// (192 random bits, unrelated to the invoice id) is the only key.
//
// Which methods a merchant can offer is internal/merchant's answer. Here:
// service.go wires the Service; payer.go is what a payer may see of an
// invoice; session.go starts checkout sessions; orders.go applies Infini's
// webhooks and reads back orders whose webhooks were lost; transfer.go takes
// stablecoin transfers seen on chain; page.go renders the page; http.go is the
// HTTP surface (NewHandler).
package checkout
