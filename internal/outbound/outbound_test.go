package outbound

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

func TestCheckAddresses(t *testing.T) {
	for _, tc := range []struct {
		addr string
		// prod and dev: the kind refused, "" for allowed.
		prod, dev string
	}{
		{"93.184.215.14", "", ""},
		{"8.8.8.8", "", ""},
		{"2606:4700:4700::1111", "", ""},
		{"127.0.0.1", "loopback", ""},
		{"127.1.2.3", "loopback", ""},
		{"::1", "loopback", ""},
		{"10.0.0.1", "private", ""},
		{"172.16.5.4", "private", ""},
		{"172.31.255.255", "private", ""},
		{"172.32.0.1", "", ""},
		{"192.168.1.1", "private", ""},
		{"100.64.0.1", "private", ""}, // carrier-grade NAT
		{"100.127.255.254", "private", ""},
		{"100.128.0.1", "", ""},
		{"fd12:3456::1", "private", ""},
		{"fc00::1", "private", ""},
		{"fec0::1", "private", ""},
		{"169.254.169.254", "link-local (cloud metadata)", "link-local (cloud metadata)"},
		{"169.254.1.1", "link-local", "link-local"},
		{"fe80::1", "link-local", "link-local"},
		{"fe80::1%eth0", "link-local", "link-local"},
		{"0.0.0.0", "unspecified (this network)", "unspecified (this network)"},
		{"0.1.2.3", "unspecified (this network)", "unspecified (this network)"},
		{"::", "unspecified", "unspecified"},
		{"224.0.0.1", "multicast", "multicast"},
		{"ff02::1", "multicast", "multicast"},
		{"255.255.255.255", "reserved", "reserved"},
		{"240.0.0.1", "reserved", "reserved"},
		{"192.0.2.1", "documentation", "documentation"},
		{"2001:db8::1", "documentation", "documentation"},
		{"198.18.0.1", "benchmarking", "benchmarking"},
		// IPv4 inside IPv6: judged by the IPv4 address it carries.
		{"::ffff:127.0.0.1", "loopback", ""},
		{"::ffff:169.254.169.254", "link-local (cloud metadata)", "link-local (cloud metadata)"},
		{"::ffff:10.0.0.1", "private", ""},
		{"::ffff:8.8.8.8", "", ""},
		{"::127.0.0.1", "reserved", "reserved"},                                              // IPv4-compatible, deprecated
		{"64:ff9b::a9fe:a9fe", "link-local (cloud metadata)", "link-local (cloud metadata)"}, // NAT64 of 169.254.169.254
		{"64:ff9b::7f00:1", "loopback", ""},
		{"64:ff9b::808:808", "", ""},
		{"2002:7f00:1::1", "loopback", ""}, // 6to4 of 127.0.0.1
		{"2002:a9fe:a9fe::1", "link-local (cloud metadata)", "link-local (cloud metadata)"},
		{"2002:808:808::1", "", ""},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "reserved", "reserved"}, // Teredo
	} {
		a := netip.MustParseAddr(tc.addr)
		for _, mode := range []struct {
			p    Policy
			want string
		}{{Policy{}, tc.prod}, {Policy{AllowPrivate: true}, tc.dev}} {
			err := mode.p.Check(a)
			var got string
			if re, ok := errors.AsType[*RefusedError](err); ok {
				got = re.Kind
			} else if err != nil {
				t.Fatalf("Check(%s) = %v, not a *RefusedError", a, err)
			}
			if got != mode.want {
				t.Errorf("Policy%+v.Check(%s) refused as %q, want %q", mode.p, tc.addr, got, mode.want)
			}
			if err != nil && !errors.Is(err, ErrRefused) {
				t.Errorf("Check(%s) = %v, not ErrRefused", a, err)
			}
		}
	}
}

func TestCheckHost(t *testing.T) {
	prod := Policy{}
	for _, host := range []string{"localhost", "LocalHost.", "api.localhost", "127.0.0.1", "[::1]", "169.254.169.254", "10.0.0.1", "::ffff:127.0.0.1"} {
		if err := prod.CheckHost(host); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), host) {
			t.Errorf("CheckHost(%q) = %v, want a refusal naming it", host, err)
		}
	}
	for _, host := range []string{"api.mailgun.net", "openapi.infini.money", "8.8.8.8", "metadata.google.internal"} {
		// Names are resolved and checked at connect time, not here.
		if err := prod.CheckHost(host); err != nil {
			t.Errorf("CheckHost(%q) = %v, want nil", host, err)
		}
	}
	if err := (Policy{AllowPrivate: true}).CheckHost("localhost"); err != nil {
		t.Errorf("development: CheckHost(localhost) = %v, want nil", err)
	}
}

// listener counts the connections a loopback server accepts.
func listener(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var accepted atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("inside"))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			accepted.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &accepted
}

// A name is checked by the address it resolves to when the connection is
// made, so a public-looking name pointed at 127.0.0.1 (DNS rebinding) is
// refused like the literal address, and the server never sees a connection.
func TestProductionRefusesNamesThatResolveInside(t *testing.T) {
	srv, accepted := listener(t)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	c := New(Policy{})
	for _, u := range []string{
		"http://localhost:" + port + "/internal/admin",
		"http://127.0.0.1:" + port + "/",
		"http://[::ffff:127.0.0.1]:" + port + "/",
		"http://0.0.0.0:" + port + "/", // Linux connects this to loopback
	} {
		resp, err := c.Get(u)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("GET %s: HTTP %d, want a refusal", u, resp.StatusCode)
		}
		if !errors.Is(err, ErrRefused) {
			t.Fatalf("GET %s: %v, want ErrRefused", u, err)
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Fatalf("the loopback server accepted %d connections, want 0", n)
	}
	_, err := c.Get("http://localhost:" + port + "/")
	if want := "localhost resolves to 127.0.0.1, a loopback address"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

func TestDevelopmentReachesLoopback(t *testing.T) {
	srv, accepted := listener(t)
	resp, err := New(Policy{AllowPrivate: true}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || accepted.Load() != 1 {
		t.Fatalf("HTTP %d after %d connections, want 200 after 1", resp.StatusCode, accepted.Load())
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	other, accepted := listener(t)
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/latest/meta-data/", http.StatusFound)
	}))
	t.Cleanup(redirect.Close)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, redirect.URL, strings.NewReader("signed"))
	resp, err := New(Policy{AllowPrivate: true}).Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("HTTP %d, want ErrRedirect", resp.StatusCode)
	}
	if !errors.Is(err, ErrRedirect) {
		t.Fatalf("err = %v, want ErrRedirect", err)
	}
	if n := accepted.Load(); n != 0 {
		t.Fatalf("the redirect target got %d connections, want 0", n)
	}
}

// A proxy taken from HTTP_PROXY would be the address dialed and checked,
// not the host the caller named.
func TestNoProxyFromEnvironment(t *testing.T) {
	tr, ok := New(Policy{}).Transport.(naming).next.(*http.Transport)
	if !ok || tr.Proxy != nil {
		t.Fatalf("transport %T uses a proxy function; want none", New(Policy{}).Transport)
	}
}
