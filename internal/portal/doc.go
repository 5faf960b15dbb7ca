// Package portal serves the customer portal: one long-lived, revocable link
// per customer (/portal/{token}) that shows every issued invoice with its
// status and amount due, its PDF, receipts, credit notes and a payment
// button, under the same payer-safe rules as the payment page.
package portal
