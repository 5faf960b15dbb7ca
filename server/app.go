package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/tally-invoicing/tally/ent"
	entemail "github.com/tally-invoicing/tally/ent/email"
	"github.com/tally-invoicing/tally/frontend"
	"github.com/tally-invoicing/tally/graph"
	"github.com/tally-invoicing/tally/graph/transport"
	"github.com/tally-invoicing/tally/internal/auth"
	"github.com/tally-invoicing/tally/internal/checkout"
	"github.com/tally-invoicing/tally/internal/checkout/infini"
	"github.com/tally-invoicing/tally/internal/clock"
	"github.com/tally-invoicing/tally/internal/collect"
	"github.com/tally-invoicing/tally/internal/creditnote"
	"github.com/tally-invoicing/tally/internal/customer"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/document/pdfhttp"
	"github.com/tally-invoicing/tally/internal/event"
	"github.com/tally-invoicing/tally/internal/export"
	"github.com/tally-invoicing/tally/internal/idempotency"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/mail"
	"github.com/tally-invoicing/tally/internal/merchant"
	"github.com/tally-invoicing/tally/internal/outbound"
	"github.com/tally-invoicing/tally/internal/pdf"
	"github.com/tally-invoicing/tally/internal/portal"
	"github.com/tally-invoicing/tally/internal/ratelimit"
	"github.com/tally-invoicing/tally/internal/recurring"
	"github.com/tally-invoicing/tally/internal/reminder"
	"github.com/tally-invoicing/tally/internal/schedule"
	"github.com/tally-invoicing/tally/internal/static"
	"github.com/tally-invoicing/tally/internal/tax/rates"
	"github.com/tally-invoicing/tally/internal/webhook"
)

// app is a wired Tally: the database and every service, behind one handler.
type app struct {
	cfg      config
	db       *database.DB
	auth     *auth.Service
	invoices *invoice.Service
	pdf      *pdf.Pool
	outbox   *mail.Outbox
	checkout *checkout.Service
	collect  *collect.Service
	events   *event.Bus[*invoice.Change]
	// clock is every merchant's time; scheduler runs what became due.
	clock     *clock.Clock
	scheduler *schedule.Scheduler
	sandbox   *infini.Sandbox // nil in production
	// webhooks posts events to partner apps' endpoints, which
	// webhookEndpoints manages.
	webhooks         *webhook.Worker
	webhookEndpoints *webhook.Endpoints
	// limits are the per-process rate limits.
	limits *ratelimit.Limiters
	// renders bounds document renders (previews, PDFs) per credential.
	renders *ratelimit.Renders
	// idempotency replays retried mutations (Idempotency-Key).
	idempotency *idempotency.Store
	revocations *auth.Revocations
	// The public surfaces routes mounts.
	api  *transport.Handler
	pay  *checkout.Handler
	pdfs http.Handler
	// creditNotePDFs serves GET /credit-notes/{id}/pdf.
	creditNotePDFs http.Handler
	portal         *portal.Handler
	mailWebhook    http.Handler
	handler        http.Handler
}

// The built-in Infini sandbox's one API account. It only exists on
// development servers, where no real money moves, so the secrets need not
// be secret.
const (
	sandboxKeyID         = "sandbox_key"
	sandboxSecret        = "sandbox_secret_not_for_production"
	sandboxWebhookSecret = "sandbox_webhook_secret_not_for_production"
)

// newApp opens and migrates the database and builds every service and
// handler, each given what it depends on when it is made; routes then
// mounts the handlers.
func newApp(ctx context.Context, cfg config, dbOpts database.Options) (*app, error) {
	db, err := database.Open(ctx, cfg.DatabaseURL, cfg.DataDir, dbOpts)
	if err != nil {
		return nil, err
	}
	// On a failure below, the error that stopped start-up is the one to
	// report; closing what was opened is best effort.
	if err := db.Migrate(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := merchant.ClaimWallets(ctx, db.Client, slog.Default()); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("database: claim wallet addresses: %w", err)
	}
	if err := customer.ClaimPortalTokens(ctx, db.Client, slog.Default()); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("database: %w", err)
	}
	a := &app{
		cfg: cfg,
		db:  db,
		// The browser starts on the first PDF; run() warms it at start-up.
		pdf:         pdf.New(pdf.DefaultOptions()),
		idempotency: idempotency.NewStore(db.Client),
		renders:     ratelimit.NewRenders(ratelimit.DefaultRenderOptions(cfg.rateRules().RendersPerCredential)),
		// The numbers are in ratelimit.Defaults.
		limits: ratelimit.NewLimiters(cfg.rateRules()),
	}
	a.clock = clock.New(db.Client, cfg.production())
	// Jobs are added as the services they run are built, in the order a
	// pass runs them.
	a.scheduler = schedule.New(a.clock)
	// Every call Tally makes (Mailgun, Infini, the sandbox's webhooks) goes
	// through this one client and its address policy.
	hc := outbound.New(cfg.outboundPolicy())
	// Without Mailgun, email goes to the dev mailbox shown in the dashboard.
	var sender mail.Sender = mail.DevMailbox{}
	if mg := cfg.mailgun(); mg.Configured() {
		mg.HTTPClient = hc
		sender = mail.NewMailgun(mg)
	}
	a.outbox = mail.NewOutbox(db.Client, sender, a.pdf, cfg.BaseURL, cfg.MailFrom)
	a.outbox.Register(entemail.KindREMINDER, a.outbox.RenderReminder)
	a.outbox.Register(entemail.KindRECEIPT, a.outbox.RenderReceipt)
	a.outbox.Register(entemail.KindPAYMENT_NOTICE, a.outbox.RenderPaymentNotice)
	a.mailWebhook = mail.NewWebhook(db.Client, cfg.MailgunSigningKey)

	// Live status: one PostgreSQL channel shared by every tally process, or
	// in-process with SQLite (one process owns the file).
	a.events, err = newBus(ctx, cfg, db, event.Options[*invoice.Change]{LoadBatch: invoice.ChangeLoader(db.Client)})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("live status events: %w", err)
	}

	a.auth = auth.NewService(db.Client, auth.Options{
		Mailer: a.outbox,
		// a.revocations is set below, before any request can revoke.
		OnRevoke: func(ctx context.Context, merchantID, credentialID string) {
			if err := a.revocations.Publish(ctx, merchantID, credentialID); err != nil {
				slog.ErrorContext(ctx, "announce revocation", "err", err)
			}
		},
		// Sign-in and sign-up are limited inside auth.Service, per account
		// and per IP.
		Limits:         authLimits(a.limits),
		TrustedProxies: cfg.trustedProxies,
	})
	// Revoking a key or ending a session closes the websockets it opened,
	// in every process.
	// The same messages keep each process's credential cache honest.
	revocationBus, err := newBus(ctx, cfg, db, event.OptionsOf[auth.Revocation, struct{}]{
		Channel: auth.RevocationChannel,
		Observe: func(r auth.Revocation) { a.auth.Forget(r.CredentialID) },
		Gap:     a.auth.ForgetAll,
	})
	if err != nil {
		_ = a.events.Close()
		_ = db.Close()
		return nil, fmt.Errorf("revocation events: %w", err)
	}
	a.revocations = auth.NewRevocations(revocationBus)

	// Which payment methods a merchant can offer: its own Infini keys and
	// wallets, else (development only) the built-in Infini sandbox.
	pcfg, sandbox := paymentSettings(cfg, hc)
	a.sandbox = sandbox
	payments := merchant.NewPayments(pcfg)
	a.invoices = invoice.NewService(db.Client, db.Dialect, invoice.Deps{Mailer: a.outbox, Methods: payments, Events: a.events, Clock: a.clock})
	a.scheduler.Add(schedule.Job{Name: "overdue", Run: a.invoices.MarkOverdue})
	a.scheduler.Add(schedule.Job{Name: "reminders", Run: reminder.New(db.Client, db.Dialect, a.outbox).Run})
	a.collect = collect.NewService(db.Client, db.Dialect, a.invoices)
	a.checkout = checkout.NewService(db.Client, db.Dialect,
		checkout.Deps{Invoices: a.invoices, Accounts: payments, Collect: a.collect},
		checkout.Config{BaseURL: cfg.BaseURL, HTTPClient: hc})
	a.pay = checkout.NewHandler(a.checkout, checkout.HandlerOptions{
		Events:               a.events,
		CryptoWebhookSecrets: cfg.cryptoWebhookSecrets(),
		SandboxTransfers:     a.sandbox != nil,
	})
	a.pdfs = pdfhttp.NewHandler(pdfhttp.Options{
		Client: db.Client,
		FindLink: func(ctx context.Context, token string) (*ent.Invoice, error) {
			return checkout.Find(ctx, db.Client, token)
		},
		PDF:     a.pdf,
		Renders: a.renders,
		BaseURL: cfg.BaseURL,
	})

	// Recurring invoices run after the jobs above in each pass.
	recur := recurring.NewService(db.Client, db.Dialect, a.invoices, a.clock)
	a.scheduler.Add(recur.Job())

	// Credit notes and the customer's credit (#16); their emails are
	// rendered, with the PDF, when sent.
	creditNotes := creditnote.NewService(db.Client, db.Dialect, a.invoices, a.outbox)
	a.outbox.Register(entemail.KindCREDIT_NOTE, a.outbox.CreditNoteRenderer())
	a.creditNotePDFs = pdfhttp.NewCreditNoteHandler(pdfhttp.Options{Client: db.Client, PDF: a.pdf, Renders: a.renders, BaseURL: cfg.BaseURL})

	// Partner webhooks leave through the same outbound client and policy.
	a.webhooks = webhook.NewWorker(db.Client, hc, a.clock, a.outbox)
	a.scheduler.Add(a.webhooks.Job())
	a.webhookEndpoints = webhook.NewEndpoints(db.Client, db.Dialect, cfg.outboundPolicy(), cfg.production(), a.clock)

	a.portal = portal.NewHandler(portal.Options{Client: db.Client, PDF: a.pdf, Renders: a.renders, BaseURL: cfg.BaseURL, Now: a.clock.Now,
		CreditNotePDF: func(ctx context.Context, cn *ent.CreditNote) ([]byte, error) {
			return pdfhttp.PrintCreditNote(ctx, a.pdf, cn)
		}})

	resolver := &graph.Resolver{
		MailProvider:      sender.Name(),
		BaseURL:           cfg.BaseURL,
		Client:            db.Client,
		AuthService:       a.auth,
		CustomerService:   customer.NewService(db.Client),
		TaxRateService:    rates.NewService(db.Client),
		InvoiceService:    a.invoices,
		CheckoutService:   a.checkout,
		CollectService:    a.collect,
		Events:            a.events,
		Renders:           a.renders,
		Payments:          payments,
		Scheduler:         a.scheduler,
		Recurring:         recur,
		CreditNoteService: creditNotes,
		Webhooks:          a.webhooks,
		WebhookEndpoints:  a.webhookEndpoints,
	}
	base, _ := url.Parse(cfg.BaseURL)
	a.api = transport.New(graph.NewSchema(resolver), transport.Options{
		Production:     cfg.production(),
		ErrorPresenter: graph.PresentError,
		Authenticate:   a.auth.Authenticate,
		Idempotency:    a.idempotency,
		Revoked:        a.revocations.Watch,
		Active:         a.auth.Active,
		AllowedOrigins: []string{base.Scheme + "://" + base.Host},
	})
	a.handler = a.routes()
	return a, nil
}

// paymentSettings is what the server decides about merchants' payments:
// in production only Infini's own hosts; in development, a built-in Infini
// sandbox (returned, to be served) for merchants without their own keys.
func paymentSettings(cfg config, hc *http.Client) (merchant.PaymentsConfig, *infini.Sandbox) {
	pcfg := merchant.PaymentsConfig{BaseURL: cfg.BaseURL}
	if cfg.production() {
		pcfg.InfiniBaseURLs = infini.DocumentedBaseURLs
	}
	if !cfg.sandbox() {
		return pcfg, nil
	}
	pcfg.Sandbox = &merchant.SandboxAccount{BaseURL: cfg.BaseURL + sandboxPrefix, KeyID: sandboxKeyID, Secret: sandboxSecret, WebhookSecret: sandboxWebhookSecret}
	return pcfg, infini.NewSandbox(infini.SandboxConfig{
		Prefix: sandboxPrefix, PublicURL: cfg.BaseURL,
		KeyID: sandboxKeyID, Secret: sandboxSecret, WebhookSecret: sandboxWebhookSecret,
		WebhookURL: cfg.BaseURL + "/webhooks/infini", HTTPClient: hc,
	})
}

// authLimits are the rate limits auth.Service applies itself.
func authLimits(rl *ratelimit.Limiters) auth.Limits {
	return auth.Limits{SignInPerIP: rl.SignInPerIP, SignInPerAccount: rl.SignInPerAccount, SignUpPerIP: rl.SignUpPerIP,
		SignInPerDevice: rl.SignInPerDevice, SignInFromNewIP: rl.SignInFromNewIP, SignInFailedIP: rl.SignInFailedIP,
		PasswordResetPerKey: rl.PasswordResetPerKey, PasswordResetPerIP: rl.PasswordResetPerIP}
}

// newBus returns an event bus shared by every tally process through
// PostgreSQL, or in-process with SQLite (one process owns the file).
func newBus[M event.Addressed, T any](ctx context.Context, cfg config, db *database.DB, opts event.OptionsOf[M, T]) (*event.BusOf[M, T], error) {
	if db.Dialect == dialect.Postgres {
		return event.NewPostgres(ctx, cfg.DatabaseURL, db.SQL, opts)
	}
	return event.NewLocal(opts), nil
}

// sandboxPrefix is where the built-in Infini sandbox is served.
const sandboxPrefix = "/sandbox/infini"

// Close stops the PDF browser, the sandbox and the event bus, and closes
// the database.
func (a *app) Close() error {
	a.auth.Wait() // reset requests still being stored
	perr := a.pdf.Close()
	if a.sandbox != nil {
		a.sandbox.Close()
	}
	berr := a.events.Close()
	rerr := a.revocations.Close()
	return errors.Join(perr, berr, rerr, a.db.Close())
}

// routes lists every URL Tally serves, each handler wrapped in its rate
// limit. It only mounts: newApp built everything.
func (a *app) routes() http.Handler {
	rl := a.limits
	perKey := func(h http.Handler) http.Handler { // inside auth.Middleware
		return auth.LimitRequests(rl.APIPerCredential, rl.APIPerIP, transport.WriteRateLimited, h)
	}
	checkout := func(h http.Handler) http.Handler {
		return ratelimit.PerIP(rl.CheckoutPerIP, a.cfg.trustedProxies, ratelimit.WriteText, h)
	}
	webhook := func(h http.Handler) http.Handler {
		return ratelimit.PerIP(rl.WebhooksPerIP, a.cfg.trustedProxies, ratelimit.WriteText, h)
	}

	mux := http.NewServeMux()
	mux.Handle("/query", a.auth.Middleware(a.cfg.production(), perKey(a.api)))
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.Handle("GET /pay/{token}", checkout(a.pay))
	mux.Handle("POST /pay/{token}/start", checkout(a.pay))
	mux.Handle("GET /pay/{token}/events", checkout(a.pay))
	mux.Handle("GET /portal/{token}", checkout(a.portal))
	mux.Handle("GET /portal/{token}/invoices/{id}/pdf", checkout(a.portal))
	mux.Handle("GET /portal/{token}/receipts/{id}/pdf", checkout(a.portal))
	mux.Handle("GET /portal/{token}/credit-notes/{id}/pdf", checkout(a.portal))
	mux.Handle("POST /webhooks/mailgun", webhook(a.mailWebhook))
	mux.Handle("POST /webhooks/infini", webhook(a.pay))
	mux.Handle("POST /webhooks/crypto", webhook(a.pay))
	if a.sandbox != nil {
		mux.Handle(sandboxPrefix+"/", withPolicy(sandboxPolicy, a.sandbox))
		mux.Handle("POST /sandbox/crypto/transfers", a.pay)
	}
	mux.Handle("GET /invoices/{id}/pdf", a.auth.Middleware(a.cfg.production(), auth.LimitRequests(rl.APIPerCredential, rl.APIPerIP, ratelimit.WriteText, a.pdfs)))
	mux.Handle("GET /credit-notes/{id}/pdf", a.auth.Middleware(a.cfg.production(), auth.LimitRequests(rl.APIPerCredential, rl.APIPerIP, ratelimit.WriteText, a.creditNotePDFs)))
	// #17: several invoices' PDFs as one zip, and CSV exports of the lists.
	zips := pdfhttp.NewZipHandler(pdfhttp.Options{Client: a.db.Client, PDF: a.pdf, Renders: a.renders, BaseURL: a.cfg.BaseURL})
	mux.Handle("GET /invoices/pdfs.zip", a.auth.Middleware(a.cfg.production(), auth.LimitRequests(rl.APIPerCredential, rl.APIPerIP, ratelimit.WriteText, zips)))
	mux.Handle("GET /export/{list}", a.auth.Middleware(a.cfg.production(), auth.LimitRequests(rl.APIPerCredential, rl.APIPerIP, ratelimit.WriteText,
		export.Handler{Client: a.db.Client, Invoices: a.invoices})))
	if a.cfg.production() {
		// The GraphQL playground is a development tool.
		mux.HandleFunc("GET /graphiql", http.NotFound)
	}
	mux.Handle("/", withPolicy(dashboardPolicy, spa()))
	return logRequests(securityHeaders(a.cfg.production(), withBodyDeadlines(a.cfg.bodyTimeouts(), mux)))
}

// healthz answers 200 once the database is reachable (it was migrated before
// the listener opened).
func (a *app) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.db.Ping(ctx); err != nil {
		slog.ErrorContext(ctx, "health check", "err", err)
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// spa serves the embedded dashboard; unknown paths get index.html so the
// client-side router can handle them.
func spa() http.Handler {
	dist, err := fs.Sub(frontend.Dist, "dist")
	if err != nil {
		panic(err)
	}
	return spaFrom(dist)
}

// spaFrom serves the dashboard built into dist, each file as the build's
// brotli or gzip copy when the browser takes one (internal/static).
// Vite puts a content hash in the names under assets/: a new build has new
// names, so browsers keep those for a year without asking again. Everything
// else, index.html above all (it names the assets), is revalidated on each
// use (no-cache), which its ETag makes a 304 when nothing changed.
func spaFrom(dist fs.FS) http.Handler {
	files := static.New(dist)
	built := files.Has("index.html")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if !built {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("The dashboard has not been built into this binary.\nRun `make run` (or `npm run build` then rebuild tally). The API is at /query.\n"))
			return
		}
		p := strings.TrimPrefix(r.URL.Path, "/")
		if p != "" && files.Has(p) {
			cache := "no-cache"
			if strings.HasPrefix(p, "assets/") {
				cache = "public, max-age=31536000, immutable"
			}
			files.Serve(w, r, p, cache)
			return
		}
		files.Serve(w, r, "index.html", "no-cache")
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

// Unwrap lets http.ResponseController reach the connection (to flush an
// event stream).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// WriteHeader passes on the first status only: a handler that answers twice
// (gqlgen after the websocket library refused an upgrade) must not log
// "superfluous WriteHeader".
func (s *statusRecorder) WriteHeader(code int) {
	if s.wrote {
		return
	}
	s.wrote = true
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if rec.status >= 500 {
			slog.Error("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "dur", time.Since(start))
		} else {
			slog.Debug("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "dur", time.Since(start))
		}
	})
}
