package i18n

// enMessages is the reference table: every key used anywhere is here, and
// every other language has exactly these keys with the same fmt verbs.
// A comment says where a message is printed when the key does not.
//
// doc.*  the invoice document (email body, preview, PDF)
// mail.* the email's subject and text part
// page.* the payer's page (/pay/<token>)
var enMessages = table{
	// "Label: value" in plain text (French puts a space before the colon).
	"label_value": "%s: %s",

	"doc.invoice":           "INVOICE", // the big title
	"doc.draft":             "Draft",   // under the title, in place of the number
	"doc.stamp_paid":        "PAID",
	"doc.stamp_void":        "VOID",
	"doc.stamp_draft":       "DRAFT",
	"doc.title":             "Invoice %s", // %s: the number; PDF title, page title
	"doc.title_draft":       "Draft invoice",
	"doc.from":              "From",
	"doc.billed_to":         "Billed to",
	"doc.issued":            "Issued",
	"doc.not_issued":        "Not issued yet",
	"doc.due":               "Due",        // the due date's label
	"doc.on_receipt":        "On receipt", // the due date when there is none
	"doc.amount_due":        "Amount due",
	"doc.payment_reference": "Payment reference",
	"doc.tax_id":            "Tax ID", // the VAT/GST number's label
	"doc.item":              "Item",
	"doc.qty":               "Qty",
	"doc.unit_price":        "Unit price",
	"doc.amount":            "Amount",
	"doc.line_discount":     "Discount %s", // under an item: %s is "10%" or an amount
	"doc.tax_included":      "%s incl.",    // a price-inclusive tax: %s is "VAT 20%"
	"doc.subtotal":          "Subtotal",
	"doc.discount":          "Discount",
	"doc.total":             "Total",
	"doc.paid":              "Paid",
	"doc.tax_summary":       "Tax summary",
	"doc.tax_rate":          "Rate",
	"doc.taxable":           "Net amount", // the taxable base of a rate
	"doc.tax":               "Tax",
	// Printed under the tax summary for a rate of that VAT category.
	"doc.note_reverse_charge":  "Reverse charge: VAT to be accounted for by the recipient.",
	"doc.note_intra_community": "Intra-Community supply of goods or services, exempt from VAT.",
	"doc.note_export":          "Export outside the EU, exempt from VAT.",
	"doc.note_exempt":          "Exempt from VAT.",
	"doc.note_outside_scope":   "Not subject to VAT.",
	"doc.exemption_reason":     "Reason for exemption: %s",
	"doc.notes":                "Notes",
	"doc.how_to_pay":           "How to pay",
	"doc.method_crypto":        "Stablecoins (USDT, USDC)",
	"doc.method_card":          "Card via Infini",
	"doc.pay_now":              "Pay now",
	"doc.or_open":              "Or open %s", // %s: the payment page's address
	"doc.quote_reference":      "Paying another way? Quote %s with your payment so it is matched to this invoice.",
	"doc.bank_transfer":        "Bank transfer",
	"doc.account_holder":       "Account holder",
	"doc.bank":                 "Bank",
	"doc.iban":                 "IBAN",
	"doc.bic":                  "BIC",
	"doc.account_number":       "Account number",
	"doc.routing_number":       "Routing number / sort code",
	"doc.payment_terms":        "Payment terms",
	"doc.terms_receipt":        "Due on receipt",
	"doc.terms_days": Plural{
		"one":   "Payment due within %d day",
		"other": "Payment due within %d days",
	},
	"doc.qr_alt": "QR code for the payment page",

	"mail.subject":    "Invoice %s from %s", // number, merchant
	"mail.reminder":   "Reminder: %s",       // %s: the subject
	"mail.pay_online": "Pay online",
	"mail.attached":   "The invoice is attached as a PDF.",

	"page.title":            "Invoice %s from %s", // number, merchant
	"page.the_invoice":      "The invoice",
	"page.paid_thanks":      "Thank you: this invoice is paid.",
	"page.already_paid":     "%s already paid",
	"page.due_on":           "Due %s",
	"page.pay_with":         "Pay with",
	"page.pay_another_way":  "Or pay another way",
	"page.download_pdf":     "Download PDF",
	"page.wallet_option":    "%s on %s", // asset, network: "USDT on Tron"
	"page.crypto_option":    "Stablecoins via Infini",
	"page.hint_wallet":      "Send from any wallet; no account needed",
	"page.hint_card":        "Visa, Mastercard and other cards, processed by Infini",
	"page.hint_crypto":      "USDT, USDC and more, through Infini",
	"page.pay_as_agreed":    "Pay %s as agreed and quote the payment reference above so your payment is matched to this invoice.",
	"page.failed":           "The payment did not go through. Nothing was charged; try again or choose another way to pay.",
	"page.processing":       "Your payment has been received and is being confirmed. This page updates by itself.",
	"page.send_exactly":     "Send exactly",
	"page.copy":             "Copy",
	"page.copy_address":     "Copy address",
	"page.copied":           "Copied",
	"page.on_network":       "on %s. The last digits identify your payment: send this exact amount.",
	"page.to_address":       "To address",
	"page.memo":             "Reference (memo, if your wallet has one)",
	"page.reserved_expired": "This amount was reserved until %s. A transfer sent now still counts; to be safe, start again below.",
	"page.transfer_seen":    "Transfer seen, waiting for confirmations…",
	"page.waiting":          "Waiting for your transfer (amount reserved until %s)…",
	"page.open_wallet":      "Open in wallet app",
	"page.wallet_qr_alt":    "QR code of the payment request",

	// Credit notes (internal/document/creditnote.go, internal/mail/creditnote.go).
	"doc.credit_note":  "CREDIT NOTE",               // the big title of a credit note
	"doc.cn_title":     "Credit note %s",            // %s: the number; PDF title, page title
	"doc.cn_corrects":  "Corrects invoice %s of %s", // invoice number, its issue date
	"doc.cn_reason":    "Reason",
	"doc.cn_total":     "Total credited",
	"mail.cn_subject":  "Credit note %s from %s", // number, merchant
	"mail.cn_attached": "The credit note is attached as a PDF.",
	// Receipts, payment notices and the customer portal (/portal/<token>).
	"receipt.heading":              "RECEIPT",
	"receipt.title":                "Receipt %s",
	"receipt.received_from":        "Received from",
	"receipt.date":                 "Date received",
	"receipt.method":               "Payment method",
	"receipt.amount_paid":          "Amount paid",
	"receipt.for_invoice":          "For invoice",
	"receipt.invoice_total":        "Invoice total",
	"receipt.credited":             "Credited",
	"receipt.paid_before":          "Paid before",
	"receipt.this_payment":         "This payment",
	"receipt.still_due":            "Still due",
	"receipt.paid_in_full":         "Paid in full",
	"receipt.thanks":               "Thank you for your payment.",
	"receipt.channel_card":         "Card",
	"receipt.channel_crypto":       "Stablecoins",
	"receipt.channel_bank":         "Bank transfer",
	"receipt.channel_cash":         "Cash",
	"receipt.channel_other":        "Other",
	"mail.portal":                  "All your invoices and receipts from %s",
	"mail.receipt_subject":         "Receipt for %s from %s",
	"mail.receipt_attached":        "The receipt is attached as a PDF.",
	"notice.subject":               "You got paid: %s from %s",
	"notice.paid":                  "%s paid %s for invoice %s.",
	"notice.view":                  "View the invoice",
	"notice.why":                   "You get this email because payment notifications are on in Settings.",
	"portal.title":                 "Your invoices from %s",
	"portal.for":                   "For %s",
	"portal.none":                  "There are no invoices here yet.",
	"portal.total_due":             "Total due",
	"portal.status_open":           "Open",
	"portal.status_partially_paid": "Partially paid",
	"portal.status_paid":           "Paid",
	"portal.status_uncollectible":  "Unpaid",
	"portal.overdue":               "Overdue",
	"portal.pay":                   "Pay %s",
	"portal.invoice_pdf":           "Invoice PDF",
	"portal.receipts":              "Receipts",
	"portal.receipt_line":          "%s received %s",
	"portal.credit_notes":          "Credit notes",
	"portal.latest":                "Showing the latest %d invoices.",
}
