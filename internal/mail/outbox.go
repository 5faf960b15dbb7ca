package mail

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"math"
	netmail "net/mail"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/tally-invoicing/tally/ent"
	entemail "github.com/tally-invoicing/tally/ent/email"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/invoiceevent"
	"github.com/tally-invoicing/tally/ent/user"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/i18n"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/pdf"
	"github.com/tally-invoicing/tally/internal/reference"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/validate"
)

// PDFRenderer prints a document; internal/pdf's Pool is one.
type PDFRenderer interface {
	Render(ctx context.Context, doc pdf.Document) ([]byte, error)
}

// Outbox enqueues invoice emails and delivers them.
type Outbox struct {
	client  *ent.Client
	sender  Sender
	pdf     PDFRenderer
	baseURL string
	from    string
	owner   string // this worker's name in leases
	log     *slog.Logger

	// Poll is how often the worker looks for due emails when not woken.
	Poll time.Duration
	// Lease is how long a claimed email is reserved for one attempt.
	Lease time.Duration
	// MaxAttempts is when an email gives up and becomes FAILED.
	MaxAttempts int
	// Backoff is the wait before attempt n+1 after n failed attempts.
	Backoff func(n int) time.Duration
	now     func() time.Time
	wake    chan struct{}
	// renderers build the emails of their kind when they are sent.
	renderers map[entemail.Kind]Renderer
}

// Rendered is an email built when it is sent: its body, kept on the row
// as sent, and its attachments.
type Rendered struct {
	HTML, Text  string
	Attachments []Attachment
	// FromName is whose name the email is sent as; the merchant's when "".
	FromName string
}

// Renderer builds an email that was queued without its body. Automatic
// emails (reminders, receipts, notices) are queued as rows and rendered
// when the worker sends them, so a pass or an import that queues thousands
// stays fast and each email shows the document as it is when it leaves.
type Renderer func(ctx context.Context, e *ent.Email) (Rendered, error)

// Register makes r build every email of kind when it is sent. Call it
// while wiring, before Run.
func (o *Outbox) Register(kind entemail.Kind, r Renderer) {
	o.renderers[kind] = r
}

// NewOutbox returns an outbox over client that sends with sender, attaching
// PDFs printed by r, with links under baseURL and mail from "from".
func NewOutbox(client *ent.Client, sender Sender, r PDFRenderer, baseURL, from string) *Outbox {
	host, _ := os.Hostname()
	return &Outbox{
		client: client, sender: sender, pdf: r, baseURL: baseURL, from: from,
		owner:       fmt.Sprintf("%s-%d-%s", host, os.Getpid(), rand.Text()[:8]),
		log:         slog.Default(),
		Poll:        2 * time.Second,
		Lease:       2 * time.Minute,
		MaxAttempts: 8,
		Backoff: func(n int) time.Duration {
			// 10 s, 20 s, 40 s, ... capped at an hour: about 21 minutes over 8 attempts.
			return time.Duration(math.Min(float64(10*time.Second)*math.Pow(2, float64(n-1)), float64(time.Hour)))
		},
		now:       func() time.Time { return time.Now().UTC() },
		wake:      make(chan struct{}, 1),
		renderers: map[entemail.Kind]Renderer{},
	}
}

// SenderName is the provider emails go out through.
func (o *Outbox) SenderName() string { return o.sender.Name() }

// Kinds of email.
const (
	KindInvoice  = "INVOICE"
	KindReminder = "REMINDER"
)

// Enqueue writes inv's email to the outbox through tx, the transaction that
// issues or re-sends it, so the email exists exactly when that change does.
// The subject, the text part and the document are in the snapshot's
// language. message is the merchant's optional note to the customer
// (several lines allowed), printed above the document and at the top of
// the text part; "" for none.
func (o *Outbox) Enqueue(ctx context.Context, tx *ent.Client, inv *ent.Invoice, kind, message string) (*ent.Email, error) {
	switch inv.Status {
	case status.Draft:
		return nil, fault.New(fault.CodeConflict, "a draft cannot be sent; issue it first")
	case status.Void:
		return nil, fault.New(fault.CodeConflict, "a voided invoice cannot be sent")
	case status.Paid:
		if kind == KindReminder {
			return nil, fault.New(fault.CodeConflict, "this invoice is paid; there is nothing to remind about")
		}
	}
	snap, err := document.Load(ctx, inv, o.baseURL)
	if err != nil {
		return nil, err
	}
	snap.Message = strings.TrimSpace(message)
	cust, err := tx.Customer.Get(ctx, inv.CustomerID)
	if err != nil {
		return nil, err
	}
	if snap.PortalURL, err = o.PortalURL(ctx, tx, cust); err != nil {
		return nil, err
	}
	if !strings.Contains(cust.Email, "@") {
		return nil, fault.Invalid("customer.email", "the customer has no valid email address; edit the customer first")
	}
	html, err := document.Render(snap)
	if err != nil {
		return nil, err
	}
	replyTo := ""
	if owner, err := tx.User.Query().Where(user.MerchantID(inv.MerchantID)).Order(ent.Asc(user.FieldCreatedAt)).First(ctx); err == nil {
		replyTo = owner.Email
	}
	subject := Subject(snap, kind)
	e, err := tx.Email.Create().
		// Set, not taken from the viewer: scheduled work has none.
		SetMerchantID(inv.MerchantID).
		SetInvoiceID(inv.ID).
		SetKind(entemail.Kind(kind)).
		SetTo(cust.Email).
		SetReplyTo(replyTo).
		SetSubject(subject).
		SetHTML(string(html)).
		SetText(PlainText(snap)).
		SetNextAttemptAt(o.now()).
		SetProvider(o.sender.Name()).
		Save(ctx)
	if err != nil {
		return nil, err
	}
	if err := event(ctx, tx, inv, invoiceevent.TypeEMAIL_QUEUED, o.now(), "to "+cust.Email); err != nil {
		return nil, err
	}
	return e, nil
}

// Wake asks the worker to look for due emails now, e.g. after a commit.
func (o *Outbox) Wake() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Run delivers due emails until ctx ends.
func (o *Outbox) Run(ctx context.Context) {
	o.log.Info("mail outbox running", "provider", o.sender.Name(), "worker", o.owner)
	t := time.NewTicker(o.Poll)
	defer t.Stop()
	for {
		n, err := o.DeliverDue(ctx)
		if err != nil && ctx.Err() == nil {
			o.log.Error("mail outbox", "err", err)
		}
		if n > 0 && err == nil && ctx.Err() == nil {
			continue // a full batch may mean more are due: drain before waiting
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-o.wake:
		}
	}
}

// DeliverDue attempts every email that is due now and returns how many it
// attempted.
func (o *Outbox) DeliverDue(ctx context.Context) (int, error) {
	sys := tenant.System(ctx)
	now := o.now()
	ids, err := o.client.Email.Query().
		Where(entemail.StatusEQ(entemail.StatusQUEUED), entemail.NextAttemptAtLTE(now),
			entemail.Or(entemail.LeaseUntilIsNil(), entemail.LeaseUntilLT(now))).
		Order(ent.Asc(entemail.FieldNextAttemptAt)).
		Limit(20).
		IDs(sys)
	if err != nil {
		return 0, fmt.Errorf("find due emails: %w", err)
	}
	n := 0
	for _, id := range ids {
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		claimed, err := o.claim(sys, id)
		if err != nil {
			return n, err
		}
		if !claimed {
			continue // another worker has it
		}
		n++
		o.attempt(sys, id)
	}
	return n, nil
}

// claim reserves email id for this worker with a compare-and-set: of two
// workers racing, exactly one update matches the row.
func (o *Outbox) claim(ctx context.Context, id string) (bool, error) {
	now := o.now()
	n, err := o.client.Email.Update().
		Where(entemail.ID(id), entemail.StatusEQ(entemail.StatusQUEUED),
			entemail.Or(entemail.LeaseUntilIsNil(), entemail.LeaseUntilLT(now))).
		SetLeaseOwner(o.owner).
		SetLeaseUntil(now.Add(o.Lease)).
		AddAttempts(1).
		Save(ctx)
	if err != nil {
		return false, fmt.Errorf("claim email %s: %w", id, err)
	}
	return n == 1, nil
}

func (o *Outbox) attempt(ctx context.Context, id string) {
	e, err := o.client.Email.Query().Where(entemail.ID(id)).WithInvoice().Only(ctx)
	if err != nil {
		o.log.Error("load claimed email", "email", id, "err", err)
		return
	}
	providerID, sendErr := o.send(ctx, e)
	if sendErr == nil {
		o.finish(ctx, e, func(upd *ent.EmailUpdate) {
			upd.SetStatus(entemail.StatusSENT).SetSentAt(o.now()).SetProviderMessageID(validate.Flatten(providerID)).ClearLastError()
			if e.Kind == entemail.KindPASSWORD_RESET && o.sender.Name() != DevMailboxName {
				// The link has left; a stored copy would only be something
				// to steal. The dev mailbox is the delivery, so it keeps it.
				upd.SetHTML(sentResetNotice).SetText(sentResetNotice)
			}
		}, invoiceevent.TypeEMAIL_SENT, fmt.Sprintf("to %s via %s (attempt %d)", e.To, o.sender.Name(), e.Attempts))
		return
	}
	if ctx.Err() != nil {
		// Shutting down, not a failure: hand the email back for the next
		// worker at once, without counting the attempt.
		err := o.client.Email.Update().Where(entemail.ID(e.ID), entemail.LeaseOwner(o.owner)).
			ClearLeaseOwner().ClearLeaseUntil().AddAttempts(-1).Exec(context.WithoutCancel(ctx))
		if err != nil {
			o.log.Warn("hand back email on shutdown", "email", e.ID, "err", err)
		}
		return
	}
	o.log.Warn("email attempt failed", "email", e.ID, "attempt", e.Attempts, "err", sendErr)
	if errors.Is(sendErr, ErrPermanent) || e.Attempts >= o.MaxAttempts {
		o.finish(ctx, e, func(upd *ent.EmailUpdate) {
			upd.SetStatus(entemail.StatusFAILED).SetLastError(validate.Clean(sendErr.Error()))
		}, invoiceevent.TypeEMAIL_FAILED, fmt.Sprintf("attempt %d failed, giving up: %v", e.Attempts, sendErr))
		return
	}
	next := o.now().Add(o.Backoff(e.Attempts))
	o.finish(ctx, e, func(upd *ent.EmailUpdate) {
		upd.SetLastError(validate.Clean(sendErr.Error())).SetNextAttemptAt(next)
	}, invoiceevent.TypeEMAIL_FAILED, fmt.Sprintf("attempt %d failed, retrying at %s: %v", e.Attempts, next.Format(time.RFC3339), sendErr))
}

func (o *Outbox) send(ctx context.Context, e *ent.Email) (string, error) {
	from := o.from
	if from == "" {
		from = "invoices@localhost"
	}
	// Only emails queued without a body: a reminder sent by hand was
	// rendered when it was queued, an automatic one is rendered now.
	if r, ok := o.renderers[e.Kind]; ok && e.HTML == "" {
		return o.sendRendered(ctx, e, r, from)
	}
	inv := e.Edges.Invoice
	if inv == nil { // an account email: from Tally itself, nothing attached
		return o.sender.Send(ctx, Message{ID: e.ID, From: fromHeader("Tally", from), To: e.To, Subject: e.Subject, HTML: e.HTML, Text: e.Text})
	}
	m, err := inv.QueryMerchant().Only(ctx)
	if err != nil {
		return "", err
	}
	number := ""
	if inv.Number != nil {
		number = *inv.Number
	}
	// The merchant's message is for the email; the attachment is the
	// document alone.
	printed, err := o.pdf.Render(ctx, pdf.Document{HTML: document.WithoutMessage([]byte(e.HTML)), Paper: pdf.Paper(m.PaperSize), Title: documentTitle(e.HTML, "Invoice "+number), Author: m.Name})
	if err != nil {
		return "", fmt.Errorf("print the PDF attachment: %w", err)
	}
	return o.sender.Send(ctx, Message{
		ID:          e.ID,
		From:        fromHeader(m.Name, from),
		ReplyTo:     e.ReplyTo,
		To:          e.To,
		Subject:     e.Subject,
		HTML:        e.HTML,
		Text:        e.Text,
		Attachments: []Attachment{{Name: number + ".pdf", Data: printed}},
	})
}

// sendRendered builds e with r, keeps the body on the row (the dashboard
// shows what was sent) and sends it.
func (o *Outbox) sendRendered(ctx context.Context, e *ent.Email, r Renderer, from string) (string, error) {
	out, err := r(ctx, e)
	if err != nil {
		return "", fmt.Errorf("render %s email: %w", strings.ToLower(string(e.Kind)), err)
	}
	if err := o.client.Email.UpdateOneID(e.ID).SetHTML(out.HTML).SetText(out.Text).Exec(ctx); err != nil {
		return "", fmt.Errorf("keep the rendered email: %w", err)
	}
	name := out.FromName
	if name == "" && e.Edges.Invoice != nil {
		if m, err := e.Edges.Invoice.QueryMerchant().Only(ctx); err == nil {
			name = m.Name
		}
	}
	if name == "" {
		name = "Tally"
	}
	return o.sender.Send(ctx, Message{ID: e.ID, From: fromHeader(name, from), ReplyTo: e.ReplyTo, To: e.To,
		Subject: e.Subject, HTML: out.HTML, Text: out.Text, Attachments: out.Attachments})
}

// finish records an attempt's outcome, but only while this worker still
// holds the lease: a worker that lost it (it stalled past Lease) changes
// nothing.
// errLostLease means another worker took the email over; its outcome is theirs to record.
var errLostLease = errors.New("lease lost to another worker")

func (o *Outbox) finish(ctx context.Context, e *ent.Email, set func(*ent.EmailUpdate), typ invoiceevent.Type, note string) {
	err := database.InTx(ctx, o.client, func(ctx context.Context, tx *ent.Client) error {
		upd := tx.Email.Update().Where(entemail.ID(e.ID), entemail.LeaseOwner(o.owner)).ClearLeaseOwner().ClearLeaseUntil()
		set(upd)
		// A count, not the row: reading back the stored HTML would be waste.
		n, err := upd.Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return errLostLease
		}
		// Only the invoice's own emails make it "sent"; a receipt does not.
		if typ == invoiceevent.TypeEMAIL_SENT && e.InvoiceID != nil && (e.Kind == entemail.KindINVOICE || e.Kind == entemail.KindREMINDER) {
			first, err := tx.Invoice.Update().Where(entinvoice.ID(*e.InvoiceID), entinvoice.SentAtIsNil()).SetSentAt(o.now()).Save(ctx)
			if err != nil {
				return err
			}
			if first == 1 && e.Kind == entemail.KindINVOICE {
				if err := emitSent(ctx, tx, *e.InvoiceID, o.now()); err != nil {
					return err
				}
			}
		}
		return event(ctx, tx, e.Edges.Invoice, typ, o.now(), note)
	})
	if err != nil {
		o.log.Error("record email attempt", "email", e.ID, "err", err)
	}
}

// event writes a timeline line for an email; background work has no viewer,
// so the actor is "system". Account emails have no invoice, and no timeline.
func event(ctx context.Context, tx *ent.Client, inv *ent.Invoice, typ invoiceevent.Type, at time.Time, note string) error {
	if inv == nil {
		return nil
	}
	return invoice.RecordEvent(ctx, tx, inv, typ, at, nil, nil, note)
}

// fromHeader sends as the merchant's name at Tally's sending address: the
// customer sees who the invoice is from, and the domain stays the one the
// provider is authorised to send for.
func fromHeader(merchant, from string) string {
	addr := from
	if a, err := netmail.ParseAddress(from); err == nil {
		addr = a.Address
	}
	return (&netmail.Address{Name: HeaderText(merchant), Address: addr}).String()
}

var titleTag = regexp.MustCompile(`(?s)<title>(.*?)</title>`)

// documentTitle is the stored document's own <title>, in its language, or
// fallback.
func documentTitle(doc, fallback string) string {
	if m := titleTag.FindStringSubmatch(doc); m != nil && strings.TrimSpace(m[1]) != "" {
		return html.UnescapeString(strings.TrimSpace(m[1]))
	}
	return fallback
}

// Subject is the email's subject in the snapshot's language: "Invoice
// INV-000001 from Acme", "Rechnung INV-000001 von Acme GmbH", with the
// reminder prefix for KindReminder.
func Subject(s document.Snapshot, kind string) string {
	p := i18n.For(s.Lang)
	subject := p.T("mail.subject", s.Number, s.MerchantName)
	if kind == KindReminder {
		subject = p.T("mail.reminder", subject)
	}
	return HeaderText(subject)
}

// PlainText is the text/plain part, in the snapshot's language: the
// merchant's message, then what matters without the HTML.
func PlainText(s document.Snapshot) string {
	p := i18n.For(s.Lang)
	var b strings.Builder
	if s.Message != "" {
		b.WriteString(s.Message)
		b.WriteString("\n\n---\n\n")
	}
	b.WriteString(p.T("mail.subject", s.Number, s.MerchantName))
	b.WriteString("\n\n")
	line := func(key, value string) {
		b.WriteString(p.T("label_value", p.T(key), value))
		b.WriteByte('\n')
	}
	line("doc.amount_due", p.Money(s.Due, s.Currency))
	if s.DueDate != nil {
		line("doc.due", p.Date(*s.DueDate))
	}
	if s.Reference != "" {
		line("doc.payment_reference", reference.Format(s.Reference))
	}
	if s.CheckoutURL != "" {
		b.WriteByte('\n')
		line("mail.pay_online", s.CheckoutURL)
	}
	b.WriteString("\n")
	b.WriteString(p.T("mail.attached"))
	b.WriteString("\n")
	if s.PortalURL != "" {
		b.WriteString("\n")
		b.WriteString(p.T("label_value", p.T("mail.portal", s.MerchantName), s.PortalURL))
		b.WriteByte('\n')
	}
	return b.String()
}
