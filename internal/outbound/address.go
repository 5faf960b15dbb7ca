package outbound

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// ErrRefused is matched (errors.Is) by every *RefusedError.
var ErrRefused = errors.New("outbound: address refused by Tally's outbound policy")

// RefusedError says which address a call was refused and what kind it is.
type RefusedError struct {
	// Host is the name or address as given; Addr is what it resolved to,
	// when a connection got that far.
	Host string
	Addr netip.Addr
	// Kind is e.g. "loopback", "private", "link-local (cloud metadata)".
	Kind string
}

func (e *RefusedError) Error() string {
	switch {
	case e.Addr.IsValid() && e.Host != "" && e.Host != e.Addr.String():
		return fmt.Sprintf("%s resolves to %s, a %s address, which Tally does not call", e.Host, e.Addr, e.Kind)
	case e.Addr.IsValid():
		return fmt.Sprintf("%s is a %s address, which Tally does not call", e.Addr, e.Kind)
	}
	return fmt.Sprintf("%s is a %s host, which Tally does not call", e.Host, e.Kind)
}

// Is makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// Address classes. private is what Policy.AllowPrivate lets through.
const (
	kindLoopback = "loopback"
	kindPrivate  = "private"
)

type class struct {
	prefix netip.Prefix
	kind   string
	// embedded is the bit offset of an IPv4 address carried inside an IPv6
	// one (NAT64, 6to4): that address is classified instead.
	embedded int
}

// classes are the special-purpose ranges of the IANA IPv4 and IPv6
// registries that are not the public internet. Order matters: the first
// match wins.
var classes = func() []class {
	p := netip.MustParsePrefix
	return []class{
		// IPv4
		{prefix: p("0.0.0.0/8"), kind: "unspecified (this network)"},
		{prefix: p("10.0.0.0/8"), kind: kindPrivate},
		{prefix: p("100.64.0.0/10"), kind: kindPrivate}, // carrier-grade NAT, shared address space
		{prefix: p("127.0.0.0/8"), kind: kindLoopback},
		{prefix: p("169.254.169.254/32"), kind: "link-local (cloud metadata)"},
		{prefix: p("169.254.0.0/16"), kind: "link-local"},
		{prefix: p("172.16.0.0/12"), kind: kindPrivate},
		{prefix: p("192.0.0.0/24"), kind: "reserved"},
		{prefix: p("192.0.2.0/24"), kind: "documentation"},
		{prefix: p("192.88.99.0/24"), kind: "reserved"},
		{prefix: p("192.168.0.0/16"), kind: kindPrivate},
		{prefix: p("198.18.0.0/15"), kind: "benchmarking"},
		{prefix: p("198.51.100.0/24"), kind: "documentation"},
		{prefix: p("203.0.113.0/24"), kind: "documentation"},
		{prefix: p("224.0.0.0/4"), kind: "multicast"},
		{prefix: p("240.0.0.0/4"), kind: "reserved"}, // includes 255.255.255.255
		// IPv6 (IPv4-mapped ::ffff:0:0/96 is unmapped before this table)
		{prefix: p("::/128"), kind: "unspecified"},
		{prefix: p("::1/128"), kind: kindLoopback},
		{prefix: p("::/96"), kind: "reserved"}, // IPv4-compatible, deprecated
		{prefix: p("64:ff9b::/96"), embedded: 96},
		{prefix: p("64:ff9b:1::/48"), kind: kindPrivate}, // local-use NAT64
		{prefix: p("100::/64"), kind: "reserved"},        // discard-only
		{prefix: p("2001:db8::/32"), kind: "documentation"},
		{prefix: p("2001::/23"), kind: "reserved"}, // IETF protocols, Teredo
		{prefix: p("2002::/16"), embedded: 16},     // 6to4
		{prefix: p("3fff::/20"), kind: "documentation"},
		{prefix: p("fc00::/7"), kind: kindPrivate}, // unique local
		{prefix: p("fe80::/10"), kind: "link-local"},
		{prefix: p("fec0::/10"), kind: kindPrivate}, // site-local, deprecated
		{prefix: p("ff00::/8"), kind: "multicast"},
	}
}()

// classify returns the kind of a, or "" for a public internet address.
func classify(a netip.Addr) string {
	a = a.WithZone("").Unmap()
	for _, c := range classes {
		if !c.prefix.Contains(a) {
			continue
		}
		if c.embedded > 0 {
			b := a.As16()
			v4 := netip.AddrFrom4([4]byte(b[c.embedded/8 : c.embedded/8+4]))
			return classify(v4)
		}
		return c.kind
	}
	return ""
}

// Check returns a *RefusedError when p does not let calls reach a.
func (p Policy) Check(a netip.Addr) error {
	kind := classify(a)
	if kind == "" || (p.AllowPrivate && (kind == kindLoopback || kind == kindPrivate)) {
		return nil
	}
	return &RefusedError{Addr: a.WithZone("").Unmap(), Kind: kind}
}

// CheckHost refuses a host that names a refused address outright: an IP
// literal or a localhost name. It does not resolve DNS (configuration may
// be read offline); the dialer checks every address actually dialed.
func (p Policy) CheckHost(host string) error {
	h := strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if a, err := netip.ParseAddr(h); err == nil {
		if err := p.Check(a); err != nil {
			if re, ok := errors.AsType[*RefusedError](err); ok {
				re.Host = host
			}
			return err
		}
		return nil
	}
	if !p.AllowPrivate && (h == "localhost" || strings.HasSuffix(h, ".localhost")) {
		return &RefusedError{Host: host, Kind: kindLoopback}
	}
	return nil
}
