package mail

import (
	"context"
	"fmt"
	"strings"

	"github.com/tally-invoicing/tally/ent"
	entemail "github.com/tally-invoicing/tally/ent/email"
	"github.com/tally-invoicing/tally/ent/invoiceevent"
	"github.com/tally-invoicing/tally/ent/user"
	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/i18n"
	"github.com/tally-invoicing/tally/internal/pdf"
)

// EnqueueCreditNote queues credit note cn's email to its customer inside
// tx: a CREDIT_NOTE row, carrying the invoice's id so it shows on the
// invoice's timeline, rendered with the PDF attached when it is sent
// (CreditNoteRenderer).
func (o *Outbox) EnqueueCreditNote(ctx context.Context, tx *ent.Client, cn *ent.CreditNote) (*ent.Email, error) {
	cust, err := tx.Customer.Get(ctx, cn.CustomerID)
	if err != nil {
		return nil, fmt.Errorf("customer of credit note %s: %w", cn.ID, err)
	}
	if !strings.Contains(cust.Email, "@") {
		return nil, fault.Invalid("customer.email", "the customer has no valid email address; edit the customer first")
	}
	snap, err := document.LoadCreditNote(ctx, cn)
	if err != nil {
		return nil, err
	}
	replyTo := ""
	if owner, err := tx.User.Query().Where(user.MerchantID(cn.MerchantID)).Order(ent.Asc(user.FieldCreatedAt)).First(ctx); err == nil {
		replyTo = owner.Email
	}
	e, err := tx.Email.Create().
		SetInvoiceID(cn.InvoiceID).
		SetCreditNoteID(cn.ID).
		SetKind(entemail.KindCREDIT_NOTE).
		SetTo(cust.Email).
		SetReplyTo(replyTo).
		SetSubject(HeaderText(i18n.For(snap.Lang).T("mail.cn_subject", snap.Number, snap.MerchantName))).
		SetHTML("").
		SetText("").
		SetNextAttemptAt(o.now()).
		SetProvider(o.sender.Name()).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("queue credit note %s: %w", cn.ID, err)
	}
	inv, err := tx.Invoice.Get(ctx, cn.InvoiceID)
	if err != nil {
		return nil, err
	}
	if err := event(ctx, tx, inv, invoiceevent.TypeEMAIL_QUEUED, o.now(), cn.Number+" to "+cust.Email); err != nil {
		return nil, err
	}
	return e, nil
}

// CreditNoteRenderer builds a CREDIT_NOTE email when it is sent: the credit
// note document as the body, a short text part in the customer's
// language, and the document printed as CN-000001.pdf by the same PDF
// pool as invoices.
func (o *Outbox) CreditNoteRenderer() Renderer {
	return func(ctx context.Context, e *ent.Email) (Rendered, error) {
		if e.CreditNoteID == nil {
			return Rendered{}, fmt.Errorf("email %s names no credit note", e.ID)
		}
		cn, err := o.client.CreditNote.Get(ctx, *e.CreditNoteID)
		if err != nil {
			return Rendered{}, fmt.Errorf("load credit note: %w", err)
		}
		snap, err := document.LoadCreditNote(ctx, cn)
		if err != nil {
			return Rendered{}, err
		}
		// The PDF is the document alone; the email adds the portal link.
		printable, err := document.Render(snap)
		if err != nil {
			return Rendered{}, err
		}
		cust, err := o.client.Customer.Get(ctx, cn.CustomerID)
		if err != nil {
			return Rendered{}, err
		}
		if snap.PortalURL, err = o.PortalURL(ctx, o.client, cust); err != nil {
			return Rendered{}, err
		}
		html, err := document.Render(snap)
		if err != nil {
			return Rendered{}, err
		}
		printed, err := o.pdf.Render(ctx, pdf.Document{HTML: printable, Paper: pdf.Paper(snap.Paper), Title: snap.Title(), Author: snap.MerchantName})
		if err != nil {
			return Rendered{}, fmt.Errorf("print the PDF attachment: %w", err)
		}
		return Rendered{
			HTML:        string(html),
			Text:        creditNoteText(snap),
			Attachments: []Attachment{{Name: snap.FileName(), Data: printed}},
			FromName:    snap.MerchantName,
		}, nil
	}
}

// creditNoteText is a credit note email's text part.
func creditNoteText(s document.Snapshot) string {
	p := i18n.For(s.Lang)
	var b strings.Builder
	b.WriteString(p.T("mail.cn_subject", s.Number, s.MerchantName))
	b.WriteString("\n\n")
	if s.Credit != nil {
		date := ""
		if s.Credit.InvoiceIssuedAt != nil {
			date = p.Date(*s.Credit.InvoiceIssuedAt)
		}
		b.WriteString(p.T("doc.cn_corrects", s.Credit.InvoiceNumber, date))
		b.WriteString("\n")
		b.WriteString(p.T("label_value", p.T("doc.cn_reason"), s.Credit.Reason))
		b.WriteString("\n")
	}
	b.WriteString(p.T("label_value", p.T("doc.cn_total"), p.Money(s.Total, s.Currency)))
	b.WriteString("\n\n")
	b.WriteString(p.T("mail.cn_attached"))
	b.WriteString("\n")
	if s.PortalURL != "" {
		b.WriteString("\n")
		b.WriteString(p.T("label_value", p.T("mail.portal", s.MerchantName), s.PortalURL))
		b.WriteString("\n")
	}
	return b.String()
}
