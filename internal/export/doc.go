// Package export writes the merchant's invoices, payments and collections
// as CSV for spreadsheets: streamed a page at a time (keyset on id, so an
// export of any size holds one page in memory), the same filters as the
// API's lists, UTF-8 with a header row, amounts as plain decimal strings,
// and every cell that a spreadsheet would take for a formula (starting
// with =, +, -, @, a tab or a carriage return) prefixed with a single
// quote, so a customer's name cannot run in the merchant's spreadsheet.
package export
