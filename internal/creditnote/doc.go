// Package creditnote issues credit notes against issued invoices (lines or
// an amount, numbered CN-000001 per merchant without gaps) and keeps the
// customer's credit ledger: what credit notes and overpayments add, what
// applying credit to an invoice or refunding it takes away.
package creditnote
