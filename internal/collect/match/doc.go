// Package match decides which of a merchant's open invoices an incoming
// payment pays, by which rule and how sure it is; it reads no database.
package match
