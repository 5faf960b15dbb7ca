package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// attack is one hostile request and what refusing it looks like.
type attack struct {
	name string
	send func(t *testing.T) (status int, body string)
	// want is a piece of the response that shows the right refusal.
	want string
}

// TestAbuseIsRefusedCheaply sends each hostile request over and over from
// several connections while a well-behaved client keeps asking for its
// viewer: every attack must be refused with a clear error, and the
// well-behaved client must stay fast.
func TestAbuseIsRefusedCheaply(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		owner := ta.signUp(t, "Targeted Shop")
		prod := startAppWith(t, b.URL, func(c *config) {
			c.Env = "production"
			c.BaseURL = "https://billing.example.com"
			c.MailgunAPIKey, c.MailgunDomain, c.MailgunSigningKey = "key-test", "mg.example.com", "signing-test"
			c.CryptoWebhookSecrets = strings.Repeat("s", 32)
		})

		post := func(url, contentType string, body []byte, header map[string]string) (int, string) {
			req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			req.Header.Set("Content-Type", contentType)
			req.Header.Set("Authorization", "Bearer "+owner.token)
			for k, v := range header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0, err.Error()
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
			return resp.StatusCode, string(b)
		}
		gql := func(url, query string) func(t *testing.T) (int, string) {
			body, _ := json.Marshal(map[string]any{"query": query})
			return func(_ *testing.T) (int, string) { return post(url, "application/json", body, nil) }
		}
		var aliases strings.Builder
		aliases.WriteString("{")
		for i := range 10000 {
			fmt.Fprintf(&aliases, " a%d: viewer { merchant { name } }", i)
		}
		aliases.WriteString(" }")
		deep := "id"
		for range 12 { // 4 levels each: depth 52
			deep = "invoices(first: 1) { edges { node { customer { " + deep + " } } } }"
		}
		deep = "{ customers(first: 1) { edges { node { " + deep + " } } } }"
		huge := append([]byte(`{"query":"{ viewer { merchant { name } } }","variables":{"pad":"`), bytes.Repeat([]byte("x"), 10<<20)...)
		huge = append(huge, `"}}`...)
		mutation := []byte(`{"query":"mutation { createCustomer(input: {name: \"Mallory\", email: \"m@evil.example\"}) { id } }"}`)
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		_ = mw.WriteField("operations", `{"query":"mutation { createCustomer(input: {name: \"Mallory\", email: \"m@evil.example\"}) { id } }"}`)
		_ = mw.WriteField("map", `{}`)
		_ = mw.Close()

		var fanout strings.Builder // 2^24 expansions in under 1 KB
		fanout.WriteString("query{...F0}")
		for i := range 23 {
			fmt.Fprintf(&fanout, " fragment F%d on Query{...F%d ...F%d}", i, i+1, i+1)
		}
		fanout.WriteString(" fragment F23 on Query{__typename}")
		ids := make([]string, 2000)
		for i := range ids {
			ids[i] = "inv_01m985x47xrkqnb4rfnhekfcwm"
		}
		nodes, _ := json.Marshal(map[string]any{
			"query":     `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Invoice { previewHTML } } }`,
			"variables": map[string]any{"ids": ids},
		})
		chunked := func(url string) (int, string) {
			req, _ := http.NewRequest(http.MethodPost, url, io.MultiReader(bytes.NewReader(huge))) // no length: chunked
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+owner.token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0, err.Error()
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
			return resp.StatusCode, string(b)
		}

		attacks := []attack{
			{"fragment fan-out, 24 levels", gql(ta.srv.URL+"/query", fanout.String()), "QUERY_LIMIT"},
			{"nodes: one id 2,000 times", func(_ *testing.T) (int, string) { return post(ta.srv.URL+"/query", "application/json", nodes, nil) }, "nodes ids"},
			{"10 MiB chunked body", func(_ *testing.T) (int, string) { return chunked(ta.srv.URL + "/query") }, "413"},
			{"10,000 aliases", gql(ta.srv.URL+"/query", aliases.String()), "more than 5000 tokens"},
			{"depth 50", gql(ta.srv.URL+"/query", deep), "query depth"},
			{"10 MiB body", func(_ *testing.T) (int, string) { return post(ta.srv.URL+"/query", "application/json", huge, nil) }, "over the limit"},
			{"introspection in production", gql(prod.srv.URL+"/query", `{ __schema { types { name fields { name } } } }`), "introspection is off"},
			{"text/plain mutation (CSRF)", func(_ *testing.T) (int, string) {
				return post(ta.srv.URL+"/query", "text/plain", mutation, nil)
			}, "Content-Type: application/json"},
			{"multipart mutation without preflight header (CSRF)", func(_ *testing.T) (int, string) {
				return post(ta.srv.URL+"/query", mw.FormDataContentType(), form.Bytes(), nil)
			}, "GraphQL-Require-Preflight"},
			{"websocket from a foreign Origin", func(_ *testing.T) (int, string) {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				conn, resp, err := websocket.Dial(ctx, wsURL(ta.srv.URL), &websocket.DialOptions{
					Subprotocols: []string{"graphql-transport-ws"},
					HTTPHeader:   http.Header{"Origin": {"https://evil.example"}, "Authorization": {"Bearer " + owner.token}},
				})
				if err == nil {
					_ = conn.CloseNow()
					return 101, "upgraded"
				}
				if resp == nil {
					return 0, err.Error()
				}
				return resp.StatusCode, "origin refused"
			}, "origin refused"},
			{"subscribe before connection_init", func(_ *testing.T) (int, string) {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				conn, _, err := websocket.Dial(ctx, wsURL(ta.srv.URL), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
				if err != nil {
					return 0, err.Error()
				}
				defer func() { _ = conn.CloseNow() }()
				_ = conn.Write(ctx, websocket.MessageText, []byte(`{"id":"1","type":"subscribe","payload":{"query":"subscription { invoiceStatusChanged { invoice { id } } }"}}`))
				_, _, err = conn.Read(ctx)
				return int(websocket.CloseStatus(err)), fmt.Sprint(err)
			}, "4401"},
		}

		probe := func(d time.Duration) []time.Duration {
			var lat []time.Duration
			for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
				start := time.Now()
				var v struct {
					Viewer struct{ Merchant struct{ Name string } }
				}
				owner.do(`{ viewer { merchant { name } } }`, nil, &v)
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			return lat
		}
		idle := probe(500 * time.Millisecond)
		t.Logf("no attack: a viewer query took p50 %v, p99 %v", idle[len(idle)/2].Round(time.Microsecond), idle[len(idle)*99/100].Round(time.Microsecond))

		for _, a := range attacks {
			t.Run(a.name, func(t *testing.T) {
				status, body := a.send(t)
				if !strings.Contains(body, a.want) && !strings.Contains(fmt.Sprint(status), a.want) {
					t.Fatalf("HTTP %d %.300s; want a refusal mentioning %q", status, body, a.want)
				}
				if status >= 500 && status < 1000 { // (4xxx are websocket close codes)
					t.Fatalf("HTTP %d: an attack must be refused, not crash: %.300s", status, body)
				}
				// Now the flood: 2 attackers (one per core here) for a
				// second, and a prober.
				stop := make(chan struct{})
				var wg sync.WaitGroup
				attacksSent := 0
				var mu sync.Mutex
				for range 2 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							select {
							case <-stop:
								return
							default:
							}
							if status, _ := a.send(t); status >= 500 && status < 1000 {
								t.Errorf("HTTP %d under flood", status)
							}
							mu.Lock()
							attacksSent++
							mu.Unlock()
						}
					}()
				}
				lat := probe(time.Second)
				close(stop)
				wg.Wait()
				p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
				t.Logf("%s: %d refused in 1 s by 2 attackers; meanwhile a viewer query took p50 %v, p99 %v (%d probes)",
					a.name, attacksSent, p50.Round(time.Microsecond), p99.Round(time.Microsecond), len(lat))
				// The median, not the tail, and a bound far above what the
				// probes take: CI runs this under -race on two cores shared
				// with other packages, where a probe alone takes ~100 ms.
				// What it catches is a refusal that costs real work (a
				// 10,000-alias validation takes seconds, and so would the
				// probes behind it).
				if p50 > time.Second {
					t.Errorf("a well-behaved query took %v (median) during the attack; the server must stay responsive", p50)
				}
			})
		}
		// And nothing the attacks tried was created.
		var n struct{ Customers struct{ TotalCount int } }
		owner.do(`{ customers(first: 1) { totalCount } }`, nil, &n)
		if n.Customers.TotalCount != 0 {
			t.Fatalf("%d customers exist after the CSRF attempts, want 0", n.Customers.TotalCount)
		}
	})
}
