// Package recurring is Tally's recurring invoices: a schedule copies one
// invoice every N days, weeks or months, and its job makes each period's
// invoice (issued and emailed, or left as a draft) exactly once, whatever
// processes race or restart.
package recurring
