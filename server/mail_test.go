package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailgun/mailgun-go/v4"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/mail"
)

type emailData struct {
	ID, Kind, To, Subject, HTML, Status, Provider string
	Attempts                                      int
	LastError, ProviderMessageID, SentAt          *string
}

const emailFields = `id kind to subject html status provider attempts lastError providerMessageID sentAt`

func (c *client) emailsOf(invoiceID string) []emailData {
	c.t.Helper()
	var out struct {
		Node struct{ Emails []emailData }
	}
	c.do(`query($id: ID!) { node(id: $id) { ... on Invoice { emails { `+emailFields+` } } } }`, map[string]any{"id": invoiceID}, &out)
	return out.Node.Emails
}

func deliver(t *testing.T, o *mail.Outbox) int {
	t.Helper()
	n, err := o.DeliverDue(context.Background())
	if err != nil {
		t.Fatalf("DeliverDue: %v", err)
	}
	return n
}

func TestCreateAndSendReachesTheDevMailboxOnce(t *testing.T) {
	needTool(t, "chromium")
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Northwind Studio")
		cust := c.createCustomer("Acme Ltd", "billing@acme.example")
		id := c.draft(cust)
		var is struct {
			IssueInvoice struct {
				Number      string
				PreviewHTML string
				SentAt      *string
			}
		}
		c.do(`mutation($id: ID!) { issueInvoice(id: $id, send: true) { number previewHTML sentAt } }`, map[string]any{"id": id}, &is)
		emails := c.emailsOf(id)
		if len(emails) != 1 || emails[0].Status != "QUEUED" || is.IssueInvoice.SentAt != nil {
			t.Fatalf("after Create and send: %+v", emails)
		}
		if n := deliver(t, ta.outbox); n != 1 {
			t.Fatalf("delivered %d, want 1", n)
		}
		if n := deliver(t, ta.outbox); n != 0 {
			t.Fatalf("a second pass delivered %d again", n)
		}
		e := c.emailsOf(id)[0]
		if e.Status != "SENT" || e.Attempts != 1 || e.Provider != "dev-mailbox" || e.SentAt == nil || e.To != "billing@acme.example" ||
			e.Subject != "Invoice INV-000001 from Northwind Studio" || e.Kind != "INVOICE" {
			t.Fatalf("sent email = %+v", e)
		}
		// The email body is the document: the same bytes as the preview,
		// plus the email-only portal link.
		if string(document.WithoutMessage([]byte(e.HTML))) != is.IssueInvoice.PreviewHTML {
			t.Error("the email's HTML is not the invoice preview")
		}
		if !strings.Contains(e.HTML, ta.srv.URL+"/portal/") {
			t.Error("the email does not carry the customer's portal link")
		}
		var sent struct {
			Emails struct {
				TotalCount int
				Edges      []struct{ Node struct{ Subject string } }
			}
			Node struct{ SentAt *string }
		}
		c.do(`query($id: ID!) { emails(first: 10) { totalCount edges { node { subject } } } node(id: $id) { ... on Invoice { sentAt } } }`, map[string]any{"id": id}, &sent)
		if sent.Emails.TotalCount != 1 || sent.Node.SentAt == nil {
			t.Fatalf("mailbox = %+v", sent)
		}

		// Send again: a reminder; a second click while it waits is refused.
		c.do(`mutation($id: ID!) { sendInvoice(id: $id) { id } }`, map[string]any{"id": id}, nil)
		c.expectCode("CONFLICT", "", `mutation($id: ID!) { sendInvoice(id: $id) { id } }`, map[string]any{"id": id})
		deliver(t, ta.outbox)
		emails = c.emailsOf(id)
		if len(emails) != 2 || !strings.HasPrefix(emailByKind(emails, "REMINDER").Subject, "Reminder: Invoice INV-000001") {
			t.Fatalf("after sendInvoice: %+v", emails)
		}

		// What cannot be sent says why.
		draft := c.draft(cust)
		e1 := c.expectCode("CONFLICT", "", `mutation($id: ID!) { sendInvoice(id: $id) { id } }`, map[string]any{"id": draft})
		if !strings.Contains(e1.Message, "issue it first") {
			t.Errorf("draft send message = %q", e1.Message)
		}
		c.do(`mutation($id: ID!) { voidInvoice(id: $id) { id } }`, map[string]any{"id": id}, nil)
		c.expectCode("CONFLICT", "", `mutation($id: ID!) { sendInvoice(id: $id) { id } }`, map[string]any{"id": id})
		other := ta.signUp(t, "Other")
		other.expectCode("NOT_FOUND", "", `mutation($id: ID!) { sendInvoice(id: $id) { id } }`, map[string]any{"id": draft})
	})
}

func emailByKind(es []emailData, kind string) emailData {
	for _, e := range es {
		if e.Kind == kind {
			return e
		}
	}
	return emailData{}
}

// recordingProxy sits in front of mailgun-go's mock server and keeps what
// the real client sent.
type recordingProxy struct {
	mu       sync.Mutex
	requests []*http.Request
	forms    []*multipart.Form
	fail     atomic.Int32 // answer this many requests with 503 first
}

func (p *recordingProxy) handler(target string) http.Handler {
	u, _ := url.Parse(target)
	proxy := httputil.NewSingleHostReverseProxy(u)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.fail.Add(-1) >= 0 {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && params["boundary"] != "" {
			form, err := multipart.NewReader(bytes.NewReader(body), params["boundary"]).ReadForm(10 << 20)
			if err == nil {
				p.mu.Lock()
				p.forms = append(p.forms, form)
				p.requests = append(p.requests, r)
				p.mu.Unlock()
			}
		}
		// The mock serves the API under /v3; the client was pointed at /v3 here too.
		proxy.ServeHTTP(w, r)
	})
}

func startMailgunApp(t *testing.T, b dbtest.Backend) (*testApp, *recordingProxy) {
	t.Helper()
	ms := mailgun.NewMockServer()
	t.Cleanup(ms.Stop)
	rec := &recordingProxy{}
	front := httptest.NewServer(rec.handler(strings.TrimSuffix(ms.URL(), "/v3")))
	t.Cleanup(front.Close)
	ta := startAppWith(t, b.URL, func(c *config) {
		c.MailgunAPIKey, c.MailgunDomain, c.MailgunRegion = "key-test", "mg.northwind.example", front.URL+"/v3"
		c.MailgunSigningKey = "signing-key"
	})
	return ta, rec
}

func TestMailgunRequestCarriesTheWholeInvoice(t *testing.T) {
	needTool(t, "chromium")
	ta, rec := startMailgunApp(t, dbtest.Backend{Name: "sqlite", URL: dbtest.SQLite(t)})
	c := ta.signUp(t, "Northwind Studio")
	id := c.draft(c.createCustomer("Acme Ltd", "billing@acme.example"))
	c.do(`mutation($id: ID!) { issueInvoice(id: $id, send: true) { id } }`, map[string]any{"id": id}, nil)
	deliver(t, ta.outbox)

	e := c.emailsOf(id)[0]
	if e.Status != "SENT" || e.Provider != "mailgun" || e.ProviderMessageID == nil {
		t.Fatalf("email = %+v", e)
	}
	if len(rec.forms) != 1 {
		t.Fatalf("mailgun got %d message requests, want 1", len(rec.forms))
	}
	f := rec.forms[0]
	val := func(k string) string {
		if v := f.Value[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if !strings.HasSuffix(rec.requests[0].URL.Path, "/mg.northwind.example/messages") {
		t.Errorf("posted to %s", rec.requests[0].URL.Path)
	}
	if val("to") != "billing@acme.example" || val("subject") != "Invoice INV-000001 from Northwind Studio" ||
		!strings.Contains(val("from"), "Northwind Studio") || !strings.Contains(val("from"), "@mg.northwind.example") {
		t.Errorf("headers: to %q subject %q from %q", val("to"), val("subject"), val("from"))
	}
	if !strings.HasPrefix(val("h:Reply-To"), "owner") {
		t.Errorf("Reply-To = %q, want the merchant's address", val("h:Reply-To"))
	}
	if val("html") != e.HTML || !strings.Contains(val("html"), "Pay now") {
		t.Error("the HTML part is not the invoice document")
	}
	if text := val("text"); !strings.Contains(text, "Amount due: $100.00") || !strings.Contains(text, "/pay/") || !strings.Contains(text, "Payment reference: RF") {
		t.Errorf("text part = %q", text)
	}
	if !strings.Contains(val("v:tally_email_id"), e.ID) {
		t.Errorf("the message does not carry its email id for webhooks: %q", val("v:tally_email_id"))
	}
	att := f.File["attachment"]
	if len(att) != 1 || att[0].Filename != "INV-000001.pdf" {
		t.Fatalf("attachments = %+v", att)
	}
	fh, _ := att[0].Open()
	pdf, _ := io.ReadAll(fh)
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Error("the attachment is not a PDF")
	}
}

func TestProviderFailingThreeTimesThenSucceedingSendsOnce(t *testing.T) {
	needTool(t, "chromium")
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta, rec := startMailgunApp(t, b)
		ta.outbox.Backoff = func(int) time.Duration { return 0 }
		rec.fail.Store(3)
		c := ta.signUp(t, "Flaky Provider Shop")
		id := c.draft(c.createCustomer("Acme Ltd", "billing@acme.example"))
		c.do(`mutation($id: ID!) { issueInvoice(id: $id, send: true) { id } }`, map[string]any{"id": id}, nil)
		for i := 0; i < 6; i++ {
			deliver(t, ta.outbox)
		}
		es := c.emailsOf(id)
		if len(es) != 1 || es[0].Status != "SENT" || es[0].Attempts != 4 || len(rec.forms) != 1 {
			t.Fatalf("emails %+v; mailgun accepted %d", es, len(rec.forms))
		}
		var tl struct {
			Node struct{ Events []struct{ Type, Note string } }
		}
		c.do(`query($id: ID!) { node(id: $id) { ... on Invoice { events { type note } } } }`, map[string]any{"id": id}, &tl)
		failed, sent := 0, 0
		for _, e := range tl.Node.Events {
			switch e.Type {
			case "EMAIL_FAILED":
				failed++
			case "EMAIL_SENT":
				sent++
			}
		}
		if failed != 3 || sent != 1 {
			t.Fatalf("timeline has %d failed and %d sent attempts, want 3 and 1: %+v", failed, sent, tl.Node.Events)
		}
	})
}

// countingSender is a real fake: it counts what it is asked to send.
type countingSender struct {
	mu   sync.Mutex
	sent map[string]int
}

func (s *countingSender) Name() string { return "counting" }

func (s *countingSender) Send(_ context.Context, m mail.Message) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent[m.ID]++
	time.Sleep(2 * time.Millisecond) // widen the race window
	return "<" + m.ID + ">", nil
}

func TestTwoWorkersNeverSendTheSameEmailTwice(t *testing.T) {
	needTool(t, "chromium")
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Busy Outbox")
		cust := c.createCustomer("Acme Ltd", "billing@acme.example")
		const n = 12
		for i := 0; i < n; i++ {
			id := c.draft(cust)
			c.do(`mutation($id: ID!) { issueInvoice(id: $id, send: true) { id } }`, map[string]any{"id": id}, nil)
		}
		sender := &countingSender{sent: map[string]int{}}
		workers := []*mail.Outbox{
			mail.NewOutbox(ta.db.Client, sender, ta.pdf, ta.cfg.BaseURL, ta.cfg.MailFrom),
			mail.NewOutbox(ta.db.Client, sender, ta.pdf, ta.cfg.BaseURL, ta.cfg.MailFrom),
		}
		var wg sync.WaitGroup
		for _, w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 5; i++ {
					if _, err := w.DeliverDue(context.Background()); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		if len(sender.sent) != n {
			t.Fatalf("%d distinct emails sent, want %d", len(sender.sent), n)
		}
		for id, times := range sender.sent {
			if times != 1 {
				t.Errorf("email %s sent %d times", id, times)
			}
		}
	})
}

// The server stops after the transaction that queued the email committed and
// before anything was sent: the email goes out after the restart, once.
func TestQueuedEmailSurvivesARestart(t *testing.T) {
	needTool(t, "chromium")
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		first := startAppAt(t, b.URL)
		c := first.signUp(t, "Restarting Shop")
		id := c.draft(c.createCustomer("Acme Ltd", "billing@acme.example"))
		c.do(`mutation($id: ID!) { issueInvoice(id: $id, send: true) { id } }`, map[string]any{"id": id}, nil)
		token := c.token
		first.srv.Close()
		_ = first.Close() // no worker ever ran

		second := startAppAt(t, b.URL)
		again := second.anonymous(t)
		again.token = token
		if n := deliver(t, second.outbox); n != 1 {
			t.Fatalf("after restart delivered %d, want 1", n)
		}
		if n := deliver(t, second.outbox); n != 0 {
			t.Fatalf("delivered again: %d", n)
		}
		if es := again.emailsOf(id); len(es) != 1 || es[0].Status != "SENT" || es[0].Attempts != 1 {
			t.Fatalf("emails = %+v", es)
		}
	})
}

func signMailgun(key, timestamp, token string) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(timestamp + token))
	return hex.EncodeToString(mac.Sum(nil))
}

func TestMailgunWebhookSignatureMatrix(t *testing.T) {
	needTool(t, "chromium")
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta, _ := startMailgunApp(t, b)
		c := ta.signUp(t, "Webhook Shop")
		cust := c.createCustomer("Acme Ltd", "billing@acme.example")
		id := c.draft(cust)
		c.do(`mutation($id: ID!) { issueInvoice(id: $id, send: true) { id } }`, map[string]any{"id": id}, nil)
		deliver(t, ta.outbox)
		email := c.emailsOf(id)[0]

		post := func(key string, ts time.Time, token, event, severity string) int {
			t.Helper()
			stamp := fmt.Sprint(ts.Unix())
			body, _ := json.Marshal(map[string]any{
				"signature": map[string]string{"timestamp": stamp, "token": token, "signature": signMailgun(key, stamp, token)},
				"event-data": map[string]any{"event": event, "severity": severity, "recipient": email.To,
					"user-variables":  map[string]string{"tally_email_id": email.ID},
					"delivery-status": map[string]string{"description": "mailbox does not exist"}},
			})
			resp, err := http.Post(ta.srv.URL+"/webhooks/mailgun", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		now := time.Now()
		for _, tc := range []struct {
			name string
			code int
			send func() int
		}{
			{"wrong key", 406, func() int { return post("not-the-key", now, "tok-1", "delivered", "") }},
			{"stale timestamp", 406, func() int { return post("signing-key", now.Add(-10*time.Minute), "tok-2", "delivered", "") }},
			{"valid delivered", 200, func() int { return post("signing-key", now, "tok-3", "delivered", "") }},
			{"replayed token", 406, func() int { return post("signing-key", now, "tok-3", "delivered", "") }},
			{"malformed body", 406, func() int {
				resp, err := http.Post(ta.srv.URL+"/webhooks/mailgun", "application/json", strings.NewReader(`{"signature": 12`))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}},
		} {
			if got := tc.send(); got != tc.code {
				t.Errorf("%s: HTTP %d, want %d", tc.name, got, tc.code)
			}
		}
		if e := c.emailsOf(id)[0]; e.Status != "DELIVERED" {
			t.Fatalf("after delivered webhook: %s", e.Status)
		}

		// A permanent failure bounces the email and flags the customer's address.
		id2 := c.draft(cust)
		c.do(`mutation($id: ID!) { issueInvoice(id: $id, send: true) { id } }`, map[string]any{"id": id2}, nil)
		deliver(t, ta.outbox)
		email = c.emailsOf(id2)[0]
		if got := post("signing-key", now, "tok-4", "failed", "permanent"); got != 200 {
			t.Fatalf("failed webhook: HTTP %d", got)
		}
		var out struct {
			Node struct {
				Emails   []struct{ Status string }
				Customer struct{ EmailBouncing bool }
			}
		}
		c.do(`query($id: ID!) { node(id: $id) { ... on Invoice { emails { status } customer { emailBouncing } } } }`, map[string]any{"id": id2}, &out)
		if out.Node.Emails[0].Status != "BOUNCED" || !out.Node.Customer.EmailBouncing {
			t.Fatalf("after a permanent failure: %+v", out.Node)
		}
		// Correcting the address clears the flag.
		var upd struct{ UpdateCustomer struct{ EmailBouncing bool } }
		c.do(`mutation($id: ID!) { updateCustomer(id: $id, input: {email: "accounts@acme.example"}) { emailBouncing } }`, map[string]any{"id": cust}, &upd)
		if upd.UpdateCustomer.EmailBouncing {
			t.Error("a corrected address still shows as bouncing")
		}
	})
}

// stuckSender never answers until released: a worker that dies mid-send.
type stuckSender struct{ release chan struct{} }

func (s *stuckSender) Name() string { return "stuck" }

func (s *stuckSender) Send(context.Context, mail.Message) (string, error) {
	<-s.release
	return "<late>", nil
}

// A worker that claimed an email and then stalled (or was killed) holds it
// only for its lease: another worker sends it then, once, and the stalled
// worker's late answer changes nothing.
func TestAStalledWorkerLosesItsLease(t *testing.T) {
	needTool(t, "chromium")
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Stalling Shop")
		id := c.draft(c.createCustomer("Acme Ltd", "billing@acme.example"))
		c.do(`mutation($id: ID!) { issueInvoice(id: $id, send: true) { id } }`, map[string]any{"id": id}, nil)

		stuck := &stuckSender{release: make(chan struct{})}
		stalled := mail.NewOutbox(ta.db.Client, stuck, ta.pdf, ta.cfg.BaseURL, ta.cfg.MailFrom)
		stalled.Lease = 2 * time.Second
		done := make(chan struct{})
		go func() { defer close(done); _, _ = stalled.DeliverDue(context.Background()) }()

		// Wait until the stalled worker has claimed it.
		var claimedAt time.Time
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if es := c.emailsOf(id); es[0].Attempts == 1 {
				claimedAt = time.Now()
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the first worker never claimed the email")
			}
		}
		healthy := &countingSender{sent: map[string]int{}}
		other := mail.NewOutbox(ta.db.Client, healthy, ta.pdf, ta.cfg.BaseURL, ta.cfg.MailFrom)
		if n := deliver(t, other); n != 0 {
			t.Fatalf("took over an email whose lease had not run out: %d", n)
		}
		time.Sleep(time.Until(claimedAt.Add(2500 * time.Millisecond))) // the lease runs out
		if n := deliver(t, other); n != 1 {
			t.Fatalf("after the lease ran out, delivered %d, want 1", n)
		}
		close(stuck.release) // the stalled worker finally answers
		<-done

		es := c.emailsOf(id)
		if len(es) != 1 || es[0].Status != "SENT" || es[0].Attempts != 2 || len(healthy.sent) != 1 {
			t.Fatalf("emails %+v, healthy worker sent %d", es, len(healthy.sent))
		}
		if es[0].ProviderMessageID == nil || *es[0].ProviderMessageID == "<late>" {
			t.Errorf("the stalled worker's late answer overwrote the email: %v", es[0].ProviderMessageID)
		}
	})
}

// The merchant's note goes above the invoice in the email only, in the
// customer's language with the subject; the document itself is unchanged.
func TestEmailCarriesTheMerchantsMessageInTheCustomersLanguage(t *testing.T) {
	needTool(t, "chromium")
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Nordlicht GmbH")
		cust := c.createCustomer("Beispiel AG", "rechnung@beispiel.example")
		c.do(`mutation($id: ID!) { updateCustomer(id: $id, input: {language: "de"}) { id } }`, map[string]any{"id": cust}, nil)
		id := c.draft(cust)

		c.expectCode("VALIDATION", "message", `mutation($id: ID!) { issueInvoice(id: $id, send: false, message: "Hallo") { id } }`, map[string]any{"id": id})
		long := strings.Repeat("x", 2001)
		c.expectCode("VALIDATION", "message", `mutation($id: ID!, $m: String) { issueInvoice(id: $id, send: true, message: $m) { id } }`, map[string]any{"id": id, "m": long})

		msg := "Danke für Ihren Auftrag!\n<b>Bis bald</b>"
		var is struct{ IssueInvoice struct{ PreviewHTML string } }
		c.do(`mutation($id: ID!, $m: String) { issueInvoice(id: $id, send: true, message: $m) { previewHTML } }`, map[string]any{"id": id, "m": msg}, &is)
		e := c.emailsOf(id)[0]
		if !strings.HasPrefix(e.Subject, "Rechnung INV-000001") {
			t.Errorf("subject = %q, want it in German", e.Subject)
		}
		if !strings.Contains(e.HTML, "Danke für Ihren Auftrag!") || !strings.Contains(e.HTML, "&lt;b&gt;Bis bald") || strings.Contains(e.HTML, "<b>Bis bald") {
			t.Errorf("the email does not carry the message, escaped")
		}
		if strings.Contains(is.IssueInvoice.PreviewHTML, "Danke für Ihren Auftrag") {
			t.Error("the message leaked into the document (preview)")
		}
		if !strings.Contains(is.IssueInvoice.PreviewHTML, `lang="de"`) {
			t.Error("the document is not in the customer's language")
		}

		deliver(t, ta.outbox)
		c.do(`mutation($id: ID!) { sendInvoice(id: $id, message: "Kurze Erinnerung") { id } }`, map[string]any{"id": id}, nil)
		r := emailByKind(c.emailsOf(id), "REMINDER")
		if !strings.Contains(r.HTML, "Kurze Erinnerung") {
			t.Error("the reminder does not carry its message")
		}
	})
}
