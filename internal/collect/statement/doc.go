// Package statement reads a bank statement — a CSV export or an ISO 20022
// camt.053 file — into the incoming payments it lists, or rejects it whole.
//
// Only money received becomes a Line: debits, reversals, pending and zero
// entries are skipped, because money going out is not a collection. A file
// with any bad line is rejected with every problem found (up to 20), each
// naming its line and what to fix, so nothing is ever half-imported.
//
// Every Line has an ExternalID that stays the same when the same statement is
// imported again: the bank's own reference when the file has one, otherwise a
// hash of the line's content and its occurrence among identical lines.
package statement
