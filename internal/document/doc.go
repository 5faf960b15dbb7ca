// Package document renders an invoice as one self-contained HTML document:
// tables for layout, CSS inlined into style attributes, the QR code as a data
// URI, no scripts and nothing fetched from the network. The very same bytes
// are the email body, the dashboard preview and the input to the PDF
// renderer, so the three can never drift apart.
package document
