package mail

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/tally-invoicing/tally/ent"
	entemail "github.com/tally-invoicing/tally/ent/email"
	"github.com/tally-invoicing/tally/ent/invoiceevent"
	"github.com/tally-invoicing/tally/ent/schema"
	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/pdf"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Reminder is one automatic reminder to queue: the invoice (id, merchant,
// number and version are read) and what the row needs without rendering
// the document.
type Reminder struct {
	Invoice *ent.Invoice
	// Step is the reminder step in days relative to the due date; with the
	// invoice it makes the dedupe key.
	Step int
	// To is the customer's address; Lang the customer's language, else
	// the merchant's.
	To, Lang     string
	MerchantName string
	// ReplyTo is the merchant owner's address, "" for none.
	ReplyTo string
	// Note is the timeline's line, e.g. "automatic reminder (3 days
	// before due)".
	Note string
}

// ReminderKey is the dedupe key of invoiceID's reminder at step: the
// unique key that makes it exist at most once.
func ReminderKey(invoiceID string, step int) string {
	return fmt.Sprintf("reminder/%s/%d", invoiceID, step)
}

// reminderBatch keeps an INSERT of reminder rows (about 14 columns each)
// well under PostgreSQL's 65,535 parameters.
const reminderBatch = 1000

// QueueReminders writes rs to the outbox through tx as REMINDER emails
// without a body (RenderReminder builds it when the email is sent), each
// with its dedupe key, and an EMAIL_QUEUED line on each invoice's timeline
// dated at. A reminder whose key already exists (another process queued
// it, or a pass before a crash did) is skipped, not an error: the INSERT
// is ON CONFLICT DO NOTHING, so the transaction stays usable on
// PostgreSQL. It returns the reminders it queued.
func (o *Outbox) QueueReminders(ctx context.Context, tx *ent.Client, rs []Reminder, at time.Time) ([]Reminder, error) {
	ctx = tenant.System(ctx)
	var queued []Reminder
	for start := 0; start < len(rs); start += reminderBatch {
		batch := rs[start:min(start+reminderBatch, len(rs))]
		ids := make([]string, len(batch))
		creates := make([]*ent.EmailCreate, len(batch))
		now := o.now()
		for i, r := range batch {
			ids[i] = schema.NewID("eml")
			snap := document.Snapshot{Lang: r.Lang, MerchantName: r.MerchantName}
			if r.Invoice.Number != nil {
				snap.Number = *r.Invoice.Number
			}
			creates[i] = tx.Email.Create().SetID(ids[i]).SetMerchantID(r.Invoice.MerchantID).
				SetInvoiceID(r.Invoice.ID).SetKind(entemail.KindREMINDER).SetTo(r.To).SetReplyTo(r.ReplyTo).
				SetSubject(Subject(snap, KindReminder)).SetHTML("").SetText("").
				SetNextAttemptAt(now).SetProvider(o.sender.Name()).
				SetDedupeKey(ReminderKey(r.Invoice.ID, r.Step))
		}
		err := tx.Email.CreateBulk(creates...).
			OnConflict(sql.ConflictColumns(entemail.FieldDedupeKey), sql.DoNothing()).
			Exec(ctx)
		if err != nil {
			return queued, fmt.Errorf("queue reminders: %w", err)
		}
		// Which rows this transaction wrote: the ids are ours, so a row
		// with one of them was not a duplicate.
		mine, err := tx.Email.Query().Where(entemail.IDIn(ids...)).IDs(ctx)
		if err != nil {
			return queued, fmt.Errorf("queue reminders: read back: %w", err)
		}
		inserted := make(map[string]bool, len(mine))
		for _, id := range mine {
			inserted[id] = true
		}
		var evs []*ent.InvoiceEventCreate
		for i, r := range batch {
			if !inserted[ids[i]] {
				continue
			}
			queued = append(queued, r)
			evs = append(evs, tx.InvoiceEvent.Create().SetMerchantID(r.Invoice.MerchantID).
				SetInvoiceID(r.Invoice.ID).SetType(invoiceevent.TypeEMAIL_QUEUED).SetAt(at).
				SetActor("system").SetNote(r.Note+" to "+r.To).SetInvoiceVersion(r.Invoice.Version))
		}
		if len(evs) > 0 {
			if err := tx.InvoiceEvent.CreateBulk(evs...).Exec(ctx); err != nil {
				return queued, fmt.Errorf("queue reminders: timeline: %w", err)
			}
		}
	}
	return queued, nil
}

// RenderReminder builds an automatic reminder when it is sent: the
// invoice's document as it is now (the amount still due, the payment
// link) in the customer's language, its text part, and the PDF. A reminder
// whose invoice stopped being owed after it was queued (paid, voided,
// written off) is not sent: that failure is permanent.
func (o *Outbox) RenderReminder(ctx context.Context, e *ent.Email) (Rendered, error) {
	inv := e.Edges.Invoice
	if inv == nil {
		return Rendered{}, fmt.Errorf("%w: the reminder has no invoice", ErrPermanent)
	}
	if !inv.Status.Collectible() {
		return Rendered{}, fmt.Errorf("%w: not sent, the invoice became %s before the reminder left", ErrPermanent, inv.Status)
	}
	snap, err := document.Load(ctx, inv, o.baseURL)
	if err != nil {
		return Rendered{}, err
	}
	// Every email to a customer carries their portal link (email only).
	cust, err := o.client.Customer.Get(ctx, inv.CustomerID)
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
	m, err := inv.QueryMerchant().Only(ctx)
	if err != nil {
		return Rendered{}, err
	}
	printed, err := o.pdf.Render(ctx, pdf.Document{HTML: document.WithoutMessage(html), Paper: pdf.Paper(m.PaperSize),
		Title: documentTitle(string(html), "Invoice "+snap.Number), Author: m.Name})
	if err != nil {
		return Rendered{}, fmt.Errorf("print the PDF attachment: %w", err)
	}
	return Rendered{HTML: string(html), Text: PlainText(snap), FromName: m.Name,
		Attachments: []Attachment{{Name: snap.Number + ".pdf", Data: printed}}}, nil
}
