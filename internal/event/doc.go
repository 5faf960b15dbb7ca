// Package event is the invoice status-change bus: after a change commits, the
// domain publishes its ids and every live subscriber of that merchant gets it.
//
// NewLocal serves a single process (SQLite). NewPostgres lets several tally
// processes share one database: Publish runs pg_notify and every process,
// including the publisher, receives the change through its pq.Listener, so
// there is one delivery path. Only ids travel; each process turns a Message
// into a value once, with Options.Load, before fanning it out.
//
// Each process handles messages one at a time on one goroutine, so a
// merchant's deliveries keep publish order; the price is that a slow Load
// delays the messages behind it (each Load has a 10 s deadline).
//
// Delivery is best effort, by design. A subscriber whose buffer is full is
// dropped (its channel is closed and Err reports ErrSlow) rather than allowed
// to hold up the others or the listener; a listener that loses its connection
// may miss changes made while it was down. Either way the client is expected
// to reconnect and refetch the invoice, which is the source of truth.
package event
