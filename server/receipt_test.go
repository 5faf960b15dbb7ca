package main

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/tally-invoicing/tally/ent"
	entcustomer "github.com/tally-invoicing/tally/ent/customer"
	entemail "github.com/tally-invoicing/tally/ent/email"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/mail"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// paymentEmails are the RECEIPT and PAYMENT_NOTICE rows queued for the
// payments of invoice id, oldest first.
func (ta *testApp) paymentEmails(t *testing.T, invoiceID string) (receipts, notices []*ent.Email) {
	t.Helper()
	ctx := tenant.System(context.Background())
	ids, err := ta.db.Client.Payment.Query().Where(payment.InvoiceID(invoiceID)).IDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	es, err := ta.db.Client.Email.Query().Where(entemail.PaymentIDIn(ids...)).
		Order(ent.Asc(entemail.FieldCreatedAt), ent.Asc(entemail.FieldID)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		switch e.Kind {
		case entemail.KindRECEIPT:
			receipts = append(receipts, e)
		case entemail.KindPAYMENT_NOTICE:
			notices = append(notices, e)
		}
	}
	return receipts, notices
}

const markPaidMutation = `mutation($id: ID!, $in: MarkInvoicePaidInput!) { markInvoicePaid(id: $id, input: $in) { status } }`

func TestCheckoutPaymentQueuesOneReceiptAndOneNotice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Receipt Shop")
		id, token := c.payable("400.00", "USD", "INFINI_CARD")
		s := ta.startCheckout(t, token, "INFINI_CARD", "", "")
		payByCard(t, *s.RedirectURL, "4242424242424242")
		if st := c.invoiceState(id); st.Status != "PAID" {
			t.Fatalf("invoice is %s after the card payment, want PAID", st.Status)
		}
		receipts, notices := ta.paymentEmails(t, id)
		if len(receipts) != 1 || len(notices) != 1 {
			t.Fatalf("queued %d receipts and %d notices, want one of each", len(receipts), len(notices))
		}
		r, n := receipts[0], notices[0]
		num := c.invoiceNumber(id)
		if !strings.HasPrefix(r.To, "payer") || r.Subject != "Receipt for "+num+" from Receipt Shop" || r.InvoiceID == nil || *r.InvoiceID != id {
			t.Errorf("receipt = to %s, subject %q, want to the payer, \"Receipt for %s from Receipt Shop\"", r.To, r.Subject, num)
		}
		if !strings.HasPrefix(n.To, "owner") || !strings.Contains(n.Subject, "$400.00") {
			t.Errorf("notice = to %s, subject %q, want to the owner with $400.00", n.To, n.Subject)
		}
		// A re-applied batch (the same payments again) queues nothing more.
		ctx := tenant.System(context.Background())
		pays, _ := ta.db.Client.Payment.Query().Where(payment.InvoiceID(id)).All(ctx)
		err := database.InTx(ctx, ta.db.Client, func(ctx context.Context, tx *ent.Client) error {
			return ta.outbox.PaymentEmails(ctx, tx, pays)
		})
		if err != nil {
			t.Fatal(err)
		}
		if rs, ns := ta.paymentEmails(t, id); len(rs) != 1 || len(ns) != 1 {
			t.Fatalf("after queueing the same payment again: %d receipts, %d notices, want 1 and 1", len(rs), len(ns))
		}
		// The notice renders in the merchant's language with a dashboard link.
		out, err := ta.outbox.RenderPaymentNotice(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.Text, "paid $400.00 for invoice "+num) || !strings.Contains(out.HTML, ta.srv.URL+"/invoices/"+id) {
			t.Errorf("notice text %q lacks who paid what for which invoice, or the dashboard link", out.Text)
		}
	})
}

func (c *client) invoiceNumber(id string) string {
	c.t.Helper()
	var out struct{ Node struct{ Number string } }
	c.do(`query($id: ID!) { node(id: $id) { ... on Invoice { number } } }`, map[string]any{"id": id}, &out)
	return out.Node.Number
}

func TestManualPaymentsGetReceiptsWithWhatIsStillDueButNoNotice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Manual Receipts")
		id, _ := c.payable("300.00", "USD", "INFINI_CARD")
		c.do(markPaidMutation, map[string]any{"id": id, "in": map[string]any{"channel": "BANK_TRANSFER", "amount": "100.00"}}, nil)
		c.do(markPaidMutation, map[string]any{"id": id, "in": map[string]any{"channel": "CASH"}}, nil)
		receipts, notices := ta.paymentEmails(t, id)
		if len(receipts) != 2 || len(notices) != 0 {
			t.Fatalf("queued %d receipts and %d notices, want 2 receipts and no notice for money recorded by hand", len(receipts), len(notices))
		}
		// Rendered after both payments, each receipt still says what was due after it.
		text := func(e *ent.Email) string {
			ctx := tenant.System(context.Background())
			pay, err := ta.db.Client.Payment.Get(ctx, *e.PaymentID)
			if err != nil {
				t.Fatal(err)
			}
			r, err := document.LoadReceipt(ctx, ta.db.Client, pay)
			if err != nil {
				t.Fatal(err)
			}
			return mail.ReceiptText(r)
		}
		first, second := text(receipts[0]), text(receipts[1])
		if !strings.Contains(first, "Still due: $200.00") || !strings.Contains(first, "Bank transfer") || !strings.Contains(first, "$100.00") {
			t.Errorf("first receipt:\n%s\nwant $100.00 by bank transfer, still due $200.00", first)
		}
		if !strings.Contains(second, "Paid in full") || !strings.Contains(second, "Cash") || !strings.Contains(second, "$200.00") {
			t.Errorf("second receipt:\n%s\nwant $200.00 in cash, paid in full", second)
		}
	})
}

func TestNoPaymentEmailsWhenOffOrBouncing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Quiet Shop")
		var m struct {
			UpdateMerchant struct{ SendReceipts, NotifyPayments bool }
		}
		c.do(`mutation { updateMerchant(input: {sendReceipts: false, notifyPayments: false}) { sendReceipts notifyPayments } }`, nil, &m)
		if m.UpdateMerchant.SendReceipts || m.UpdateMerchant.NotifyPayments {
			t.Fatalf("settings = %+v, want both off", m.UpdateMerchant)
		}
		id, token := c.payable("50.00", "USD", "INFINI_CARD")
		s := ta.startCheckout(t, token, "INFINI_CARD", "", "")
		payByCard(t, *s.RedirectURL, "4242424242424242")
		if rs, ns := ta.paymentEmails(t, id); len(rs)+len(ns) != 0 {
			t.Fatalf("with receipts and notices off: %d receipts, %d notices queued", len(rs), len(ns))
		}

		// Receipts on again, but the customer's address bounces: no receipt.
		c.do(`mutation { updateMerchant(input: {sendReceipts: true, notifyPayments: true}) { id } }`, nil, nil)
		id2, _ := c.payable("60.00", "USD", "INFINI_CARD")
		ctx := tenant.System(context.Background())
		inv, err := ta.db.Client.Invoice.Get(ctx, id2)
		if err != nil {
			t.Fatal(err)
		}
		if err := ta.db.Client.Customer.Update().Where(entcustomer.ID(inv.CustomerID)).SetEmailBouncing(true).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		c.do(markPaidMutation, map[string]any{"id": id2, "in": map[string]any{"channel": "CASH"}}, nil)
		if rs, _ := ta.paymentEmails(t, id2); len(rs) != 0 {
			t.Fatalf("queued %d receipts to a bouncing address, want none", len(rs))
		}
	})
}

// recordingSender keeps what it was asked to send.
type recordingSender struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (s *recordingSender) Name() string { return "recording" }

func (s *recordingSender) Send(_ context.Context, m mail.Message) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, m)
	return "<" + m.ID + "@recording>", nil
}

func TestReceiptIsSentWithItsPDF(t *testing.T) {
	needTool(t, "chromium")
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "PDF Receipts")
		id, _ := c.payable("80.00", "USD", "INFINI_CARD")
		c.do(markPaidMutation, map[string]any{"id": id, "in": map[string]any{"channel": "CASH", "amount": "30.00"}}, nil)
		num := c.invoiceNumber(id)

		rec := &recordingSender{}
		o := mail.NewOutbox(ta.db.Client, rec, ta.pdf, ta.cfg.BaseURL, "invoices@example.com")
		o.Register(entemail.KindRECEIPT, o.RenderReceipt)
		o.Register(entemail.KindPAYMENT_NOTICE, o.RenderPaymentNotice)
		deliver(t, o)
		if len(rec.sent) != 1 {
			t.Fatalf("sent %d emails, want the one receipt", len(rec.sent))
		}
		m := rec.sent[0]
		if len(m.Attachments) != 1 || m.Attachments[0].Name != "Receipt "+num+".pdf" || !strings.HasPrefix(string(m.Attachments[0].Data), "%PDF") {
			t.Fatalf("attachments = %v, want one PDF named \"Receipt %s.pdf\"", m.Attachments, num)
		}
		text := pdfTool(t, "pdftotext", m.Attachments[0].Data)
		for _, want := range []string{"RECEIPT", num, "$30.00", "$50.00", "Cash"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF receipt lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "/portal/") {
			t.Error("the PDF receipt carries the email-only portal link")
		}
		if !strings.Contains(m.HTML, "/portal/") || !strings.Contains(m.From, "PDF Receipts") {
			t.Errorf("the email body lacks the portal link, or is not from the merchant (%s)", m.From)
		}
		// The row keeps what was sent, for the dev mailbox.
		receipts, _ := ta.paymentEmails(t, id)
		if len(receipts) != 1 || receipts[0].Status != entemail.StatusSENT || !strings.Contains(receipts[0].HTML, "$50.00") {
			t.Fatalf("stored receipt = %+v, want SENT with its body", receipts)
		}
	})
}

// A receipt waiting in the outbox is not the invoice's email: the merchant
// can still send the invoice (or a reminder) while it waits.
func TestSendWhileAReceiptIsQueued(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Busy Outbox")
		id, _ := c.payable("300.00", "USD", "INFINI_CARD")
		c.do(markPaidMutation, map[string]any{"id": id, "in": map[string]any{"channel": "BANK_TRANSFER", "amount": "100.00"}}, nil)
		if receipts, _ := ta.paymentEmails(t, id); len(receipts) != 1 || receipts[0].Status != entemail.StatusQUEUED {
			t.Fatalf("want one queued receipt before sending, got %d", len(receipts))
		}
		send := `mutation($id: ID!) { sendInvoice(id: $id) { id } }`
		c.do(send, map[string]any{"id": id}, nil)
		// The invoice's own email now waits: a second click is refused.
		c.expectCode("CONFLICT", "", send, map[string]any{"id": id})
	})
}
