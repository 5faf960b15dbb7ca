package bench

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	netmail "net/mail"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/mailgun/mailgun-go/v4"
	"github.com/mailgun/mailgun-go/v4/events"
	"github.com/shopspring/decimal"
	"golang.org/x/crypto/bcrypt"

	"github.com/tally-invoicing/tally/ent"
	entemail "github.com/tally-invoicing/tally/ent/email"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/internal/auth"
	"github.com/tally-invoicing/tally/internal/customer"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/invoice/paymethod"
	"github.com/tally-invoicing/tally/internal/mail"
	"github.com/tally-invoicing/tally/internal/pdf"
	"github.com/tally-invoicing/tally/internal/tenant"
)

var (
	outboxDB         = flag.String("outbox-db", "postgres", "TestOutboxThroughput's database: postgres (TEST_DATABASE_URL, fresh schema) or sqlite (a file in a temp dir)")
	outboxEmails     = flag.Int("outbox-emails", 1000, "invoices issued with send=true, and emails sent directly, per side")
	outboxWorkerMode = flag.String("outbox-worker", "loop", "how the 2 outbox workers run: loop (DeliverDue again at once while it finds work, poll 10ms when idle) or run (Outbox.Run, production Poll, woken by Issue)")
	outboxGoal       = flag.Float64("outbox-goal", 0.5, "outbox/direct emails/s ratio to aim for; shown in the report, never enforced")
	outboxRounds     = flag.Int("outbox-rounds", 2, "rounds of n emails per side; round 1 runs the outbox side first, round 2 the direct side, and so on")
	outboxProfile    = flag.String("outbox-cpuprofile", "", "write a CPU profile of the test process (issuing, outbox, mailgun client, mock server) during the outbox side to this file")
)

var outboxProfiled bool

const (
	outboxIssuers  = 4 // goroutines calling Issue(ctx, id, true)
	outboxWorkers  = 2 // delivery workers, and direct-send goroutines to match
	outboxIdlePoll = 10 * time.Millisecond
	outboxBaseURL  = "https://tally.bench.example"
	outboxFrom     = "invoices@mg.bench.example"
	outboxDomain   = "mg.bench.example"
)

// TestOutboxThroughput measures "Create and send" end to end: issuing
// invoices with send=true, which queues each email in the issuing
// transaction, until the outbox workers have delivered every one through
// mailgun-go to its mock server. The baseline sends the same emails directly
// with the mailgun client in a loop, printing the same PDFs with the same
// pool. README.md, section TestOutboxThroughput, says why.
func TestOutboxThroughput(t *testing.T) {
	if os.Getenv("TALLY_BENCH") != "1" {
		t.Skip("set TALLY_BENCH=1 to run the benchmarks")
	}
	if m := *outboxWorkerMode; m != "loop" && m != "run" {
		t.Fatalf("-outbox-worker=%q: want loop or run", m)
	}
	if *outboxRounds < 1 || *outboxEmails < 1 {
		t.Fatal("-outbox-rounds and -outbox-emails must be at least 1")
	}
	chromium := pdf.DefaultOptions().ExecPath
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("%s: %v (make deps-system installs it)", chromium, err)
	}
	n := *outboxEmails
	ctx := context.Background()
	load0 := loadAverage()

	// The database, fresh, with every statement counted while stmts is on.
	var databaseURL, dbName string
	switch *outboxDB {
	case "postgres":
		databaseURL, dbName = freshSchema(t), "PostgreSQL"
	case "sqlite":
		databaseURL, dbName = "sqlite:"+filepath.Join(t.TempDir(), "tally.db"), "SQLite"
	default:
		t.Fatalf("-outbox-db=%q: want postgres or sqlite", *outboxDB)
	}
	stmts := &stmtCounter{}
	stmts.reset()
	db, err := database.Open(ctx, databaseURL, "", database.Options{Driver: func(d dialect.Driver) dialect.Driver {
		return &countingDriver{Driver: d, c: stmts}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	// A merchant, its owner and a customer.
	accounts := auth.NewService(db.Client, auth.Options{Mailer: auth.NoResetMail, OnRevoke: func(context.Context, string, string) {}})
	accounts.BcryptCost = bcrypt.MinCost
	session, err := accounts.SignUp(ctx, auth.SignUpInput{MerchantName: "Bench Studio", Email: "owner@bench.example", Password: "benchmark password"})
	if err != nil {
		t.Fatalf("SignUp: %v", err)
	}
	vctx := tenant.WithViewer(ctx, session.Viewer)
	cust, err := customer.NewService(db.Client).Create(vctx, customer.New{Name: "Globex Corporation", Email: "billing@globex.example"})
	if err != nil {
		t.Fatalf("create customer: %v", err)
	}
	invoices := invoice.NewService(db.Client, db.Dialect, invoice.Deps{Mailer: invoice.NoMail, Methods: invoice.AnyMethod, Events: invoice.NoEvents, Clock: invoice.RealTime})

	// One mock Mailgun and one PDF pool for both sides, both warmed.
	mock := mailgun.NewMockServer()
	t.Cleanup(mock.Stop)
	sender := mail.NewMailgun(mail.MailgunConfig{APIKey: "key-bench", Domain: outboxDomain, APIBase: mock.URL()})
	mg := mailgun.NewMailgun(outboxDomain, "key-bench")
	mg.SetAPIBase(mock.URL())
	pool := pdf.New(pdf.Options{})
	if err := pool.Start(ctx); err != nil {
		t.Fatalf("pdf pool: %v", err)
	}
	t.Cleanup(func() { _ = pool.Close() })
	warmDoc := pdf.Document{HTML: pdfInvoiceHTML(), Paper: pdf.PaperA4, Title: "Invoice INV-000042", Author: "Northwind Studio Ltd"}
	warm := pdfRenders(t, pool, warmDoc, outboxWorkers, 20)
	for i := range 5 {
		if _, err := sender.Send(ctx, mail.Message{ID: fmt.Sprintf("warm-%d", i), From: outboxFrom, To: "warm@bench.example",
			Subject: "warm-up", Text: "warm-up", HTML: "<p>warm-up</p>", Attachments: []mail.Attachment{{Name: "warm.pdf", Data: []byte("%PDF-1.4")}}}); err != nil {
			t.Fatalf("warm-up send: %v", err)
		}
	}

	// Rounds. Each issues a fresh batch of n drafts through the outbox; the
	// direct side sends the emails of the latest batch the outbox sent. Even
	// rounds run the outbox first, odd rounds the direct side first, so
	// drift in the machine's load hits both sides alike.
	type batch struct {
		jobs   []*directJob
		events []mailgun.Event
	}
	var (
		obs     []*outboxSide
		directs []*directSide
		last    *batch // the outbox's latest
		printed *batch // the one the direct side printed last
	)
	runDirectSide := func(b *batch) {
		mark := len(mock.Events())
		d := runDirect(t, mg, pool, b.jobs, true)
		verifyDirect(t, "direct", mock.Events()[mark:], b.events, d, n)
		directs = append(directs, d)
		printed = b
	}
	for r := range *outboxRounds {
		seeded := time.Now()
		drafts := outboxDrafts(t, vctx, invoices, cust.ID, n)
		t.Logf("round %d: %d drafts on %s in %s", r+1, n, dbName, time.Since(seeded).Round(time.Millisecond))
		if r%2 == 1 {
			runDirectSide(last)
		}
		mark := len(mock.Events())
		ob := runOutboxSide(t, vctx, db, invoices, sender, pool, drafts, stmts)
		evs := mock.Events()[mark:]
		rows := verifyOutbox(t, ctx, db, ob, evs, drafts)
		obs = append(obs, ob)
		last = &batch{jobs: directJobs(t, vctx, db, rows), events: evs}
		if r%2 == 0 {
			runDirectSide(last)
		}
	}

	// Stricter baseline: the same messages with their PDFs already printed.
	mark := len(mock.Events())
	noPDF := runDirect(t, mg, pool, printed.jobs, false)
	verifyDirect(t, "direct without PDF", mock.Events()[mark:], printed.events, noPDF, n)

	t.Log("\n" + outboxReport(dbName, n, load0, obs, directs, noPDF, pdfQuantile(warm, 0.5), stmts))
}

// outboxDrafts creates n drafts with 3 items and a payment method each, a
// few at a time, and returns their ids.
func outboxDrafts(t *testing.T, vctx context.Context, s *invoice.Service, customerID string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		next     atomic.Int64
	)
	for range 4 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				id, err := outboxDraft(vctx, s, customerID, i)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("draft %d: %w", i, err)
					}
					mu.Unlock()
					return
				}
				ids[i] = id
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	return ids
}

func outboxDraft(vctx context.Context, s *invoice.Service, customerID string, i int) (string, error) {
	inv, err := s.CreateDraft(vctx, invoice.DraftInput{CustomerID: customerID})
	if err != nil {
		return "", err
	}
	d := decimal.RequireFromString
	if _, err := s.SetItems(vctx, inv.ID, []invoice.ItemInput{
		{Name: fmt.Sprintf("Design work, week %d", i%52+1), Quantity: d("2"), UnitPrice: d("10.00")},
		{Name: "Hosting", Quantity: d("1"), UnitPrice: d("25.50")},
		{Name: "Support hours", Quantity: d("1.5"), UnitPrice: d("80.00")},
	}, nil); err != nil {
		return "", fmt.Errorf("SetItems: %w", err)
	}
	if _, err := s.SetPaymentMethods(vctx, inv.ID, []paymethod.Method{paymethod.Crypto}); err != nil {
		return "", fmt.Errorf("SetPaymentMethods: %w", err)
	}
	return inv.ID, nil
}

// outboxWorker is one delivery worker with its own Outbox, and the timings
// its Sender and PDFRenderer wrappers take. Its attempts run one after the
// other, so the wrappers need no lock while it runs.
type outboxWorker struct {
	o        *mail.Outbox
	lastPDF  time.Duration
	prevEnd  time.Time // end of the previous successful send
	idle     bool      // the worker waited since prevEnd: the next cycle is not one email's work
	emails   []emailTiming
	sent     int
	lastDone time.Time // return of the last DeliverDue that attempted something
	errs     []error
}

// emailTiming is one email's share of a worker's time: cycle is from the
// end of the previous send to the end of this one (so it holds the previous
// email's bookkeeping transaction, the due-row query amortised over a batch,
// the claim, loading the row, printing and sending).
type emailTiming struct{ cycle, pdf, send time.Duration }

type timedRenderer struct {
	w    *outboxWorker
	pool *pdf.Pool
}

func (r timedRenderer) Render(ctx context.Context, doc pdf.Document) ([]byte, error) {
	began := time.Now()
	out, err := r.pool.Render(ctx, doc)
	r.w.lastPDF = time.Since(began)
	return out, err
}

// sendLog counts, by Tally email id, the messages Mailgun accepted.
type sendLog struct {
	mu   sync.Mutex
	sent map[string]int
}

type timedSender struct {
	w   *outboxWorker
	mg  mail.Sender
	log *sendLog
}

func (s timedSender) Name() string { return s.mg.Name() }

func (s timedSender) Send(ctx context.Context, m mail.Message) (string, error) {
	began := time.Now()
	id, err := s.mg.Send(ctx, m)
	end := time.Now()
	if err != nil {
		return id, err
	}
	s.log.mu.Lock()
	s.log.sent[m.ID]++
	s.log.mu.Unlock()
	w := s.w
	w.sent++
	if !w.prevEnd.IsZero() && !w.idle {
		w.emails = append(w.emails, emailTiming{cycle: end.Sub(w.prevEnd), pdf: w.lastPDF, send: end.Sub(began)})
	}
	w.prevEnd, w.idle = end, false
	return id, nil
}

// outboxSide is what the outbox side measured.
type outboxSide struct {
	wall, issueWall time.Duration
	issue           []time.Duration
	sentAtIssued    int // emails Mailgun had accepted when the last Issue returned
	workers         []*outboxWorker
	sends           *sendLog
	cpu             cpuSample
}

// runOutboxSide issues every draft with send=true from outboxIssuers
// goroutines while outboxWorkers workers deliver, and returns when all the
// emails are out (or given up on).
func runOutboxSide(t *testing.T, vctx context.Context, db *database.DB, invoices *invoice.Service, sender mail.Sender, pool *pdf.Pool, drafts []string, stmts *stmtCounter) *outboxSide {
	t.Helper()
	side := &outboxSide{sends: &sendLog{sent: map[string]int{}}}
	for range outboxWorkers {
		w := &outboxWorker{}
		w.o = mail.NewOutbox(db.Client, timedSender{w: w, mg: sender, log: side.sends}, timedRenderer{w: w, pool: pool}, outboxBaseURL, outboxFrom)
		side.workers = append(side.workers, w)
	}
	// Issue wakes this one; in "run" mode the other finds work on its Poll
	// tick, as a second server process would.
	invoices = invoice.NewService(db.Client, db.Dialect, invoice.Deps{Mailer: side.workers[0].o, Methods: invoice.AnyMethod, Events: invoice.NoEvents, Clock: invoice.RealTime})

	if *outboxProfile != "" && !outboxProfiled {
		outboxProfiled = true // the first round's only
		f, err := os.Create(*outboxProfile)
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			t.Fatal(err)
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = f.Close()
			t.Logf("wrote the outbox side's CPU profile to %s; see it with: go tool pprof -top -cum %s", *outboxProfile, *outboxProfile)
		}()
	}

	var (
		issued atomic.Bool
		wg     sync.WaitGroup
	)
	runCtx, stopRuns := context.WithCancel(context.Background())
	defer stopRuns()
	issueCtx := withPhase(vctx, "issue")
	deliverCtx := withPhase(context.Background(), "deliver")
	runCtx = withPhase(runCtx, "deliver")
	stmts.on.Store(true)
	defer stmts.on.Store(false)
	cpu0 := readSelfAndMachine()
	began := time.Now()
	switch *outboxWorkerMode {
	case "loop":
		for _, w := range side.workers {
			wg.Go(func() {
				for {
					done := issued.Load() // read before looking: no email can appear after
					k, err := w.o.DeliverDue(deliverCtx)
					if err != nil {
						w.errs = append(w.errs, err)
					}
					if k > 0 {
						w.lastDone = time.Now()
						continue
					}
					if done {
						return
					}
					w.idle = true
					time.Sleep(outboxIdlePoll)
				}
			})
		}
	case "run":
		for _, w := range side.workers {
			wg.Go(func() { w.o.Run(runCtx) })
		}
	}

	// Issue: "Create and send" from outboxIssuers goroutines.
	var (
		iwg      sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		next     atomic.Int64
	)
	side.issue = make([]time.Duration, len(drafts))
	for range outboxIssuers {
		iwg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(drafts) {
					return
				}
				t0 := time.Now()
				_, err := invoices.Issue(issueCtx, drafts[i], true, "")
				side.issue[i] = time.Since(t0)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("Issue %s: %w", drafts[i], err)
					}
					mu.Unlock()
				}
			}
		})
	}
	iwg.Wait()
	side.issueWall = time.Since(began)
	side.sends.mu.Lock()
	side.sentAtIssued = len(side.sends.sent)
	side.sends.mu.Unlock()
	issued.Store(true)
	if firstErr != nil {
		stopRuns()
		wg.Wait()
		t.Fatal(firstErr)
	}

	switch *outboxWorkerMode {
	case "loop":
		wg.Wait()
		var end time.Time
		for _, w := range side.workers {
			if w.lastDone.After(end) {
				end = w.lastDone
			}
		}
		side.wall = end.Sub(began)
	case "run":
		// Run loops never return on their own: watch the table.
		sys := tenant.System(context.Background())
		deadline := time.Now().Add(10 * time.Minute)
		for {
			left, err := db.Client.Email.Query().Where(entemail.StatusEQ(entemail.StatusQUEUED)).Count(sys)
			if err != nil {
				t.Fatal(err)
			}
			if left == 0 {
				side.wall = time.Since(began)
				break
			}
			if time.Now().After(deadline) {
				stopRuns()
				wg.Wait()
				t.Fatalf("%d emails still QUEUED after 10 minutes", left)
			}
			time.Sleep(20 * time.Millisecond)
		}
		stopRuns()
		wg.Wait()
	}
	side.cpu = readSelfAndMachine().sub(cpu0)
	for i, w := range side.workers {
		if len(w.errs) > 0 {
			t.Errorf("worker %d: DeliverDue failed %d times, first: %v", i, len(w.errs), w.errs[0])
		}
	}
	return side
}

// verifyOutbox checks that every issued invoice's email went out exactly
// once: n rows SENT after one attempt, none FAILED, n messages accepted by
// the mock server, each matching one row, each with its PDF attached.
func verifyOutbox(t *testing.T, ctx context.Context, db *database.DB, side *outboxSide, evs []mailgun.Event, drafts []string) []*ent.Email {
	t.Helper()
	n := len(drafts)
	sys := tenant.System(ctx)
	rows, err := db.Client.Email.Query().Where(entemail.InvoiceIDIn(drafts...)).Order(ent.Asc(entemail.FieldSubject)).All(sys)
	if err != nil {
		t.Fatal(err)
	}
	byStatus := map[entemail.Status]int{}
	for _, e := range rows {
		byStatus[e.Status]++
	}
	if len(rows) != n || byStatus[entemail.StatusSENT] != n {
		t.Fatalf("outbox: %d email rows by status %v, want %d SENT", len(rows), byStatus, n)
	}
	if unsent, err := db.Client.Invoice.Query().Where(entinvoice.IDIn(drafts...), entinvoice.SentAtIsNil()).Count(sys); err != nil || unsent != 0 {
		t.Fatalf("outbox: %d invoices without sent_at (%v)", unsent, err)
	}
	if len(side.sends.sent) != n {
		t.Fatalf("outbox: the Sender was asked for %d distinct emails, want %d", len(side.sends.sent), n)
	}
	accepted := acceptedByID(t, "outbox", evs, n)
	subjects := map[string]bool{}
	for _, e := range rows {
		if e.Attempts != 1 || side.sends.sent[e.ID] != 1 || e.ProviderMessageID == nil {
			t.Fatalf("outbox: email %s: %d attempts, sent %d times, provider id %v; want 1, 1, set", e.ID, e.Attempts, side.sends.sent[e.ID], e.ProviderMessageID)
		}
		ev, ok := accepted[strings.Trim(*e.ProviderMessageID, "<>")]
		if !ok {
			t.Fatalf("outbox: email %s: the mock server accepted no message %s", e.ID, *e.ProviderMessageID)
		}
		if ev.Message.Headers.Subject != e.Subject || ev.Recipient != e.To {
			t.Fatalf("outbox: email %s went out as %q to %q, want %q to %q", e.ID, ev.Message.Headers.Subject, ev.Recipient, e.Subject, e.To)
		}
		if len(ev.Message.Attachments) != 1 || ev.Message.Attachments[0].Size < 1000 {
			t.Fatalf("outbox: email %s: attachments %+v, want one PDF", e.ID, ev.Message.Attachments)
		}
		subjects[e.Subject] = true
	}
	if len(subjects) != n {
		t.Fatalf("outbox: %d distinct subjects, want %d", len(subjects), n)
	}
	return rows
}

// acceptedByID indexes the mock server's accepted events by message id and
// fails unless there are exactly n, all distinct.
func acceptedByID(t *testing.T, side string, evs []mailgun.Event, n int) map[string]*events.Accepted {
	t.Helper()
	out := map[string]*events.Accepted{}
	for _, ev := range evs {
		a, ok := ev.(*events.Accepted)
		if !ok {
			t.Fatalf("%s: unexpected mock event %T", side, ev)
		}
		out[a.Message.Headers.MessageID] = a
	}
	if len(evs) != n || len(out) != n {
		t.Fatalf("%s: the mock server accepted %d messages (%d distinct ids), want %d", side, len(evs), len(out), n)
	}
	return out
}

// directJob is one email as a naive integration would send it.
type directJob struct {
	snap                                 document.Snapshot
	html                                 []byte // the outbox's, to check the render against
	id, from, to, replyTo, subject, text string
	number, merchant                     string
	printed                              []byte // the PDF from the direct run, for the no-PDF run
}

// directJobs prepares, outside the timing, what the direct side needs for
// each email the outbox sent: the invoice's snapshot (as the outbox's
// Enqueue took it) and the addresses, subject and text part.
func directJobs(t *testing.T, vctx context.Context, db *database.DB, rows []*ent.Email) []*directJob {
	t.Helper()
	ids := make([]string, len(rows))
	for i, e := range rows {
		ids[i] = *e.InvoiceID
	}
	invs, err := db.Client.Invoice.Query().Where(entinvoice.IDIn(ids...)).WithCustomer().All(vctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*ent.Invoice{}
	for _, inv := range invs {
		byID[inv.ID] = inv
	}
	jobs := make([]*directJob, len(rows))
	for i, e := range rows {
		inv := byID[*e.InvoiceID]
		if inv == nil {
			t.Fatalf("invoice %s of email %s not found", *e.InvoiceID, e.ID)
		}
		snap, err := document.Load(vctx, inv, outboxBaseURL)
		if err != nil {
			t.Fatal(err)
		}
		jobs[i] = &directJob{
			snap: snap, html: []byte(e.HTML), id: inv.ID,
			from: (&netmail.Address{Name: snap.MerchantName, Address: outboxFrom}).String(),
			to:   e.To, replyTo: e.ReplyTo, subject: e.Subject, text: e.Text,
			number: snap.Number, merchant: snap.MerchantName,
		}
	}
	return jobs
}

// directTiming is one email of a direct run.
type directTiming struct{ total, html, pdf, send time.Duration }

type directSide struct {
	wall       time.Duration
	emails     []directTiming
	mismatched int // documents that did not render to the outbox's bytes
	cpu        cpuSample
}

// runDirect sends every job with the mailgun client from outboxWorkers
// goroutines. With printPDF, each email renders its document and prints it
// with the pool first, as the outbox does; without, it sends the HTML and
// PDF of the previous run.
func runDirect(t *testing.T, mg *mailgun.MailgunImpl, pool *pdf.Pool, jobs []*directJob, printPDF bool) *directSide {
	t.Helper()
	side := &directSide{}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		next     atomic.Int64
	)
	perWorker := make([][]directTiming, outboxWorkers)
	mismatched := make([]int, outboxWorkers)
	cpu0 := readSelfAndMachine()
	began := time.Now()
	for g := range outboxWorkers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				j := jobs[i]
				var tm directTiming
				t0 := time.Now()
				html := j.html
				if printPDF {
					var err error
					if html, err = document.Render(j.snap); err != nil {
						mu.Lock()
						firstErr = cmpErr(firstErr, err)
						mu.Unlock()
						return
					}
					if !bytes.Equal(html, j.html) {
						mismatched[g]++
					}
					t1 := time.Now()
					tm.html = t1.Sub(t0)
					printed, err := pool.Render(context.Background(), pdf.Document{HTML: html, Paper: pdf.Paper(j.snap.Paper), Title: "Invoice " + j.number, Author: j.merchant})
					if err != nil {
						mu.Lock()
						firstErr = cmpErr(firstErr, fmt.Errorf("print %s: %w", j.number, err))
						mu.Unlock()
						return
					}
					j.printed = printed
					tm.pdf = time.Since(t1)
				}
				t2 := time.Now()
				if err := directSend(mg, j, html); err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, fmt.Errorf("send %s: %w", j.number, err))
					mu.Unlock()
					return
				}
				end := time.Now()
				tm.send, tm.total = end.Sub(t2), end.Sub(t0)
				perWorker[g] = append(perWorker[g], tm)
			}
		})
	}
	wg.Wait()
	side.wall = time.Since(began)
	side.cpu = readSelfAndMachine().sub(cpu0)
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	for g := range outboxWorkers {
		side.emails = append(side.emails, perWorker[g]...)
		side.mismatched += mismatched[g]
	}
	return side
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// directSend builds the message mail.Mailgun.Send builds and sends it.
func directSend(mg *mailgun.MailgunImpl, j *directJob, html []byte) error {
	msg := mailgun.NewMessage(j.from, j.subject, j.text, j.to)
	msg.SetHTML(string(html))
	if j.replyTo != "" {
		msg.SetReplyTo(j.replyTo)
	}
	msg.AddBufferAttachment(j.number+".pdf", j.printed)
	if err := msg.AddVariable("tally_email_id", j.id); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _, err := mg.Send(ctx, msg)
	return err
}

// verifyDirect checks that a direct run sent the same n emails as the
// outbox: the same subjects to the same recipients, each once, each with
// its PDF, rendered from identical HTML.
func verifyDirect(t *testing.T, name string, evs, outboxEvs []mailgun.Event, side *directSide, n int) {
	t.Helper()
	got := acceptedByID(t, name, evs, n)
	want := map[string]string{}
	for _, ev := range outboxEvs {
		a := ev.(*events.Accepted)
		want[a.Message.Headers.Subject] = a.Recipient
	}
	seen := map[string]bool{}
	for _, a := range got {
		s := a.Message.Headers.Subject
		if want[s] != a.Recipient || seen[s] {
			t.Fatalf("%s: sent %q to %q; the outbox sent it to %q (seen before: %v)", name, s, a.Recipient, want[s], seen[s])
		}
		seen[s] = true
		if len(a.Message.Attachments) != 1 || a.Message.Attachments[0].Size < 1000 {
			t.Fatalf("%s: %q: attachments %+v, want one PDF", name, s, a.Message.Attachments)
		}
	}
	if side.mismatched > 0 {
		t.Fatalf("%s: %d documents rendered differently from the HTML the outbox stored", name, side.mismatched)
	}
}

// cpuSample is CPU time used by this process (the Go side: issuing, ent,
// the outbox, the mailgun client and the mock server) and by the whole
// machine (adding Chromium, the database server, and anything else).
type cpuSample struct{ self, machine time.Duration }

func (c cpuSample) sub(d cpuSample) cpuSample {
	return cpuSample{c.self - d.self, c.machine - d.machine}
}

func readSelfAndMachine() cpuSample {
	self, err1 := processCPU("/proc/self/stat")
	machine, err2 := machineCPU()
	if err1 != nil || err2 != nil {
		return cpuSample{}
	}
	return cpuSample{self, machine}
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func outboxReport(dbName string, n int, load0 string, obs []*outboxSide, directs []*directSide, noPDF *directSide, warmPDF time.Duration, stmts *stmtCounter) string {
	var (
		cycles, obPDF, obSend, obRest, issue []time.Duration
		obWall, dWall, issueWall, tail       time.Duration
		tailEmails                           int
		obCPU, dCPU                          cpuSample
		obRates, dRates                      []float64
		dTotal, dHTML, dPDF, dSend           []time.Duration
		per                                  []string
	)
	rate := func(emails int, d time.Duration) float64 { return float64(emails) / d.Seconds() }
	for _, ob := range obs {
		obWall += ob.wall
		issueWall += ob.issueWall
		tail += ob.wall - ob.issueWall
		tailEmails += n - ob.sentAtIssued
		obCPU.self, obCPU.machine = obCPU.self+ob.cpu.self, obCPU.machine+ob.cpu.machine
		obRates = append(obRates, rate(n, ob.wall))
		issue = append(issue, ob.issue...)
		var sent []string
		for _, w := range ob.workers {
			sent = append(sent, fmt.Sprint(w.sent))
			for _, e := range w.emails {
				cycles = append(cycles, e.cycle)
				obPDF = append(obPDF, e.pdf)
				obSend = append(obSend, e.send)
				obRest = append(obRest, e.cycle-e.pdf-e.send)
			}
		}
		per = append(per, strings.Join(sent, "+"))
	}
	for _, d := range directs {
		dWall += d.wall
		dCPU.self, dCPU.machine = dCPU.self+d.cpu.self, dCPU.machine+d.cpu.machine
		dRates = append(dRates, rate(n, d.wall))
		for _, x := range d.emails {
			dTotal, dHTML, dPDF, dSend = append(dTotal, x.total), append(dHTML, x.html), append(dPDF, x.pdf), append(dSend, x.send)
		}
	}
	var nTotal []time.Duration
	for _, x := range noPDF.emails {
		nTotal = append(nTotal, x.total)
	}
	rounds := len(obs)
	all := rounds * n
	perEmail := func(d time.Duration, emails int) string { return ms2(d / time.Duration(emails)) }

	var b strings.Builder
	fmt.Fprintf(&b, "Create and send: %d rounds x %d invoices per side, %s, %d issuing goroutines, %d outbox workers (%s), %d direct goroutines, %d cores, load avg at start %s, at end %s\n\n",
		rounds, n, dbName, outboxIssuers, outboxWorkers, *outboxWorkerMode, outboxWorkers, runtime.NumCPU(), load0, loadAverage())
	fmt.Fprintf(&b, "%-40s %9s %9s %12s %12s %12s %8s\n", "", "emails/s", "wall", "p50/email", "CPU/email", "CPU/email", "machine")
	fmt.Fprintf(&b, "%-40s %9s %9s %12s %12s %12s %8s\n", "", "", "", "(1 worker)", "test proc", "rest of mc", "busy")
	line := func(name string, emails int, wall, p50 time.Duration, cpu cpuSample) {
		// /proc counts in 10ms ticks: over a short wall, rest can come out a tick below zero.
		fmt.Fprintf(&b, "%-40s %9.1f %8.1fs %12s %12s %12s %7.0f%%\n", name, rate(emails, wall), wall.Seconds(), ms(p50),
			perEmail(cpu.self, emails), perEmail(max(cpu.machine-cpu.self, 0), emails), 100*cpu.machine.Seconds()/wall.Seconds()/float64(runtime.NumCPU()))
	}
	line("outbox: Issue(send=true) .. all SENT", all, obWall, q50(cycles), obCPU)
	line("direct: render, print, mg.Send", all, dWall, q50(dTotal), dCPU)
	ratio := dWall.Seconds() / obWall.Seconds()
	verdict := "met"
	if ratio < *outboxGoal {
		verdict = "NOT met"
	}
	fmt.Fprintf(&b, "%-40s %9.2f  (goal >= %.2f: %s)\n", "ratio outbox/direct", ratio, *outboxGoal, verdict)
	line("stricter: direct, PDFs already printed", n, noPDF.wall, q50(nTotal), noPDF.cpu)
	fmt.Fprintf(&b, "%-40s %9.3f  (for scale: the PDF is most of the time)\n", "ratio outbox/stricter", rate(all, obWall)/rate(n, noPDF.wall))
	fmt.Fprintf(&b, "rounds emails/s: outbox %s; direct %s (round 1 outbox first, round 2 direct first, ...)\n", rates(obRates), rates(dRates))

	fmt.Fprintf(&b, "\nper email, p50 (p99)                  %16s %16s %16s %16s\n", "html", "pdf", "mg.Send", "rest")
	fmt.Fprintf(&b, "%-37s %16s %16s %16s %16s\n", "  outbox, one worker's cycle", "(in Issue)", p50p99(obPDF), p50p99(obSend), p50p99(obRest))
	fmt.Fprintf(&b, "%-37s %16s %16s %16s %16s\n", "  direct", p50p99(dHTML), p50p99(dPDF), p50p99(dSend), "-")
	fmt.Fprintf(&b, "%-37s %16s %16s %16s %16s\n", "  stricter", "-", "-", p50p99(nTotal), "-")
	fmt.Fprintf(&b, "  outbox rest = claim, load row + invoice + merchant, the SENT transaction, the due-rows query per batch\n")
	fmt.Fprintf(&b, "  warm pdf p50 before the rounds, machine otherwise idle of this test: %s\n", ms(warmPDF))
	fmt.Fprintf(&b, "\nIssue(send=true) per call: p50 %s, p99 %s; all issued %.1fs into a round on average, all SENT %.1fs in\n",
		ms(q50(issue)), ms(pdfQuantile(issue, 0.99)), issueWall.Seconds()/float64(rounds), obWall.Seconds()/float64(rounds))
	fmt.Fprintf(&b, "after the last Issue returned: %d of %d emails still to send (%.0f%%), sent in %.1fs at %.1f emails/s\n",
		tailEmails, all, 100*float64(tailEmails)/float64(all), tail.Seconds(), rate(tailEmails, tail))
	fmt.Fprintf(&b, "statements per email, Issue    %s\n", stmts.perEmail("issue", all))
	fmt.Fprintf(&b, "statements per email, delivery %s\n", stmts.perEmail("deliver", all))
	fmt.Fprintf(&b, "claims lost to the other worker: %d (%.2f per email)\n", stmts.lostClaims, float64(stmts.lostClaims)/float64(all))
	fmt.Fprintf(&b, "verified each round: %d rows SENT after 1 attempt each, none FAILED or QUEUED; the mock server accepted %d messages per side, each once, each with a PDF; direct HTML identical to the outbox's; sent per worker %s\n",
		n, n, strings.Join(per, ", "))
	return b.String()
}

func p50p99(d []time.Duration) string {
	if len(d) == 0 {
		return "-"
	}
	return fmt.Sprintf("%s (%s)", ms(pdfQuantile(d, 0.5)), ms(pdfQuantile(d, 0.99)))
}

// q50 is the median, or 0 for no samples.
func q50(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return pdfQuantile(d, 0.5)
}
