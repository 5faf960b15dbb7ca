package outbound

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Policy says where Tally's outbound calls may go.
type Policy struct {
	// AllowPrivate lets calls reach loopback and private networks. Only
	// development sets it: there the Infini sandbox is Tally itself on
	// 127.0.0.1, and test servers listen on loopback. Link-local (cloud
	// metadata), multicast and reserved addresses stay refused even then.
	AllowPrivate bool
}

// ErrRedirect is returned instead of following a redirect: a redirect could
// send a signed request somewhere the caller never chose.
var ErrRedirect = errors.New("outbound: redirects are not followed")

// Deadlines of every call. A caller's context may shorten them.
const (
	dialTimeout           = 10 * time.Second
	tlsHandshakeTimeout   = 10 * time.Second
	responseHeaderTimeout = 30 * time.Second
	// requestTimeout bounds a whole call, body included; emails with a PDF
	// attached are the largest uploads.
	requestTimeout = 60 * time.Second
)

// New returns the HTTP client for calls under p. Share one per policy: it
// keeps connections alive.
func New(p Policy) *http.Client {
	d := &net.Dialer{
		Timeout:        dialTimeout,
		KeepAlive:      30 * time.Second,
		ControlContext: p.control,
	}
	t := &http.Transport{
		// No proxy from the environment: a proxy would be the address
		// dialed, and the policy would check it instead of the real host.
		Proxy:                  nil,
		DialContext:            d.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    tlsHandshakeTimeout,
		ResponseHeaderTimeout:  responseHeaderTimeout,
		ExpectContinueTimeout:  time.Second,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    10,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{
		Transport: naming{t},
		Timeout:   requestTimeout,
		CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			return fmt.Errorf("%w (to %s)", ErrRedirect, req.URL.Redacted())
		},
	}
}

// control runs after DNS, before each connection attempt, with the address
// about to be dialed: the one place a rebinding name cannot slip past.
func (p Policy) control(_ context.Context, network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("outbound: cannot check %s address %q: %w", network, address, err)
	}
	return p.Check(ap.Addr())
}

// naming puts the host name of the request into a refusal, so the error
// says which configured name led to the refused address. The dial's error
// may be shared by requests waiting on the same connection: it is copied,
// not changed.
type naming struct{ next http.RoundTripper }

func (n naming) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := n.next.RoundTrip(r)
	if re, ok := errors.AsType[*RefusedError](err); ok {
		named := *re
		named.Host = r.URL.Hostname()
		return nil, &named
	}
	return resp, err
}
