// Package wallet takes stablecoin payments (USDT, USDC) straight to a
// merchant's own self-custody addresses: it knows the networks and tokens,
// checks addresses, builds the payment request a wallet app scans, gives each
// checkout a unique amount and verifies the chain watcher's signed webhooks.
//
// It holds no keys and talks to no chain. Amounts are US dollars: one token
// is one dollar, and converting an invoice in another currency is the
// caller's job.
package wallet
