// Package money does exact arithmetic on amounts: integer minor units inside
// Tally, decimal text at the edges, currency exponents from one table.
// Floats never touch money.
package money
