// Package schemadoc describes GraphQL schema elements that entgql generates but has no
// annotation for: the entity types themselves and the values of enum
// fields. ent/entc.go writes them into graph/ent.graphql (a schema hook), so
// that partner developers see them in GraphiQL and generated clients.
// Field and edge descriptions stay next to their fields in ent/schema, as
// Comment(...). It imports nothing, so entc.go can use it before any ent
// code exists.
package schemadoc

// TypeDescriptions describe the object types, one per ent schema.
var TypeDescriptions = map[string]string{
	"Query":             "Everything a client can read. Most fields need a signed-in user or an API key with the READ scope; checkout(token) is public.",
	"APIKey":            "A secret that lets a partner app act for one merchant, within its scopes. Only a prefix is ever shown after creation.",
	"Collection":        "Money that arrived (a bank transfer, a statement line, a crypto transfer nobody asked for) and how it was matched to invoices.",
	"CryptoWallet":      "A merchant's receiving address for one stablecoin on one network, used by the wallet checkout.",
	"Customer":          "Someone the merchant invoices: a person or company with a billing email.",
	"Email":             "One email Tally sent or is sending for an invoice, with its delivery status.",
	"Invoice":           "A bill to one customer. Built step by step as a DRAFT, then issued (OPEN) with a number and an RF payment reference; payments move it to PARTIALLY_PAID and PAID.",
	"InvoiceEvent":      "One entry of an invoice's timeline: who did what, when, and the status change it caused.",
	"Merchant":          "The business using Tally: its name and address on invoices, its defaults and payment settings.",
	"TaxRate":           "A tax the merchant charges (VAT 19 %, GST 10 %, Sales tax CA), put on invoice lines by id. Invoices copy the rates they use, so editing or archiving a rate never changes an invoice already priced.",
	"Payment":           "An allocation of money to one invoice: from a checkout, a matched collection or marked by hand. An undone payment stays listed, with undoneAt set.",
	"User":              "A person who signs in to the merchant's dashboard.",
	"CreditNote":        "A correction of an issued invoice (EN 16931 type 381), numbered CN-000001 and up: it lowers what the customer owes, and what was already paid beyond the new total becomes the customer's credit.",
	"CustomerCredit":    "One line of a customer's credit ledger: a credit note or an overpayment adds credit, applying it to an invoice or refunding it takes it away.",
	"RecurringSchedule": "Issues a copy of one invoice every period (a monthly retainer typed once), each with its own number and payment reference.",
	"WebhookEndpoint":   "A partner app's URL that Tally posts signed events to (Tally-Signature), with the event types it wants.",
	"WebhookEvent":      "Something that happened, as posted to endpoints: {id, type, createdAt, data}.",
	"WebhookDelivery":   "One event on its way to one endpoint: retried with exponential backoff for 3 days until the endpoint answers 2xx.",
	"WebhookAttempt":    "One POST of a webhook delivery and what the endpoint answered.",
}

// EnumValueDescriptions describe the values of enums generated from ent
// enum fields, by enum and value.
var EnumValueDescriptions = map[string]map[string]string{
	"AllocationRule": {
		"REFERENCE":   "The invoice's RF payment reference (or number) was found in the payment's text.",
		"CHECKOUT":    "Paid through the invoice's own checkout (Infini card or a wallet transfer of its unique amount).",
		"AMOUNT":      "No reference; the amount equals the customer's only open invoice of that amount (the oldest wins).",
		"COMBINATION": "No reference; the amount equals the sum of several of the customer's open invoices.",
		"MANUAL":      "Allocated by a person: markInvoicePaid or allocateCollection.",
	},
	"CustomerCreditKind": {
		"CREDIT_NOTE": "Credit from a credit note on an invoice that had been paid beyond its new total.",
		"OVERPAYMENT": "Money paid beyond an invoice's total.",
		"APPLIED":     "Credit used to pay an invoice (applyCustomerCredit).",
		"REFUNDED":    "Credit paid back to the customer outside Tally (recordRefund).",
	},
	"RecurringInterval": {
		"DAY":   "Every intervalCount days.",
		"WEEK":  "Every intervalCount weeks, on the start date's weekday.",
		"MONTH": "Every intervalCount months, on the start date's day of the month (a shorter month's last day when it has no such day).",
	},
	"RecurringStatus": {
		"ACTIVE":    "Making an invoice every period.",
		"PAUSED":    "Skipping periods until resumed; missed periods are not made up.",
		"CANCELLED": "Stopped for good by the merchant.",
		"ENDED":     "Reached its count or end date.",
	},
	"RefundChannel": {
		"BANK_TRANSFER": "Paid back by bank transfer.",
		"CASH":          "Paid back in cash.",
		"CRYPTO":        "Paid back in stablecoins.",
		"CARD":          "Refunded to the card it was paid with, through the card provider's own dashboard.",
		"OTHER":         "Paid back some other way (see note).",
	},
	"WebhookDeliveryStatus": {
		"PENDING":   "Waiting for its next attempt.",
		"SUCCEEDED": "The endpoint answered 2xx.",
		"FAILED":    "Given up: failing for 3 days, or the endpoint was disabled or deleted.",
	},
	"WebhookEndpointStatus": {
		"ENABLED":  "Receives events.",
		"DISABLED": "Receives none until enabled: by the merchant, or after failing for 3 days.",
	},
	"CollectionStatus": {
		"UNMATCHED": "Nothing allocated yet: waiting in the review queue.",
		"PARTIAL":   "Some allocated; the rest (unallocated) is waiting for review, or is the customer's credit.",
		"MATCHED":   "Fully allocated to invoices.",
		"SET_ASIDE": "A person decided that what is left pays no invoice (see setAsideReason): out of the review queue until restoreCollection.",
	},
	"SetAsideReason": { //nolint:gosec // G101: a GraphQL enum name, not a credential
		"NOT_INVOICE_PAYMENT": "Not a payment for an invoice: a loan, a transfer between own accounts, something Tally does not invoice.",
		"REFUNDED":            "Sent back to the payer; the note says how and when (Tally records the refund, it does not send it).",
		"CUSTOMER_CREDIT":     "Kept as the customer's credit for later invoices; it counts in Customer.credit.",
	},
	"EmailKind": { //nolint:gosec // G101: a GraphQL enum name, not a credential
		"INVOICE":          "The invoice itself, with the PDF attached and the payment link.",
		"REMINDER":         "A reminder about an unpaid invoice.",
		"PASSWORD_RESET":   "A \"forgot password\" link to one of the merchant's users; only the development mailbox lists these.",
		"RECEIPT":          "A receipt to the customer for one payment, with a PDF receipt attached.",
		"PAYMENT_NOTICE":   "\"You got paid\" to the merchant's owner for one payment.",
		"CREDIT_NOTE":      "A credit note to the customer, with its PDF attached.",
		"WEBHOOK_DISABLED": "To the merchant: a webhook endpoint failed for 3 days and was disabled.",
	},
	"EmailStatus": {
		"QUEUED":    "Waiting to be sent, or waiting for a retry after a failed attempt.",
		"SENT":      "Handed to the mail provider.",
		"DELIVERED": "The recipient's server accepted it.",
		"FAILED":    "Tally gave up after its attempts, or the provider refused it for good.",
		"BOUNCED":   "The recipient's server rejected it; the address is marked as bouncing.",
	},
	"TaxCategory": {
		"STANDARD":        "Standard or reduced rate (EN 16931 code S).",
		"ZERO":            "Zero-rated goods or services (code Z).",
		"EXEMPT":          "Exempt from tax (code E); give the exemption reason.",
		"REVERSE_CHARGE":  "The buyer accounts for the tax (code AE); give the reason.",
		"INTRA_COMMUNITY": "Intra-EU supply of goods or services, not taxed here (code K).",
		"EXPORT":          "Export outside the EU, not taxed here (code G).",
		"OUTSIDE_SCOPE":   "Not subject to tax (code O).",
	},
	"InvoiceDraftStep": {
		"CUSTOMER":        "Choose the customer (createInvoiceDraft).",
		"ITEMS":           "Add the line items (setInvoiceItems).",
		"DESCRIPTION":     "Optionally describe what the payment is for (setInvoiceDescription).",
		"PAYMENT_METHODS": "Choose how the customer may pay (setInvoicePaymentMethods).",
		"CONFIRM":         "Review, then create only or create and send (issueInvoice).",
	},
	"InvoiceEventType": {
		"CREATED":              "The draft was created.",
		"UPDATED":              "A draft step changed the invoice.",
		"ISSUED":               "Issued: numbered, given its payment reference, now OPEN.",
		"OVERDUE":              "The due date passed with money still owed (once per invoice); the status does not change.",
		"CREDIT_NOTE_CREATED":  "A credit note lowered what is due (see note).",
		"CREDIT_APPLIED":       "The customer's credit paid part or all of the invoice.",
		"REFUND_RECORDED":      "Credit from this invoice was recorded as paid back to the customer.",
		"VOIDED":               "Voided: cancelled, nothing is owed.",
		"MARKED_UNCOLLECTIBLE": "Written off as bad debt.",
		"PAYMENT_RECEIVED":     "Money was allocated to the invoice.",
		"PAYMENT_UNDONE":       "An allocation was taken back.",
		"EMAIL_QUEUED":         "An email to the customer was queued.",
		"EMAIL_SENT":           "The email was handed to the mail provider.",
		"EMAIL_FAILED":         "An attempt to send the email failed.",
		"EMAIL_DELIVERED":      "The customer's mail server accepted the email.",
		"EMAIL_BOUNCED":        "The customer's mail server rejected the email.",
	},
	"InvoiceStatus": {
		"DRAFT":          "Being written in the wizard: no number yet, editable, can be deleted.",
		"OPEN":           "Issued and waiting for payment.",
		"PARTIALLY_PAID": "Part of the total has been paid; amountDue is the rest.",
		"PAID":           "Paid in full (amountOverpaid says if more arrived).",
		"VOID":           "Cancelled after issuing; nothing is owed. Final.",
		"UNCOLLECTIBLE":  "Written off as bad debt; money that still arrives is recorded.",
	},
	"PaperSize": {
		"A4":     "ISO A4, 210 × 297 mm.",
		"LETTER": "US Letter, 8.5 × 11 in.",
	},
	"PaymentChannel": {
		"CHECKOUT_CRYPTO": "A stablecoin payment through the invoice's checkout.",
		"CHECKOUT_CARD":   "An Infini Corporate Card payment through the invoice's checkout.",
		"BANK_TRANSFER":   "A bank transfer, recorded or imported from a statement.",
		"CASH":            "Cash.",
		"OTHER":           "Any other way.",
		"CUSTOMER_CREDIT": "The customer's credit with the merchant (a credit note or an earlier overpayment), applied with applyCustomerCredit.",
	},
}
