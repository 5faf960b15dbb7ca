package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// shortBodies are deadlines a test can wait out.
var shortBodies = bodyTimeouts{Body: time.Second, Upload: 4 * time.Second, UploadRate: 1 << 10}

// trickle sends a request whose body declares 100 kB and then arrives a
// byte every 200 ms, and returns the status the server answered (0 when it
// closed the connection without one) and when the connection ended.
func trickle(t *testing.T, addr, contentType string) (status int, took time.Duration) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	start := time.Now()
	// A failed write shows in what the reader gets back.
	_, _ = fmt.Fprintf(conn, "POST /query HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nGraphQL-Require-Preflight: 1\r\nContent-Length: 100000\r\n\r\n", addr, contentType)
	go func() {
		for {
			if _, err := conn.Write([]byte("{")); err != nil {
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(conn)
	if resp, err := http.ReadResponse(br, nil); err == nil {
		status = resp.StatusCode
		_, _ = io.Copy(io.Discard, resp.Body)
	}
	// Then the server hangs up.
	_, _ = io.Copy(io.Discard, br)
	return status, time.Since(start)
}

// TestSlowBodiesAreCutOff: a client trickling its body gets 408 and the
// connection closed once the body deadline passes; an upload gets a longer
// deadline but must keep up a minimum rate, so a trickle is cut off just
// as soon. Meanwhile ordinary requests work.
func TestSlowBodiesAreCutOff(t *testing.T) {
	ta := startAppWith(t, dbtest.SQLite(t), func(c *config) { c.bodies = &shortBodies })
	addr := ta.srv.Listener.Addr().String()
	c := ta.signUp(t, "Patient Shop")
	for _, tt := range []struct{ name, contentType string }{
		{"json", "application/json"},
		{"upload", "multipart/form-data; boundary=x"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, took := trickle(t, addr, tt.contentType)
			if status != http.StatusRequestTimeout {
				t.Errorf("status %d, want 408", status)
			}
			if limit := shortBodies.Body + 2*time.Second; took > limit {
				t.Errorf("connection open for %s, want closed within %s", took, limit)
			}
		})
	}
	var v struct {
		Viewer struct{ Merchant struct{ Name string } }
	}
	c.do(`{ viewer { merchant { name } } }`, nil, &v)
	if v.Viewer.Merchant.Name != "Patient Shop" {
		t.Errorf("an ordinary request answered %+v", v)
	}
}

// TestBodyDeadlineEndsWithTheBody: a handler may work for longer than the
// body deadline once it has read the body; its request is not cancelled
// (which it would be if the deadline outlived the body: net/http's
// background read would time out).
func TestBodyDeadlineEndsWithTheBody(t *testing.T) {
	srv := httptest.NewServer(withBodyDeadlines(bodyTimeouts{Body: 300 * time.Millisecond}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		select {
		case <-time.After(time.Second):
			_, _ = fmt.Fprintf(w, "read %d bytes, then worked", len(body))
		case <-r.Context().Done():
			http.Error(w, "cancelled", http.StatusInternalServerError)
		}
	})))
	defer srv.Close()
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"query":"{ x }"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(got) != "read 17 bytes, then worked" {
		t.Errorf("HTTP %d %q, want 200 after the handler's work", resp.StatusCode, got)
	}
}

// TestWebsocketOutlivesTheBodyDeadline: a subscription is not a body; it
// stays open and delivers long after the body deadline.
func TestWebsocketOutlivesTheBodyDeadline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startAppWith(t, b.URL, func(c *config) { c.bodies = &shortBodies })
		c := ta.signUp(t, "Live Shop")
		id := c.draft(c.createCustomer("Acme", "billing@acme.example"))
		ws := dialWS(t, ta.srv.URL, nil)
		ws.init(map[string]any{"token": c.token})
		ws.subscribe("1", nil)
		waitSubscribers(t, ta, 1)

		time.Sleep(2 * shortBodies.Body)
		c.issue(id)
		checkEvent(t, ws.next("1"), id, "DRAFT", "OPEN", -1)
	})
}
