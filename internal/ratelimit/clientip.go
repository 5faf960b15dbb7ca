package ratelimit

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP is the address a request came from. It is the TCP peer
// (RemoteAddr), unless the peer is one of the trusted proxies: then it is
// the right-most X-Forwarded-For entry that is not itself a trusted proxy.
//
// Right-most, because every proxy appends the address it saw to what it
// received: the entries a trusted proxy wrote are at the end and are true,
// everything to their left came from the client and may be made up. An
// untrusted peer's X-Forwarded-For is ignored entirely, so nobody can pick
// their own address by sending the header.
func ClientIP(r *http.Request, trusted []netip.Prefix) string {
	peer, ok := parseHop(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr // not TCP (a test, a unix socket): still a key
	}
	if !isTrusted(peer, trusted) {
		return peer.String()
	}
	client := peer
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		entries := strings.Split(hops[i], ",")
		for j := len(entries) - 1; j >= 0; j-- {
			a, ok := parseHop(entries[j])
			if !ok {
				// A trusted proxy writes addresses; this came from further
				// left. Use the last hop we could vouch for.
				return client.String()
			}
			client = a
			if !isTrusted(a, trusted) {
				return a.String()
			}
		}
	}
	// Every hop was a trusted proxy (or there was no header): the left-most
	// one is the furthest we can see.
	return client.String()
}

// parseHop reads an address as RemoteAddr or X-Forwarded-For give it:
// "203.0.113.7", "203.0.113.7:5555", "2001:db8::1" or "[2001:db8::1]:443".
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if host, _, err := net.SplitHostPort(s); err == nil {
		if a, err := netip.ParseAddr(host); err == nil {
			return a.Unmap().WithZone(""), true
		}
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil {
			return a.Unmap().WithZone(""), true
		}
	}
	return netip.Addr{}, false
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// IPKey is the key an address is limited by: the address itself for IPv4,
// its /64 network for IPv6, since one subscriber, and so one attacker,
// usually gets a whole /64 to pick addresses from. Anything that is not an
// address is returned unchanged.
func IPKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() {
		return ip
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// ParsePrefixes reads a comma-separated list of CIDRs ("10.0.0.0/8,
// 2001:db8::/32"); a bare address means just that address. Empty means
// none.
func ParsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			if p.Addr().Is4In6() {
				// ::ffff:10.0.0.0/104 is 10.0.0.0/8: peers are unmapped.
				if p.Bits() < 96 {
					return nil, fmt.Errorf("%q mixes IPv4 and IPv6; write the IPv4 range, e.g. 10.0.0.0/8", f)
				}
				p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			}
			out = append(out, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(f); err == nil {
			a = a.Unmap().WithZone("")
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		return nil, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8 or 2001:db8::/32, nor an IP address", f)
	}
	return out, nil
}
