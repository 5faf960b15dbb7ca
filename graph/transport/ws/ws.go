package ws

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/coder/websocket"
	"golang.org/x/net/http/httpguts"
)

// Subprotocol is the only websocket subprotocol this transport speaks.
const Subprotocol = "graphql-transport-ws"

// Defaults applied by New to zero-valued Options fields.
const (
	DefaultInitTimeout      = 10 * time.Second
	DefaultPingInterval     = 15 * time.Second
	DefaultWriteTimeout     = 10 * time.Second
	DefaultReadLimit        = 64 << 10
	DefaultMaxSubscriptions = 100
)

// Close codes sent by this transport. See the package documentation for
// when each is used.
const (
	CloseGoingAway              = 1001
	CloseBadRequest             = 4400
	CloseUnauthorized           = 4401
	CloseForbidden              = 4403
	CloseSubprotocolNotAccepted = 4406
	CloseInitTimeout            = 4408
	CloseSubscriberExists       = 4409
	CloseTooManyInitRequests    = 4429
	CloseInternalError          = 4500
)

// maxReasonLen is the longest close reason a close frame can carry
// (125 bytes of control payload minus the 2-byte code).
const maxReasonLen = 123

// CloseError asks the transport to close the connection with Code and
// Reason. Options.Init returns one (possibly wrapped) to reject a
// connection_init; Options.Watch sends one to end a live connection.
//
// Code should be 4401 (unauthenticated) or 4403 (forbidden); any code
// outside 1000–1003, 1007–1014 and 3000–4999 is replaced by 4403. Reason
// is cut to 123 bytes; when empty, a default for the code is used.
type CloseError struct {
	Code   int
	Reason string
}

func (e CloseError) Error() string {
	return fmt.Sprintf("websocket close %d: %s", e.Code, e.Reason)
}

// normalise returns e with a code that can go on the wire and a reason
// that fits in a close frame.
func (e CloseError) normalise() CloseError {
	if !validCloseCode(e.Code) {
		e.Code = CloseForbidden
	}
	if e.Reason == "" {
		switch e.Code {
		case CloseUnauthorized:
			e.Reason = "Unauthorized"
		case CloseForbidden:
			e.Reason = "Forbidden"
		}
	}
	e.Reason = truncateReason(e.Reason)
	return e
}

func validCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1003:
		return true
	case code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// truncateReason cuts s to at most maxReasonLen bytes without splitting a
// UTF-8 sequence.
func truncateReason(s string) string {
	if len(s) <= maxReasonLen {
		return s
	}
	s = s[:maxReasonLen]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// Options configure the transport. Zero values take the documented
// defaults.
type Options struct {
	// InitTimeout is how long a client has, from the upgrade, to get its
	// connection_init acknowledged (this includes the time Init takes).
	// Default 10s. Past it the connection is closed with 4408.
	InitTimeout time.Duration

	// PingInterval is how often the server sends a ping message once the
	// connection is acknowledged. Default 15s; negative disables pings.
	// Pongs are ignored: the pings keep proxies from idling the socket out,
	// and a peer that stopped reading makes a ping write time out, which
	// drops the connection.
	PingInterval time.Duration

	// WriteTimeout bounds each message write. Default 10s. A write that
	// times out drops the connection.
	WriteTimeout time.Duration

	// ReadLimit is the largest message accepted from the client, in bytes.
	// Default 64 KiB. A larger message closes the connection with 1009.
	ReadLimit int64

	// MaxSubscriptions is how many operations a connection may have
	// running at once. Default 100. A subscribe beyond it gets an error
	// message for its id; the connection stays open.
	MaxSubscriptions int

	// AllowedOrigins lists browser origins, as scheme://host[:port], that
	// may connect besides the request's own host. A request without an
	// Origin header (a non-browser client) is always accepted. New panics
	// on an entry that is not of that form.
	AllowedOrigins []string

	// Init is called with the connection_init payload (never nil). The
	// context it gets carries the upgrade request's values and is
	// cancelled when the connection ends; the context it returns is the
	// parent of every operation on the connection (add WithAckPayload to
	// send a payload with connection_ack). An error that is or wraps a
	// CloseError closes the connection with that code; any other error
	// closes it with 4403 "Forbidden". Nil Init accepts every connection.
	Init func(ctx context.Context, r *http.Request, payload map[string]any) (context.Context, error)

	// Watch, if set, is called once after a successful Init with Init's
	// context, before connection_ack is sent, so that whatever the client
	// does after the ack is watched. When the returned channel yields a CloseError, the
	// connection is closed with it (a zero CloseError, or a closed
	// channel, means 4403 "Forbidden"). Watch should stop whatever it
	// started when the context is done. A nil channel watches nothing.
	Watch func(ctx context.Context) <-chan CloseError
}

// Transport is a gqlgen graphql.Transport serving the
// graphql-transport-ws protocol. Create it with New.
type Transport struct {
	opts    Options
	origins map[string]bool // normalised AllowedOrigins

	shutdownOnce sync.Once
	shutdown     chan struct{} // closed by Shutdown
}

var _ graphql.Transport = (*Transport)(nil)

// New returns a Transport with opts' zero fields set to their defaults.
// It panics if an AllowedOrigins entry is not scheme://host[:port].
func New(opts Options) *Transport {
	if opts.InitTimeout <= 0 {
		opts.InitTimeout = DefaultInitTimeout
	}
	if opts.PingInterval == 0 {
		opts.PingInterval = DefaultPingInterval
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = DefaultWriteTimeout
	}
	if opts.ReadLimit <= 0 {
		opts.ReadLimit = DefaultReadLimit
	}
	if opts.MaxSubscriptions <= 0 {
		opts.MaxSubscriptions = DefaultMaxSubscriptions
	}
	t := &Transport{opts: opts, origins: make(map[string]bool), shutdown: make(chan struct{})}
	for _, o := range opts.AllowedOrigins {
		n, ok := normaliseOrigin(o)
		if !ok {
			panic(fmt.Sprintf("ws: AllowedOrigins entry %q is not scheme://host[:port]", o))
		}
		t.origins[n] = true
	}
	return t
}

// Shutdown closes every connection with 1001 "Server shutting down"
// (cancelling their operations) and refuses later upgrades with HTTP 503.
// It does not wait for the connections to finish closing. Hijacked
// websockets are not closed by http.Server.Shutdown, so register it:
// srv.RegisterOnShutdown(t.Shutdown). Safe to call more than once.
func (t *Transport) Shutdown() {
	t.shutdownOnce.Do(func() { close(t.shutdown) })
}

// Supports reports whether r is a websocket upgrade request.
func (t *Transport) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet &&
		httpguts.HeaderValuesContainsToken(r.Header.Values("Connection"), "upgrade") &&
		httpguts.HeaderValuesContainsToken(r.Header.Values("Upgrade"), "websocket")
}

// Do upgrades the request and serves graphql-transport-ws on it until the
// connection ends or r's context is done.
func (t *Transport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if reason, ok := t.checkOrigin(r); !ok {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusForbidden)
		_, _ = fmt.Fprintln(w, reason)
		return
	}
	select {
	case <-t.shutdown:
		http.Error(w, "websocket: the server is shutting down", http.StatusServiceUnavailable)
		return
	default:
	}
	wsc, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols: []string{Subprotocol},
		// The origin was checked above. AcceptOptions.OriginPatterns
		// would compare the Origin's host with Host verbatim (no default
		// ports), glob-match the allowed list, and answer a refusal in
		// its own words, after the shutdown check rather than before.
		InsecureSkipVerify: true,
	})
	if err != nil {
		// Accept has written the HTTP error response.
		return
	}
	if wsc.Subprotocol() != Subprotocol {
		_ = wsc.Close(CloseSubprotocolNotAccepted, "Subprotocol not acceptable")
		return
	}
	wsc.SetReadLimit(t.opts.ReadLimit)
	newConn(t, wsc, r, exec).serve()
}

// checkOrigin applies the Origin rules: absent, same host as the request,
// or listed in AllowedOrigins.
func (t *Transport) checkOrigin(r *http.Request) (string, bool) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return "", true
	}
	u, err := url.Parse(origin)
	if err == nil && u.Host != "" {
		if sameHost(u, r.Host) {
			return "", true
		}
		if n, ok := normaliseOrigin(origin); ok && t.origins[n] {
			return "", true
		}
	}
	return fmt.Sprintf("websocket: origin %q is not allowed to connect to host %q", truncateReason(origin), truncateReason(r.Host)), false
}

// sameHost reports whether the origin's host[:port] is the request host,
// treating an omitted port as the origin scheme's default port.
func sameHost(u *url.URL, reqHost string) bool {
	if strings.EqualFold(u.Host, reqHost) {
		return true
	}
	port := defaultPort(u.Scheme)
	if port == "" {
		return false
	}
	return strings.EqualFold(withPort(u.Host, port), withPort(reqHost, port))
}

func defaultPort(scheme string) string {
	switch strings.ToLower(scheme) {
	case "http", "ws":
		return "80"
	case "https", "wss":
		return "443"
	}
	return ""
}

// withPort adds port to hostport if it has none.
func withPort(hostport, port string) string {
	if _, _, err := net.SplitHostPort(hostport); err == nil {
		return hostport
	}
	h := strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
	return net.JoinHostPort(h, port)
}

// normaliseOrigin returns origin as lower-case scheme://host:port (the
// scheme's default port filled in), or false if origin is not of the form
// scheme://host[:port].
func normaliseOrigin(origin string) (string, bool) {
	u, err := url.Parse(strings.TrimSuffix(origin, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", false
	}
	host := u.Host
	if p := defaultPort(u.Scheme); p != "" {
		host = withPort(host, p)
	}
	return strings.ToLower(u.Scheme + "://" + host), true
}

type ackPayloadKey struct{}
type initPayloadKey struct{}

// WithAckPayload returns ctx carrying payload for the connection_ack
// message. Init uses it on the context it returns.
func WithAckPayload(ctx context.Context, payload map[string]any) context.Context {
	return context.WithValue(ctx, ackPayloadKey{}, payload)
}

// InitPayload returns the connection_init payload of the connection an
// operation runs on, or nil outside a websocket operation.
func InitPayload(ctx context.Context) map[string]any {
	p, _ := ctx.Value(initPayloadKey{}).(map[string]any)
	return p
}

// asCloseError finds a CloseError in err's chain, by value or pointer.
func asCloseError(err error) (CloseError, bool) {
	var ce CloseError
	if errors.As(err, &ce) {
		return ce, true
	}
	var pce *CloseError
	if errors.As(err, &pce) && pce != nil {
		return *pce, true
	}
	return CloseError{}, false
}
