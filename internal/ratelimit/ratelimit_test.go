package ratelimit

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/tally-invoicing/tally/internal/fault"
)

// clock is a fake time source the tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newAt(t *testing.T, r Rule) (*Limiter, *clock) {
	t.Helper()
	l := New(r)
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l.now = c.now
	return l, c
}

func TestAllowBurstThenRate(t *testing.T) {
	l, c := newAt(t, Rule{Name: "test", Message: "too many tests", Rate: rate.Every(20 * time.Second), Burst: 5})
	for i := range 5 {
		if ok, _ := l.Allow("k"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Allow("k")
	if ok || wait <= 0 || wait > 20*time.Second {
		t.Fatalf("6th = %v, %v; want refused for up to 20 s", ok, wait)
	}
	// Refusals take nothing: hammering does not push the next token away.
	for range 100 {
		l.Allow("k")
	}
	c.add(wait)
	if ok, _ := l.Allow("k"); !ok {
		t.Fatalf("refused after waiting the Retry-After it was given")
	}
	if ok, _ := l.Allow("other"); !ok {
		t.Fatalf("keys must not share a bucket")
	}
	err := l.Err(19500 * time.Millisecond)
	if err.Error() != "too many tests; try again in 20 s" {
		t.Fatalf("message = %q", err.Error())
	}
	if f, ok := fault.As(err); !ok || f.Code != fault.CodeRateLimited {
		t.Fatalf("Err must be a RATE_LIMITED fault, got %#v", f)
	}
}

func TestNilLimiterAllowsEverything(t *testing.T) {
	l := New(Rule{Name: "off"})
	if l != nil {
		t.Fatalf("a rule with no burst must build no limiter")
	}
	for range 1000 {
		if ok, _ := l.Allow("k"); !ok {
			t.Fatal("nil limiter refused")
		}
	}
	a, ok, _ := l.Begin("k")
	if !ok {
		t.Fatal("nil limiter refused an attempt")
	}
	a.End(true)
	if l.Len() != 0 {
		t.Fatal("nil limiter has keys")
	}
}

// Sign-in's shape: checked before, charged only on failure, and concurrent
// attempts cannot take more tries than there are tokens.
func TestAttemptsChargeOnlyFailures(t *testing.T) {
	l, c := newAt(t, Rule{Name: "account", Rate: rate.Every(time.Minute), Burst: 3})
	for i := range 50 {
		a, ok, _ := l.Begin("user")
		if !ok {
			t.Fatalf("success %d refused: successes must cost nothing", i)
		}
		a.End(false)
	}
	// Ten attempts in flight at once: only three may run.
	var admitted []*Attempt
	for range 10 {
		if a, ok, wait := l.Begin("user"); ok {
			admitted = append(admitted, a)
		} else if wait <= 0 {
			t.Fatal("refused without a Retry-After")
		}
	}
	if len(admitted) != 3 {
		t.Fatalf("%d concurrent attempts admitted, want 3 (the burst)", len(admitted))
	}
	for _, a := range admitted {
		a.End(true)
		a.End(true) // a second End is ignored
	}
	_, ok, wait := l.Begin("user")
	if ok || wait < 59*time.Second || wait > time.Minute {
		t.Fatalf("after 3 failures: %v, %v; want refused for about a minute", ok, wait)
	}
	c.add(time.Minute)
	if _, ok, _ := l.Begin("user"); !ok {
		t.Fatal("one token must be back after a minute")
	}
}

// A flood of distinct keys must not grow memory without bound, and keys
// whose buckets are full again are dropped without anyone noticing.
func TestEvictionBoundsMemory(t *testing.T) {
	const maxKeys = 1024
	l, c := newAt(t, Rule{Name: "flood", Rate: rate.Every(time.Second), Burst: 10, MaxKeys: maxKeys})
	perShard := (maxKeys + numShards - 1) / numShards
	for i := range 200_000 {
		l.Allow(fmt.Sprintf("10.%d.%d.%d", i>>16&0xff, i>>8&0xff, i&0xff))
		if i%10_000 == 0 && l.Len() > perShard*numShards {
			t.Fatalf("after %d keys the limiter holds %d, bound is %d", i+1, l.Len(), perShard*numShards)
		}
	}
	if n := l.Len(); n > perShard*numShards {
		t.Fatalf("holds %d keys, bound is %d", n, perShard*numShards)
	}
	if _, evicted := l.Stats(); evicted == 0 {
		t.Fatal("a flood past MaxKeys must be counted as evictions")
	}
	// A very long key (an email field stuffed with a megabyte) is stored
	// as a hash.
	l.Allow(strings.Repeat("x", 1<<20))
	for i := range l.shards {
		for k := range l.shards[i].keys {
			if len(k) > maxKeyLen {
				t.Fatalf("stored a %d-byte key", len(k))
			}
		}
	}

	// Quiet keys go once their buckets are full again (10 s here): the
	// sweep runs on the next access to each shard.
	c.add(sweepEvery + 11*time.Second)
	for i := range 256 {
		l.Allow(fmt.Sprintf("fresh-%d", i))
	}
	if n := l.Len(); n > 256 {
		t.Fatalf("%d keys left after they all went quiet, want only the 256 fresh ones", n)
	}
}

// The sweep must never forget a key that is still limited: that would
// give a guesser a fresh burst.
func TestSweepKeepsLimitedKeys(t *testing.T) {
	l, c := newAt(t, Rule{Name: "account", Rate: rate.Every(time.Minute), Burst: 5})
	for range 5 {
		l.Allow("victim")
	}
	c.add(2 * time.Minute) // 2 tokens back, 3 short of full
	for i := range 1000 {
		l.Allow(fmt.Sprintf("k%d", i)) // triggers sweeps in every shard
	}
	for range 2 {
		if ok, _ := l.Allow("victim"); !ok {
			t.Fatal("the two refilled tokens are missing")
		}
	}
	if ok, _ := l.Allow("victim"); ok {
		t.Fatal("the sweep forgot a limited key (it got a fresh bucket)")
	}
}

func TestConcurrentUse(t *testing.T) {
	l := New(Rule{Name: "race", Rate: rate.Every(time.Hour), Burst: 100, MaxKeys: 64})
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				if ok, _ := l.Allow("shared"); ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
				l.Allow(fmt.Sprintf("g%d-%d", g, i))
				if a, ok, _ := l.Begin(fmt.Sprintf("a%d", i%10)); ok {
					a.End(i%2 == 0)
				}
			}
		}()
	}
	wg.Wait()
	// "shared" may be evicted by the flood and start again, but at least
	// its burst and never more than a few bursts.
	if allowed < 100 || allowed > 16*1000 {
		t.Fatalf("allowed %d", allowed)
	}
}

func TestClientIP(t *testing.T) {
	trusted, err := ParsePrefixes("127.0.0.1/32, 10.0.0.0/8, 2001:db8:ffff::/48")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		remote string
		xff    []string
		want   string
	}{
		{"direct client", "203.0.113.9:51000", nil, "203.0.113.9"},
		{"spoofed XFF from an untrusted peer is ignored", "203.0.113.9:51000", []string{"1.2.3.4"}, "203.0.113.9"},
		{"spoofed XFF naming a trusted proxy is ignored too", "203.0.113.9:51000", []string{"10.0.0.1"}, "203.0.113.9"},
		{"trusted proxy: its entry names the client", "127.0.0.1:40000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"trusted proxy: client-made entries on the left are ignored", "127.0.0.1:40000", []string{"6.6.6.6, 198.51.100.7"}, "198.51.100.7"},
		{"chain of trusted proxies is skipped", "127.0.0.1:40000", []string{"6.6.6.6, 198.51.100.7, 10.1.2.3, 10.9.9.9"}, "198.51.100.7"},
		{"several headers read as one list", "127.0.0.1:40000", []string{"6.6.6.6", "198.51.100.7, 10.1.2.3"}, "198.51.100.7"},
		{"trusted proxy without XFF is the client", "127.0.0.1:40000", nil, "127.0.0.1"},
		{"all hops trusted: the left-most", "127.0.0.1:40000", []string{"10.0.0.5, 10.0.0.6"}, "10.0.0.5"},
		{"garbage written by the client stops the walk at the last good hop", "127.0.0.1:40000", []string{"evil, 10.0.0.6"}, "10.0.0.6"},
		{"entries with ports", "127.0.0.1:40000", []string{"198.51.100.7:4711"}, "198.51.100.7"},
		{"IPv6 client behind an IPv6 proxy", "[2001:db8:ffff::1]:443", []string{"[2001:db8:1::42]:1234"}, "2001:db8:1::42"},
		{"IPv4-mapped peer matches an IPv4 range", "[::ffff:127.0.0.1]:40000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"unparseable RemoteAddr is kept as the key", "@", nil, "@"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ClientIP(r, trusted); got != tc.want {
				t.Fatalf("ClientIP = %q, want %q", got, tc.want)
			}
		})
	}
	// No trusted proxies: XFF never counts.
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "127.0.0.1:1"
	r.Header.Set("X-Forwarded-For", "198.51.100.7")
	if got := ClientIP(r, nil); got != "127.0.0.1" {
		t.Fatalf("without trusted proxies ClientIP = %q", got)
	}
}

func TestIPKeyGroupsIPv6By64(t *testing.T) {
	if a, b := IPKey("2001:db8:1:2:aaaa::1"), IPKey("2001:db8:1:2:bbbb::2"); a != b || a != "2001:db8:1:2::/64" {
		t.Fatalf("one /64 must be one key: %q %q", a, b)
	}
	if IPKey("198.51.100.7") != "198.51.100.7" || IPKey("") != "" {
		t.Fatal("IPv4 and empty keys are kept as they are")
	}
}

func TestParsePrefixes(t *testing.T) {
	got, err := ParsePrefixes(" 10.1.2.3/8 ,, 192.0.2.1, ::ffff:172.16.0.0/108, 2001:db8::/32 ")
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.1/32"),
		netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("2001:db8::/32"),
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("ParsePrefixes = %v, want %v", got, want)
	}
	for _, bad := range []string{"10.0.0.0/33", "localhost", "10.0.0.0/8;", "::ffff:0.0.0.0/8"} {
		if _, err := ParsePrefixes(bad); err == nil {
			t.Errorf("ParsePrefixes(%q) accepted", bad)
		}
	}
	if p, err := ParsePrefixes(""); err != nil || p != nil {
		t.Fatalf("empty = %v, %v", p, err)
	}
}

func TestMiddlewareAnswers429(t *testing.T) {
	l := New(Rule{Name: "checkout per IP", Message: "too many payment page requests from this address", Rate: rate.Every(time.Hour), Burst: 2})
	h := PerIP(l, nil, WriteText, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	var last *httptest.ResponseRecorder
	for range 3 {
		last = httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "/pay/x", nil)
		r.RemoteAddr = "198.51.100.7:1"
		h.ServeHTTP(last, r)
	}
	if last.Code != http.StatusTooManyRequests || last.Header().Get("Retry-After") != "3600" ||
		!strings.Contains(last.Body.String(), "checkout per IP") {
		t.Fatalf("3rd request: %d Retry-After=%q %q", last.Code, last.Header().Get("Retry-After"), last.Body.String())
	}
	if Seconds(1500*time.Millisecond) != 2 || Seconds(0) != 1 || Seconds(time.Minute) != 60 {
		t.Fatal("Seconds must round up to at least 1")
	}
}
