package mail

import (
	"context"
	"fmt"
	"html/template"
	"strings"

	"github.com/tally-invoicing/tally/internal/ptr"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/collection"
	entcustomer "github.com/tally-invoicing/tally/ent/customer"
	entemail "github.com/tally-invoicing/tally/ent/email"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	entmerchant "github.com/tally-invoicing/tally/ent/merchant"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/ent/user"
	"github.com/tally-invoicing/tally/internal/customer"
	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/i18n"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/pdf"
	"github.com/tally-invoicing/tally/internal/reference"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Dedupe keys of the payment emails: one of each per payment, whatever
// retries, processes or re-applied batches do (the column is unique).
const (
	receiptKey = "receipt/"
	noticeKey  = "payment-notice/"
)

// paymentBatch bounds the ids in one IN (...) and the rows of one insert.
const paymentBatch = 500

// PaymentEmails queues, inside tx (the payment's own transaction), the
// customer's receipt and the merchant's "you got paid" notice for each
// payment. Rows are inserted in bulk without a body: the RECEIPT and
// PAYMENT_NOTICE Renderers build them when they are sent, so a statement
// import of many lines costs a few statements per batch.
//
//   - A receipt goes to the customer when the merchant has send_receipts on
//     and the customer's address is valid and not bouncing, for every
//     payment, whoever recorded it.
//   - A notice goes to the merchant's owner (its first user) when the
//     merchant has notify_payments on, for money that came by itself: a
//     checkout, a provider's webhook, a transfer matched by its reference.
//     Not for what a person recorded by hand (rule MANUAL), and not for
//     lines of an imported bank statement: the merchant who imported it
//     sees what matched on screen, and an import of 100,000 lines must not
//     send 100,000 emails.
//
// Each email exists at most once per payment: its dedupe key is unique and
// a conflicting insert does nothing.
func (o *Outbox) PaymentEmails(ctx context.Context, tx *ent.Client, pays []*ent.Payment) error {
	for i := 0; i < len(pays); i += paymentBatch {
		if err := o.paymentEmails(ctx, tx, pays[i:min(i+paymentBatch, len(pays))]); err != nil {
			return fmt.Errorf("queue payment emails: %w", err)
		}
	}
	return nil
}

func (o *Outbox) paymentEmails(ctx context.Context, tx *ent.Client, pays []*ent.Payment) error {
	merchantIDs, invoiceIDs := uniq(pays, func(p *ent.Payment) string { return p.MerchantID }),
		uniq(pays, func(p *ent.Payment) string { return p.InvoiceID })
	merchants := map[string]*ent.Merchant{}
	ms, err := tx.Merchant.Query().Where(entmerchant.IDIn(merchantIDs...)).
		Select(entmerchant.FieldID, entmerchant.FieldName, entmerchant.FieldLanguage,
			entmerchant.FieldSendReceipts, entmerchant.FieldNotifyPayments).All(ctx)
	if err != nil {
		return fmt.Errorf("load merchants: %w", err)
	}
	anyOn := false
	for _, m := range ms {
		merchants[m.ID] = m
		anyOn = anyOn || m.SendReceipts || m.NotifyPayments
	}
	if !anyOn {
		return nil
	}
	invs, err := tx.Invoice.Query().Where(entinvoice.IDIn(invoiceIDs...)).
		Select(entinvoice.FieldID, entinvoice.FieldCustomerID, entinvoice.FieldNumber).All(ctx)
	if err != nil {
		return fmt.Errorf("load invoices: %w", err)
	}
	invoices := map[string]*ent.Invoice{}
	var customerIDs []string
	for _, inv := range invs {
		invoices[inv.ID] = inv
		customerIDs = append(customerIDs, inv.CustomerID)
	}
	cs, err := tx.Customer.Query().Where(entcustomer.IDIn(customerIDs...)).
		Select(entcustomer.FieldID, entcustomer.FieldName, entcustomer.FieldEmail,
			entcustomer.FieldEmailBouncing, entcustomer.FieldLanguage).All(ctx)
	if err != nil {
		return fmt.Errorf("load customers: %w", err)
	}
	customers := map[string]*ent.Customer{}
	for _, c := range cs {
		customers[c.ID] = c
	}
	imported, err := importedCollections(ctx, tx, pays)
	if err != nil {
		return err
	}
	owners := map[string]string{} // merchant id -> owner's email, "" for none
	now := o.now()
	var rows []*ent.EmailCreate
	for _, p := range pays {
		m, inv := merchants[p.MerchantID], invoices[p.InvoiceID]
		if m == nil || inv == nil {
			continue
		}
		cust := customers[inv.CustomerID]
		if cust == nil {
			continue
		}
		number := ""
		if inv.Number != nil {
			number = *inv.Number
		}
		if _, ok := owners[m.ID]; !ok && (m.SendReceipts || m.NotifyPayments) {
			owners[m.ID] = ownerEmail(ctx, tx, m.ID)
		}
		if m.SendReceipts && deliverable(cust) {
			lang := m.Language
			if cust.Language != nil && *cust.Language != "" {
				lang = *cust.Language
			}
			rows = append(rows, tx.Email.Create().
				SetMerchantID(m.ID).SetInvoiceID(inv.ID).SetPaymentID(p.ID).
				SetKind(entemail.KindRECEIPT).SetTo(cust.Email).SetReplyTo(owners[m.ID]).
				SetSubject(HeaderText(i18n.For(lang).T("mail.receipt_subject", number, m.Name))).
				SetHTML("").SetText("").SetNextAttemptAt(now).SetProvider(o.sender.Name()).
				SetDedupeKey(receiptKey+p.ID))
		}
		if m.NotifyPayments && owners[m.ID] != "" && p.Rule != payment.RuleMANUAL && !imported[ptr.Val(p.CollectionID)] {
			pr := i18n.For(m.Language)
			c, _ := money.Lookup(p.Currency)
			rows = append(rows, tx.Email.Create().
				SetMerchantID(m.ID).SetPaymentID(p.ID).
				SetKind(entemail.KindPAYMENT_NOTICE).SetTo(owners[m.ID]).
				SetSubject(HeaderText(pr.T("notice.subject", pr.Money(p.AmountMinor, c), cust.Name))).
				SetHTML("").SetText("").SetNextAttemptAt(now).SetProvider(o.sender.Name()).
				SetDedupeKey(noticeKey+p.ID))
		}
	}
	if len(rows) == 0 {
		return nil
	}
	for i := 0; i < len(rows); i += paymentBatch {
		err := tx.Email.CreateBulk(rows[i:min(i+paymentBatch, len(rows))]...).
			OnConflictColumns(entemail.FieldDedupeKey).DoNothing().Exec(ctx)
		if err != nil {
			return fmt.Errorf("insert: %w", err)
		}
	}
	return nil
}

// importedCollections are the collections among pays' that came from an
// imported bank statement.
func importedCollections(ctx context.Context, tx *ent.Client, pays []*ent.Payment) (map[string]bool, error) {
	var ids []string
	for _, p := range pays {
		// Only matched money can come from a statement.
		if p.CollectionID != nil && p.Rule != payment.RuleMANUAL && p.Rule != payment.RuleCHECKOUT {
			ids = append(ids, *p.CollectionID)
		}
	}
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	got, err := tx.Collection.Query().Where(collection.IDIn(ids...), collection.StatementNEQ("")).IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("find imported collections: %w", err)
	}
	for _, id := range got {
		out[id] = true
	}
	return out, nil
}

// ownerEmail is the merchant's first user's address, or "".
func ownerEmail(ctx context.Context, tx *ent.Client, merchantID string) string {
	u, err := tx.User.Query().Where(user.MerchantID(merchantID)).Order(ent.Asc(user.FieldCreatedAt)).
		Select(user.FieldEmail).First(ctx)
	if err != nil {
		return ""
	}
	return u.Email
}

// deliverable reports whether email to c can reach anyone: a valid
// address the provider has not reported as bouncing.
func deliverable(c *ent.Customer) bool {
	return strings.Contains(c.Email, "@") && !c.EmailBouncing
}

func uniq(pays []*ent.Payment, key func(*ent.Payment) string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range pays {
		if k := key(p); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// PortalURL is cust's portal link, giving cust a token first if it has
// none (a customer stored before portal links existed). Every email to a
// customer carries it: a Renderer sets document.Snapshot.PortalURL (the
// email-only row) and adds it to the text part, as Enqueue does.
func (o *Outbox) PortalURL(ctx context.Context, tx *ent.Client, cust *ent.Customer) (string, error) {
	cust, err := customer.EnsurePortalToken(ctx, tx, cust)
	if err != nil {
		return "", err
	}
	return customer.PortalURL(o.baseURL, cust), nil
}

// RenderReceipt is the Renderer of RECEIPT emails: the receipt document
// in the customer's language as the body, with the portal link in the
// email-only part, and the same document printed as "Receipt
// INV-000001.pdf".
func (o *Outbox) RenderReceipt(ctx context.Context, e *ent.Email) (Rendered, error) {
	ctx = tenant.System(ctx)
	if e.PaymentID == nil {
		return Rendered{}, fmt.Errorf("receipt email %s names no payment", e.ID)
	}
	pay, err := o.client.Payment.Get(ctx, *e.PaymentID)
	if err != nil {
		return Rendered{}, fmt.Errorf("load payment: %w", err)
	}
	r, err := document.LoadReceipt(ctx, o.client, pay)
	if err != nil {
		return Rendered{}, err
	}
	inv, err := o.client.Invoice.Query().Where(entinvoice.ID(pay.InvoiceID)).WithCustomer().Only(ctx)
	if err != nil {
		return Rendered{}, fmt.Errorf("load invoice: %w", err)
	}
	if r.PortalURL, err = o.PortalURL(ctx, o.client, inv.Edges.Customer); err != nil {
		return Rendered{}, err
	}
	body, err := document.RenderReceipt(r)
	if err != nil {
		return Rendered{}, err
	}
	paper := pdf.Paper(document.PaperA4)
	if r.Paper != "" {
		paper = pdf.Paper(r.Paper)
	}
	printed, err := o.pdf.Render(ctx, pdf.Document{HTML: document.WithoutMessage(body), Paper: paper, Title: r.Title(), Author: r.MerchantName})
	if err != nil {
		return Rendered{}, fmt.Errorf("print the PDF receipt: %w", err)
	}
	return Rendered{
		HTML: string(body), Text: ReceiptText(r),
		Attachments: []Attachment{{Name: r.FileName(), Data: printed}},
		FromName:    r.MerchantName,
	}, nil
}

// ReceiptText is a receipt's text/plain part, in its language.
func ReceiptText(r document.Receipt) string {
	p := i18n.For(r.Lang)
	var b strings.Builder
	line := func(label, value string) {
		b.WriteString(p.T("label_value", label, value))
		b.WriteByte('\n')
	}
	b.WriteString(p.T("mail.receipt_subject", r.InvoiceNumber, r.MerchantName))
	b.WriteString("\n\n")
	line(p.T("receipt.amount_paid"), p.Money(r.Amount, r.Currency))
	line(p.T("receipt.method"), document.ChannelLabel(p, r.Channel))
	line(p.T("receipt.date"), p.Date(r.ReceivedAt))
	line(p.T("receipt.for_invoice"), r.InvoiceNumber)
	if r.Reference != "" {
		line(p.T("doc.payment_reference"), reference.Format(r.Reference))
	}
	if r.StillDue > 0 {
		line(p.T("receipt.still_due"), p.Money(r.StillDue, r.Currency))
	} else {
		b.WriteString(p.T("receipt.paid_in_full"))
		b.WriteByte('\n')
	}
	b.WriteString("\n")
	b.WriteString(p.T("receipt.thanks"))
	b.WriteString("\n")
	b.WriteString(p.T("mail.receipt_attached"))
	b.WriteString("\n")
	if r.PortalURL != "" {
		b.WriteString("\n")
		line(p.T("mail.portal", r.MerchantName), r.PortalURL)
	}
	return b.String()
}

// noticeTemplate is the merchant's "you got paid" email: short, one link.
var noticeTemplate = template.Must(template.New("notice").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Subject}}</title></head>
<body style="margin: 0; padding: 24px 14px; background: #ffffff; color: #1f2430; font-family: 'Noto Sans', 'Helvetica Neue', Arial, sans-serif; font-size: 15px; line-height: 1.5;">
<div style="max-width: 560px; margin: 0 auto;">
<p style="font-size: 22px; font-weight: 700; margin: 0 0 12px 0;">{{.Amount}}</p>
<p style="margin: 0 0 12px 0;">{{.Sentence}}</p>
<p style="margin: 0 0 4px 0; color: #4b5563;">{{.Method}}</p>
<p style="margin: 0 0 20px 0; color: #4b5563;">{{.Due}}</p>
<p style="margin: 0 0 24px 0;"><a href="{{.Link}}" style="display: inline-block; background: #3b5bdb; color: #ffffff; text-decoration: none; font-weight: 700; padding: 10px 22px; border-radius: 6px;">{{.View}}</a></p>
<p style="margin: 0; color: #9ca3af; font-size: 12px;">{{.Why}}</p>
</div></body></html>
`))

type noticeView struct {
	Lang, Subject, Amount, Sentence, Method, Due, Link, View, Why string
}

// RenderPaymentNotice is the Renderer of PAYMENT_NOTICE emails: who paid,
// how much, for which invoice, and a link to the invoice in the
// dashboard, in the merchant's language, from Tally.
func (o *Outbox) RenderPaymentNotice(ctx context.Context, e *ent.Email) (Rendered, error) {
	ctx = tenant.System(ctx)
	if e.PaymentID == nil {
		return Rendered{}, fmt.Errorf("payment notice %s names no payment", e.ID)
	}
	pay, err := o.client.Payment.Get(ctx, *e.PaymentID)
	if err != nil {
		return Rendered{}, fmt.Errorf("load payment: %w", err)
	}
	r, err := document.LoadReceipt(ctx, o.client, pay)
	if err != nil {
		return Rendered{}, err
	}
	m, err := o.client.Merchant.Query().Where(entmerchant.ID(pay.MerchantID)).Select(entmerchant.FieldLanguage).Only(ctx)
	if err != nil {
		return Rendered{}, fmt.Errorf("load merchant: %w", err)
	}
	p := i18n.For(m.Language)
	amount := p.Money(r.Amount, r.Currency)
	v := noticeView{
		Lang: p.Lang(), Subject: e.Subject, Amount: amount,
		Sentence: p.T("notice.paid", r.CustomerName, amount, r.InvoiceNumber),
		Method:   p.T("label_value", p.T("receipt.method"), document.ChannelLabel(p, r.Channel)),
		Due:      p.T("label_value", p.T("receipt.still_due"), p.Money(r.StillDue, r.Currency)),
		Link:     o.baseURL + "/invoices/" + pay.InvoiceID,
		View:     p.T("notice.view"), Why: p.T("notice.why"),
	}
	if r.StillDue <= 0 {
		v.Due = p.T("receipt.paid_in_full")
	}
	var b strings.Builder
	if err := noticeTemplate.Execute(&b, v); err != nil {
		return Rendered{}, fmt.Errorf("render payment notice: %w", err)
	}
	text := v.Sentence + "\n\n" + v.Method + "\n" + v.Due + "\n\n" + p.T("label_value", v.View, v.Link) + "\n\n" + v.Why + "\n"
	return Rendered{HTML: b.String(), Text: text, FromName: "Tally"}, nil
}
