// Package webhook posts signed events to partner apps' endpoints, as Stripe
// does: Emit writes an event and one delivery per subscribed endpoint in
// the same transaction as the change it reports (a webhook outbox), and the
// delivery worker posts them with a Tally-Signature header, retrying with
// exponential backoff for three days.
//
// Events are stored only when some endpoint of the merchant wants them, so
// a merchant without endpoints pays nothing for them.
package webhook
