package infini

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/internal/outbound"
)

func TestCheckBaseURL(t *testing.T) {
	for _, tc := range []struct {
		raw     string
		allowed []string
		want    string // "" means refused
	}{
		{"", DocumentedBaseURLs, ""},
		{"https://openapi.infini.money", DocumentedBaseURLs, ProductionURL},
		{" HTTPS://OpenAPI.infini.money/ ", DocumentedBaseURLs, ProductionURL},
		{"https://openapi-sandbox.infini.money", DocumentedBaseURLs, SandboxURL},
		{"https://169.254.169.254/latest", DocumentedBaseURLs, ""},
		{"https://10.0.0.1:8443", DocumentedBaseURLs, ""},
		{"https://metadata.google.internal", DocumentedBaseURLs, ""},
		{"http://127.0.0.1:8080/internal/admin?x=", DocumentedBaseURLs, ""},
		{"http://openapi.infini.money", DocumentedBaseURLs, ""},
		{"https://openapi.infini.money.evil.example", DocumentedBaseURLs, ""},
		{"https://openapi.infini.money/v1", DocumentedBaseURLs, ""},
		{"https://user@openapi.infini.money", DocumentedBaseURLs, ""},
		{"https://openapi.infini.money?x=", DocumentedBaseURLs, ""},
		{"https://openapi.infini.money#x", DocumentedBaseURLs, ""},
		// Development: the built-in sandbox and test servers.
		{"http://127.0.0.1:8080/sandbox/infini/", nil, "http://127.0.0.1:8080/sandbox/infini"},
		{"http://localhost:8080/sandbox/infini", nil, "http://localhost:8080/sandbox/infini"},
		{"https://infini.test.example", nil, "https://infini.test.example"},
		{"http://10.0.0.1:8080", nil, ""},
		{"http://127.0.0.1:8080/internal/admin?x=", nil, ""},
		{"ftp://openapi.infini.money", nil, ""},
		{"openapi.infini.money", nil, ""},
	} {
		got, err := CheckBaseURL(tc.raw, tc.allowed)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("CheckBaseURL(%q, %v) = %q, %v; want %q", tc.raw, tc.allowed, got, err, tc.want)
		}
	}
}

// A base URL that resolves inside the server's network is refused when the
// connection is made, once (not retried), with an error that says why, and
// the server behind it never sees a connection.
func TestClientRefusesBaseURLInside(t *testing.T) {
	var accepted atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.Config.ConnState = func(net.Conn, http.ConnState) { accepted.Add(1) }
	srv.Start()
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	base := "http://localhost:" + port + "/internal/admin"
	c := NewClient(Config{BaseURL: base, KeyID: testKeyID, Secret: testSecret, RetryBackoff: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.CreateOrder(ctx, OrderRequest{RequestID: testRequestID, Amount: decimal.NewFromInt(5)})
	if !errors.Is(err, ErrBaseURLRefused) || !errors.Is(err, outbound.ErrRefused) {
		t.Fatalf("got %v, want ErrBaseURLRefused", err)
	}
	for _, want := range []string{base, "localhost resolves to 127.0.0.1, a loopback address"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("the server behind the base URL saw %d connections, want 0", n)
	}
}

// Infini never redirects API calls; a base URL that does would forward a
// signed request to a host nobody entered.
func TestClientDoesNotFollowRedirects(t *testing.T) {
	var reached atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached.Add(1) }))
	defer target.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/admin", http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	c := NewClient(Config{BaseURL: redirect.URL, KeyID: testKeyID, Secret: testSecret, HTTPClient: loopbackHTTP, RetryBackoff: time.Hour})
	_, err := c.GetOrder(context.Background(), "o-1")
	if !errors.Is(err, ErrBaseURLRefused) || !errors.Is(err, outbound.ErrRedirect) {
		t.Fatalf("got %v, want a refused redirect", err)
	}
	if reached.Load() != 0 {
		t.Fatalf("the redirect target was called %d times, want 0", reached.Load())
	}
}
