package ws_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tally-invoicing/tally/graph/transport/ws"
)

// wait bounds every wait for something the server does on its own time:
// generous, as the tests share a small CI machine with others.
const wait = 15 * time.Second

const schemaSDL = `
type Query {
	whoami: String!
	echo(s: String!): String!
}
type Subscription {
	ticks: String!
}
`

type userKey struct{}

// fixture is a real HTTP server running handler.New with the transport,
// over a schema whose subscription is driven by the test.
type fixture struct {
	t    *testing.T
	url  string // ws://…
	host string // host:port
	feed chan string
	// cancelled receives once per subscription whose context ended
	// (cancelled, or the operation finished).
	cancelled chan struct{}
	// returned receives each time the HTTP handler (so Do) returns.
	returned  chan struct{}
	shutdown  context.CancelFunc
	transport *ws.Transport
}

func newFixture(t *testing.T, opts ws.Options) *fixture {
	t.Helper()
	if opts.PingInterval == 0 {
		opts.PingInterval = -1 // no pings unless the test wants them
	}
	f := &fixture{
		t:         t,
		feed:      make(chan string),
		cancelled: make(chan struct{}, 100),
		returned:  make(chan struct{}, 100),
	}
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: schemaSDL})
	srv := handler.New(&graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return schema },
		ComplexityFunc: func(ctx context.Context, typeName, fieldName string, childComplexity int, args map[string]any) (int, bool) {
			return 1, true
		},
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			opCtx := graphql.GetOperationContext(ctx)
			switch opCtx.Operation.Operation {
			case ast.Query:
				if opCtx.Operation.SelectionSet[0].(*ast.Field).Name == "echo" {
					return graphql.OneShot(&graphql.Response{Data: mustJSON(map[string]any{"echo": opCtx.Variables["s"]})})
				}
				user, _ := ctx.Value(userKey{}).(string)
				token, _ := ws.InitPayload(ctx)["token"].(string)
				return graphql.OneShot(&graphql.Response{Data: mustJSON(map[string]any{"whoami": user + "/" + token})})
			case ast.Subscription:
				// However the operation ends, its context is done then.
				context.AfterFunc(ctx, func() { f.cancelled <- struct{}{} })
				return func(ctx context.Context) *graphql.Response {
					select {
					case <-ctx.Done():
						return nil
					case v, ok := <-f.feed:
						if !ok {
							return nil
						}
						return &graphql.Response{Data: mustJSON(map[string]any{"ticks": v})}
					}
				}
			}
			return graphql.OneShot(graphql.ErrorResponse(ctx, "unsupported"))
		},
	})
	f.transport = ws.New(opts)
	srv.AddTransport(f.transport)

	var active sync.WaitGroup
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		active.Add(1)
		defer active.Done()
		defer func() { f.returned <- struct{}{} }()
		srv.ServeHTTP(w, r)
	}))
	base, cancel := context.WithCancel(context.Background())
	f.shutdown = cancel
	ts.Config.BaseContext = func(net.Listener) context.Context { return base }
	ts.Start()
	f.url = "ws" + strings.TrimPrefix(ts.URL, "http")
	f.host = strings.TrimPrefix(ts.URL, "http://")
	t.Cleanup(func() {
		cancel()
		done := make(chan struct{})
		go func() { active.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(wait):
			t.Errorf("handler still running %v after shutdown", wait)
		}
		ts.Close()
	})
	return f
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// dial opens a graphql-transport-ws connection, closed at the end of the test.
func (f *fixture) dial(header http.Header) *websocket.Conn {
	f.t.Helper()
	c, resp, err := f.tryDial(header, ws.Subprotocol)
	if err != nil {
		f.t.Fatalf("dial: %v (response %v)", err, resp)
	}
	return c
}

func (f *fixture) tryDial(header http.Header, subprotocols ...string) (*websocket.Conn, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, f.url, &websocket.DialOptions{Subprotocols: subprotocols, HTTPHeader: header})
	if err == nil {
		f.t.Cleanup(func() { _ = c.CloseNow() })
	}
	return c, resp, err
}

// feedOne hands v to one running subscription.
func (f *fixture) feedOne(v string) {
	f.t.Helper()
	select {
	case f.feed <- v:
	case <-time.After(wait):
		f.t.Fatalf("no subscription took %q within %v", v, wait)
	}
}

func (f *fixture) waitCancelled() {
	f.t.Helper()
	select {
	case <-f.cancelled:
	case <-time.After(wait):
		f.t.Fatalf("subscription context not cancelled within %v", wait)
	}
}

func (f *fixture) waitReturned() {
	f.t.Helper()
	select {
	case <-f.returned:
	case <-time.After(wait):
		f.t.Fatalf("handler did not return within %v", wait)
	}
}

type message struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func send(t *testing.T, c *websocket.Conn, raw string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(raw)); err != nil {
		t.Fatalf("write %s: %v", raw, err)
	}
}

func read(t *testing.T, c *websocket.Conn) message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	_, b, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var m message
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("server sent invalid JSON %q: %v", b, err)
	}
	return m
}

func expect(t *testing.T, c *websocket.Conn, typ, id string) message {
	t.Helper()
	m := read(t, c)
	if m.Type != typ || m.ID != id {
		t.Fatalf("got %s id=%q payload=%s, want %s id=%q", m.Type, m.ID, m.Payload, typ, id)
	}
	return m
}

// expectClose reads until the server closes and checks the close code and
// reason (reason "" skips the reason check).
func expectClose(t *testing.T, c *websocket.Conn, code int, reason string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	for {
		_, b, err := c.Read(ctx)
		if err == nil {
			t.Fatalf("got message %s, want close %d", b, code)
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("got %v, want close %d", err, code)
		}
		if int(ce.Code) != code || (reason != "" && ce.Reason != reason) {
			t.Fatalf("closed with %d %q, want %d %q", ce.Code, ce.Reason, code, reason)
		}
		return
	}
}

func initConn(t *testing.T, c *websocket.Conn, payload string) message {
	t.Helper()
	if payload == "" {
		send(t, c, `{"type":"connection_init"}`)
	} else {
		send(t, c, `{"type":"connection_init","payload":`+payload+`}`)
	}
	return expect(t, c, "connection_ack", "")
}

func subscribe(t *testing.T, c *websocket.Conn, id, query string) {
	t.Helper()
	send(t, c, fmt.Sprintf(`{"id":%q,"type":"subscribe","payload":{"query":%q}}`, id, query))
}

func dataOf(t *testing.T, m message) map[string]any {
	t.Helper()
	var p struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		t.Fatalf("next payload %s: %v", m.Payload, err)
	}
	if len(p.Errors) > 0 {
		t.Fatalf("next payload has errors: %s", m.Payload)
	}
	return p.Data
}

func TestSubscriptionHappyPath(t *testing.T) {
	f := newFixture(t, ws.Options{})
	c := f.dial(nil)
	initConn(t, c, "")
	subscribe(t, c, "1", "subscription { ticks }")
	for _, v := range []string{"a", "b"} {
		f.feedOne(v)
		m := expect(t, c, "next", "1")
		if got := dataOf(t, m)["ticks"]; got != v {
			t.Fatalf("ticks = %v, want %v", got, v)
		}
	}
	close(f.feed) // the subscription's source ends
	expect(t, c, "complete", "1")
	// The connection stays usable.
	send(t, c, `{"type":"ping"}`)
	expect(t, c, "pong", "")
}

func TestQueryOverSocketUsesInitContext(t *testing.T) {
	f := newFixture(t, ws.Options{
		Init: func(ctx context.Context, r *http.Request, payload map[string]any) (context.Context, error) {
			ctx = context.WithValue(ctx, userKey{}, "alice")
			return ws.WithAckPayload(ctx, map[string]any{"hello": "alice"}), nil
		},
	})
	c := f.dial(nil)
	ack := initConn(t, c, `{"token":"t1"}`)
	if string(ack.Payload) != `{"hello":"alice"}` {
		t.Fatalf("ack payload = %s", ack.Payload)
	}
	subscribe(t, c, "q", "{ whoami }")
	if got := dataOf(t, expect(t, c, "next", "q"))["whoami"]; got != "alice/t1" {
		t.Fatalf("whoami = %v, want alice/t1", got)
	}
	expect(t, c, "complete", "q")

	send(t, c, `{"id":"v","type":"subscribe","payload":{"query":"query E($s: String!) { echo(s: $s) }","operationName":"E","variables":{"s":"hi"},"extensions":{}}}`)
	if got := dataOf(t, expect(t, c, "next", "v"))["echo"]; got != "hi" {
		t.Fatalf("echo = %v, want hi", got)
	}
	expect(t, c, "complete", "v")
}

func TestInvalidOperationSendsError(t *testing.T) {
	f := newFixture(t, ws.Options{})
	c := f.dial(nil)
	initConn(t, c, "")
	subscribe(t, c, "1", "{ nope }")
	m := expect(t, c, "error", "1")
	var errs []map[string]any
	if err := json.Unmarshal(m.Payload, &errs); err != nil || len(errs) == 0 || errs[0]["message"] == "" {
		t.Fatalf("error payload = %s (%v), want a list of GraphQL errors", m.Payload, err)
	}
	// No complete follows an error, and the connection stays open.
	send(t, c, `{"type":"ping"}`)
	expect(t, c, "pong", "")
	// The id is free again.
	subscribe(t, c, "1", "{ whoami }")
	expect(t, c, "next", "1")
	expect(t, c, "complete", "1")
}

func TestClientCompleteStopsStream(t *testing.T) {
	f := newFixture(t, ws.Options{})
	c := f.dial(nil)
	initConn(t, c, "")
	subscribe(t, c, "1", "subscription { ticks }")
	f.feedOne("a")
	expect(t, c, "next", "1")
	send(t, c, `{"id":"1","type":"complete"}`)
	f.waitCancelled()
	// Nothing more for id 1: the next message is the pong.
	send(t, c, `{"type":"ping"}`)
	expect(t, c, "pong", "")
	// The id can be reused. (A query: the cancelled subscription may not
	// have left the feed yet.)
	subscribe(t, c, "1", "{ whoami }")
	expect(t, c, "next", "1")
	expect(t, c, "complete", "1")
}

func TestInitTimeout(t *testing.T) {
	f := newFixture(t, ws.Options{InitTimeout: 50 * time.Millisecond})
	c := f.dial(nil)
	expectClose(t, c, 4408, "Connection initialisation timeout")
	f.waitReturned()
}

func TestDoubleInit(t *testing.T) {
	f := newFixture(t, ws.Options{})
	c := f.dial(nil)
	initConn(t, c, "")
	send(t, c, `{"type":"connection_init"}`)
	expectClose(t, c, 4429, "Too many initialisation requests")
}

func TestSubscribeBeforeInit(t *testing.T) {
	f := newFixture(t, ws.Options{})
	c := f.dial(nil)
	subscribe(t, c, "1", "subscription { ticks }")
	expectClose(t, c, 4401, "Unauthorized")
}

func TestInitRejects(t *testing.T) {
	long := strings.Repeat("é", 100) // 200 bytes
	for _, tc := range []struct {
		name       string
		err        error
		code       int
		reason     string
		checkLimit bool
	}{
		{"unauthenticated", ws.CloseError{Code: 4401, Reason: "bad token"}, 4401, "bad token", false},
		{"forbidden wrapped", fmt.Errorf("checking key: %w", ws.CloseError{Code: 4403}), 4403, "Forbidden", false},
		{"pointer", &ws.CloseError{Code: 4403, Reason: "merchant suspended"}, 4403, "merchant suspended", false},
		{"plain error", errors.New("database is down"), 4403, "Forbidden", false},
		{"invalid code", ws.CloseError{Code: 1005, Reason: "x"}, 4403, "x", false},
		{"long reason", ws.CloseError{Code: 4401, Reason: long}, 4401, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var reqSeen bool
			f := newFixture(t, ws.Options{
				Init: func(ctx context.Context, r *http.Request, payload map[string]any) (context.Context, error) {
					reqSeen = r != nil && payload["token"] == "k"
					return nil, tc.err
				},
			})
			c := f.dial(nil)
			send(t, c, `{"type":"connection_init","payload":{"token":"k"}}`)
			if tc.checkLimit {
				ctx, cancel := context.WithTimeout(context.Background(), wait)
				defer cancel()
				_, _, err := c.Read(ctx)
				var ce websocket.CloseError
				if !errors.As(err, &ce) || ce.Code != 4401 || len(ce.Reason) > 123 || !strings.HasPrefix(long, ce.Reason) || ce.Reason == "" {
					t.Fatalf("got %v, want 4401 with the reason cut to ≤123 bytes", err)
				}
			} else {
				expectClose(t, c, tc.code, tc.reason)
			}
			f.waitReturned()
			if !reqSeen {
				t.Fatal("Init did not get the request and payload")
			}
		})
	}
}

func TestWatchClosesConnection(t *testing.T) {
	revoke := make(chan ws.CloseError, 1)
	watchUser := make(chan string, 1)
	f := newFixture(t, ws.Options{
		Init: func(ctx context.Context, r *http.Request, payload map[string]any) (context.Context, error) {
			return context.WithValue(ctx, userKey{}, "alice"), nil
		},
		Watch: func(ctx context.Context) <-chan ws.CloseError {
			u, _ := ctx.Value(userKey{}).(string)
			watchUser <- u
			return revoke
		},
	})
	c := f.dial(nil)
	initConn(t, c, "")
	if u := <-watchUser; u != "alice" {
		t.Fatalf("Watch got user %q, want Init's context", u)
	}
	subscribe(t, c, "1", "subscription { ticks }")
	f.feedOne("a") // the subscription is running
	expect(t, c, "next", "1")
	revoke <- ws.CloseError{Code: 4403, Reason: "API key revoked"}
	expectClose(t, c, 4403, "API key revoked")
	f.waitCancelled()
	f.waitReturned()
}

func TestDuplicateID(t *testing.T) {
	f := newFixture(t, ws.Options{})
	c := f.dial(nil)
	initConn(t, c, "")
	subscribe(t, c, "abc", "subscription { ticks }")
	subscribe(t, c, "abc", "subscription { ticks }")
	expectClose(t, c, 4409, "Subscriber for abc already exists")
	f.waitCancelled() // the first subscription was cancelled
	f.waitReturned()
}

func TestDuplicateLongIDReasonFits(t *testing.T) {
	f := newFixture(t, ws.Options{})
	c := f.dial(nil)
	initConn(t, c, "")
	id := strings.Repeat("x", 200)
	subscribe(t, c, id, "subscription { ticks }")
	subscribe(t, c, id, "subscription { ticks }")
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	_, _, err := c.Read(ctx)
	if ce := (websocket.CloseError{}); !errors.As(err, &ce) || ce.Code != 4409 || len(ce.Reason) > 123 {
		t.Fatalf("got %v, want 4409 with a reason of ≤123 bytes", err)
	}
}

func TestInvalidMessages(t *testing.T) {
	for _, tc := range []struct {
		name string
		init bool
		msg  string
	}{
		{"not JSON", false, `{"type":`},
		{"not an object", false, `[1,2]`},
		{"no type", false, `{"id":"1"}`},
		{"unknown type", false, `{"type":"start","id":"1"}`},
		{"server-only type", true, `{"type":"next","id":"1","payload":{}}`},
		{"ack from client", false, `{"type":"connection_ack"}`},
		{"init payload not object", false, `{"type":"connection_init","payload":"token"}`},
		{"subscribe without id", true, `{"type":"subscribe","payload":{"query":"{ whoami }"}}`},
		{"subscribe query not string", true, `{"id":"1","type":"subscribe","payload":{"query":5}}`},
		{"subscribe payload missing", true, `{"id":"1","type":"subscribe"}`},
		{"id not string", true, `{"id":1,"type":"complete"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, ws.Options{})
			c := f.dial(nil)
			if tc.init {
				initConn(t, c, "")
			}
			send(t, c, tc.msg)
			expectClose(t, c, 4400, "")
			f.waitReturned()
		})
	}
}

func TestMaxSubscriptions(t *testing.T) {
	f := newFixture(t, ws.Options{MaxSubscriptions: 1})
	c := f.dial(nil)
	initConn(t, c, "")
	subscribe(t, c, "1", "subscription { ticks }")
	subscribe(t, c, "2", "subscription { ticks }")
	m := expect(t, c, "error", "2")
	if !strings.Contains(string(m.Payload), "too many operations") {
		t.Fatalf("error payload = %s", m.Payload)
	}
	// Still open, and the first subscription still runs.
	send(t, c, `{"type":"ping"}`)
	expect(t, c, "pong", "")
	f.feedOne("a")
	expect(t, c, "next", "1")
	// Completing it frees the slot.
	send(t, c, `{"id":"1","type":"complete"}`)
	f.waitCancelled()
	subscribe(t, c, "3", "{ whoami }")
	expect(t, c, "next", "3")
	expect(t, c, "complete", "3")
}

func TestOrigin(t *testing.T) {
	f := newFixture(t, ws.Options{AllowedOrigins: []string{"https://app.example.com"}})

	for _, origin := range []string{"https://evil.example.com", "http://app.example.com", "null", "https://app.example.com.evil.net"} {
		t.Run("refused "+origin, func(t *testing.T) {
			_, resp, err := f.tryDial(http.Header{"Origin": {origin}}, ws.Subprotocol)
			if err == nil {
				t.Fatal("upgrade accepted")
			}
			if resp == nil || resp.StatusCode != http.StatusForbidden {
				t.Fatalf("response %v, want 403", resp)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Fatalf("Content-Type %q, want text/plain", ct)
			}
			if resp.Header.Get("Upgrade") != "" {
				t.Fatal("response carries an Upgrade header")
			}
			body, _ := io.ReadAll(resp.Body)
			if !strings.Contains(string(body), "not allowed") {
				t.Fatalf("body %q", body)
			}
			f.waitReturned()
		})
	}

	for name, h := range map[string]http.Header{
		"absent":                    nil,
		"same host":                 {"Origin": {"http://" + f.host}},
		"allowed":                   {"Origin": {"https://app.example.com"}},
		"allowed with default port": {"Origin": {"https://APP.example.com:443"}},
	} {
		t.Run("accepted "+name, func(t *testing.T) {
			c := f.dial(h)
			initConn(t, c, "")
		})
	}
}

func TestNewPanicsOnBadAllowedOrigin(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("New accepted a bare host as an origin")
		}
	}()
	ws.New(ws.Options{AllowedOrigins: []string{"app.example.com"}})
}

func TestPingPong(t *testing.T) {
	f := newFixture(t, ws.Options{})
	c := f.dial(nil)
	initConn(t, c, "")
	send(t, c, `{"type":"ping","payload":{"n":1}}`)
	if m := expect(t, c, "pong", ""); string(m.Payload) != `{"n":1}` {
		t.Fatalf("pong payload = %s, want the ping's", m.Payload)
	}
	send(t, c, `{"type":"ping"}`)
	if m := expect(t, c, "pong", ""); len(m.Payload) != 0 {
		t.Fatalf("pong payload = %s, want none", m.Payload)
	}
	// A pong from the client is ignored.
	send(t, c, `{"type":"pong"}`)
	send(t, c, `{"type":"ping"}`)
	expect(t, c, "pong", "")
}

func TestServerSendsPings(t *testing.T) {
	f := newFixture(t, ws.Options{PingInterval: 20 * time.Millisecond})
	c := f.dial(nil)
	initConn(t, c, "")
	expect(t, c, "ping", "")
	send(t, c, `{"type":"pong"}`)
	expect(t, c, "ping", "")
}

func TestShutdownClosesConnection(t *testing.T) {
	f := newFixture(t, ws.Options{})
	c := f.dial(nil)
	initConn(t, c, "")
	subscribe(t, c, "1", "subscription { ticks }")
	f.feedOne("a")
	expect(t, c, "next", "1")
	f.shutdown()
	expectClose(t, c, 1001, "Server shutting down")
	f.waitCancelled()
	f.waitReturned()
}

func TestClientDisconnectCancelsOperations(t *testing.T) {
	f := newFixture(t, ws.Options{})
	c := f.dial(nil)
	initConn(t, c, "")
	subscribe(t, c, "1", "subscription { ticks }")
	subscribe(t, c, "2", "subscription { ticks }")
	f.feedOne("a")
	read(t, c)
	_ = c.CloseNow()
	f.waitCancelled()
	f.waitCancelled()
	f.waitReturned()
}

func TestSubprotocolRequired(t *testing.T) {
	f := newFixture(t, ws.Options{})
	c, _, err := f.tryDial(nil) // no subprotocol offered
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	expectClose(t, c, 4406, "Subprotocol not acceptable")
	f.waitReturned()
}

func TestReadLimit(t *testing.T) {
	f := newFixture(t, ws.Options{ReadLimit: 1024})
	c := f.dial(nil)
	initConn(t, c, "")
	subscribe(t, c, "1", "{ whoami }"+strings.Repeat(" ", 4096))
	expectClose(t, c, 1009, "")
	f.waitReturned()
}

func TestSupports(t *testing.T) {
	tr := ws.New(ws.Options{})
	r := httptest.NewRequest(http.MethodGet, "/graphql", nil)
	if tr.Supports(r) {
		t.Fatal("plain GET supported")
	}
	r.Header.Set("Connection", "keep-alive, Upgrade")
	r.Header.Set("Upgrade", "websocket")
	if !tr.Supports(r) {
		t.Fatal("upgrade GET not supported")
	}
	r.Method = http.MethodPost
	if tr.Supports(r) {
		t.Fatal("upgrade POST supported")
	}
}

func TestTransportShutdown(t *testing.T) {
	f := newFixture(t, ws.Options{})
	c := f.dial(nil)
	initConn(t, c, "")
	subscribe(t, c, "1", "subscription { ticks }")
	f.feedOne("a")
	expect(t, c, "next", "1")
	f.transport.Shutdown()
	expectClose(t, c, 1001, "Server shutting down")
	f.waitCancelled()
	f.waitReturned()
	f.transport.Shutdown() // again: no-op

	_, resp, err := f.tryDial(nil, ws.Subprotocol)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("upgrade after Shutdown: %v, %v; want 503", resp, err)
	}
}
