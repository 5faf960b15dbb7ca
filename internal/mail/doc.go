// Package mail sends invoices to customers. An email is written to the
// outbox (the emails table) in the same transaction as what caused it, and
// the Outbox worker delivers it through a Sender: Mailgun when configured,
// otherwise the dev mailbox, which keeps everything on this machine. Failed
// attempts are retried with exponential backoff; a row is claimed with a
// lease before sending, so two workers, in one process or several, never
// send the same row twice.
package mail
