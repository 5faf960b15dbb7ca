package mail

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/tally-invoicing/tally/internal/outbound"
)

// Mailgun is called through the outbound client: in production an API base
// that resolves inside the server's network is never connected to, and in
// development a test server on loopback still is.
func TestMailgunCallsGoThroughTheOutboundPolicy(t *testing.T) {
	var accepted atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"<1@mg.example.com>","message":"Queued"}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			accepted.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	msg := Message{ID: "em_1", From: "a@mg.example.com", To: "b@example.com", Subject: "Hi", Text: "Hi", HTML: "<p>Hi</p>"}
	cfg := MailgunConfig{APIKey: "key", Domain: "mg.example.com", APIBase: "http://localhost:" + port + "/v3"}

	_, err := NewMailgun(cfg).Send(context.Background(), msg)
	if !errors.Is(err, outbound.ErrRefused) {
		t.Fatalf("production policy: %v, want outbound.ErrRefused", err)
	}
	if n := accepted.Load(); n != 0 {
		t.Fatalf("production policy: the server behind the API base saw %d connections, want 0", n)
	}

	cfg.HTTPClient = outbound.New(outbound.Policy{AllowPrivate: true})
	if id, err := NewMailgun(cfg).Send(context.Background(), msg); err != nil || id == "" {
		t.Fatalf("development policy: id %q, %v", id, err)
	}
}
