// Package infini is Tally's side of Infini's Payment API: a client that
// creates and reads hosted-checkout orders, webhook verification, and a
// local sandbox that behaves like Infini so the payment flow runs offline.
//
// The facts it relies on, with their sources, are in INFINI-API.md. Where
// Infini's public documentation is silent or contradicts itself, the choice
// made here is noted next to the code that makes it.
package infini
