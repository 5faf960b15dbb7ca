// Command tally serves the Tally invoicing API and the merchant dashboard.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"entgo.io/ent/dialect"

	"github.com/tally-invoicing/tally/internal/database"
)

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "tally:", err)
		os.Exit(1)
	}
}

// run serves until ctx is cancelled (SIGINT or SIGTERM), then lets requests
// in flight finish.
func run(ctx context.Context, args []string) error {
	cfg, err := parseConfig(args)
	if err != nil {
		return err
	}

	a, err := newApp(ctx, cfg, database.Options{})
	if err != nil {
		return err
	}
	defer func() {
		if err := a.Close(); err != nil {
			slog.Error("shutting down: close", "err", err)
		}
	}()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("TALLY_ADDR (--addr) %s: %w", cfg.Addr, err)
	}
	// No ReadTimeout: it would also end websockets and long uploads. Bodies
	// get per-request deadlines instead (withBodyDeadlines).
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	// Shutdown does not wait for websockets; tell them the server is going.
	srv.RegisterOnShutdown(a.api.Shutdown)
	store := "SQLite " + cfg.DataDir + "/tally.db"
	if a.db.Dialect == dialect.Postgres {
		store = "PostgreSQL"
	}
	slog.Info("tally listening", "url", cfg.BaseURL, "addr", ln.Addr().String(), "env", cfg.Env, "database", store)
	if level, msg := cfg.listenNotice(); msg != "" {
		slog.Log(ctx, level, msg)
	}

	// Warm the PDF browser now so the first invoice PDF is as fast as the rest.
	go func() {
		if err := a.pdf.Start(ctx); err != nil {
			slog.Warn("PDF rendering unavailable until Chromium starts", "err", err)
		} else {
			slog.Info("PDF renderer ready")
		}
	}()

	if a.outbox.SenderName() == "dev-mailbox" {
		slog.Info("email: dev mailbox — nothing leaves this machine; sent emails are shown in the dashboard (set TALLY_MAILGUN_API_KEY and TALLY_MAILGUN_DOMAIN to send)")
	} else {
		slog.Info("email: sending through Mailgun", "domain", cfg.MailgunDomain, "from", cfg.MailFrom)
	}
	if a.sandbox != nil {
		slog.Info("payments: merchants without Infini keys use the built-in Infini sandbox (no real money moves)", "url", cfg.BaseURL+sandboxPrefix+"/", "test card", "4242 4242 4242 4242")
	}
	go a.outbox.Run(ctx)
	go a.webhooks.Run(ctx)
	// Orders whose webhooks never came are read back from Infini.
	go a.checkout.RunReconciler(ctx, time.Minute)
	go a.idempotency.RunSweeper(ctx)
	// Overdue, reminders, recurring invoices and webhook retries.
	go a.scheduler.Run(ctx)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
