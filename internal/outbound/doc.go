// Package outbound is the one HTTP client Tally calls other servers with
// (Infini, Mailgun), so that no merchant-entered or configured URL can make
// the server reach into its own network.
//
// The policy is checked on the address each connection actually dials, after
// DNS, so a name that resolves (or is re-pointed) to a private address is
// refused just like the literal address. Redirects are never followed, and
// every stage of a call has a deadline.
package outbound
