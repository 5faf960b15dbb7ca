package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/time/rate"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/ratelimit"
)

// generousRules are what every test app gets unless it sets its own: the
// production rules with every burst raised out of reach. The limiters and
// their wiring still run in every test (a broken 429 path or a response
// writer that breaks websockets would show), but only the tests in this
// file, which are about limits, ever reach one: they use the production
// defaults (limits = nil) or small rules of their own.
func generousRules() *ratelimit.Rules {
	r := ratelimit.Defaults()
	for _, rule := range []*ratelimit.Rule{&r.SignInPerAccount, &r.SignInPerDevice, &r.SignInFromNewIP, &r.SignInFailedIP,
		&r.SignInPerIP, &r.SignUpPerIP, &r.PasswordResetPerKey, &r.PasswordResetPerIP,
		&r.CheckoutPerIP, &r.WebhooksPerIP, &r.APIPerCredential, &r.APIPerIP, &r.RendersPerCredential} {
		rule.Burst = 1_000_000
	}
	return &r
}

// productionLimits starts the test app with ratelimit.Defaults, behind a
// trusted proxy on 127.0.0.1 that sets X-Forwarded-For, as the load
// generator runs it.
func productionLimits(c *config) {
	c.limits = nil
	c.TrustedProxies = "127.0.0.1/32"
}

// caller sends GraphQL as one client address (X-Forwarded-For), safely
// from any goroutine: it returns errors rather than failing the test.
type caller struct {
	url, xff, token string
	hc              *http.Client
}

var flooder = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}

func (ta *testApp) from(xff string) *caller {
	return &caller{url: ta.srv.URL + "/query", xff: xff, hc: flooder}
}

func (c *caller) post(query string, vars map[string]any) (*http.Response, gqlResponse, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if c.xff != "" {
		req.Header.Set("X-Forwarded-For", c.xff)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, gqlResponse{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, gqlResponse{}, err
	}
	var out gqlResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		return resp, out, fmt.Errorf("HTTP %d, body %q: %w", resp.StatusCode, raw, err)
	}
	return resp, out, nil
}

const (
	signInMutation = `mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { token } }`
	signUpMutation = `mutation($in: SignUpInput!) { signUp(input: $in) { token } }`
	goodPassword   = "correct horse battery"
)

func signInVars(email, password string) map[string]any {
	return map[string]any{"e": email, "p": password}
}

func (c *caller) signUp(t *testing.T, email string) string {
	t.Helper()
	_, r, err := c.post(signUpMutation, map[string]any{"in": map[string]any{"merchantName": "Shop " + email, "email": email, "password": goodPassword}})
	if err != nil || len(r.Errors) > 0 {
		t.Fatalf("signUp %s from %s: %v %+v", email, c.xff, err, r.Errors)
	}
	var out struct{ SignUp struct{ Token string } }
	_ = json.Unmarshal(r.Data, &out)
	return out.SignUp.Token
}

// rateLimited checks that a response refused the request the way clients
// are promised: HTTP 429, Retry-After in whole seconds, and every error
// RATE_LIMITED with the same extensions.retryAfter. It returns the first
// error's message.
func rateLimited(resp *http.Response, r gqlResponse) (string, error) {
	if resp.StatusCode != http.StatusTooManyRequests {
		return "", fmt.Errorf("HTTP %d, want 429 (errors %+v)", resp.StatusCode, r.Errors)
	}
	secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || secs < 1 {
		return "", fmt.Errorf("Retry-After = %q, want whole seconds >= 1", resp.Header.Get("Retry-After"))
	}
	if len(r.Errors) == 0 {
		return "", fmt.Errorf("429 without a GraphQL error")
	}
	for _, e := range r.Errors {
		if e.Extensions["code"] != "RATE_LIMITED" {
			return "", fmt.Errorf("error %+v, want code RATE_LIMITED", e)
		}
		if ra, _ := e.Extensions["retryAfter"].(float64); ra < 1 || int(ra) > secs {
			return "", fmt.Errorf("extensions.retryAfter = %v with Retry-After %d", e.Extensions["retryAfter"], secs)
		}
	}
	return r.Errors[0].Message, nil
}

// TestSignInFloodIsLimited: 1,000 wrong passwords for one account from one
// address, with the production limits. Only the account's burst ever
// reaches the password check; everything after it is RATE_LIMITED with
// Retry-After; the right password is refused too while the account is
// limited, even from another address; another account, from another
// address, signs in; and the server keeps answering others promptly.
func TestSignInFloodIsLimited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startAppWith(t, b.URL, productionLimits)
		ta.auth.BcryptCost = bcrypt.DefaultCost // real password checks: they are what a flood would burn CPU on
		rules := ratelimit.Defaults()

		victim, bystander := "victim@lumen.example", "bystander@other.example"
		ta.from("198.51.100.1").signUp(t, victim)
		by := ta.from("198.51.100.2")
		by.token = by.signUp(t, bystander)

		// Signing in with the right password is never limited by the
		// account rule: twice its burst, one after another.
		home := ta.from("198.51.100.3")
		for i := range 2 * rules.SignInPerAccount.Burst {
			if _, r, err := home.post(signInMutation, signInVars(victim, goodPassword)); err != nil || len(r.Errors) > 0 {
				t.Fatalf("good sign-in %d: %v %+v", i+1, err, r.Errors)
			}
		}

		// Responsiveness: the same probes with nothing else going on, then
		// through the flood.
		probe := func(during func()) []time.Duration { return probeWhile(t, ta, by, bystander, during) }
		idle := probe(func() { time.Sleep(time.Second) })

		const attempts, workers = 1000, 16
		attacker := ta.from("203.0.113.66")
		var (
			next, checked, limited atomic.Int64
			mu                     sync.Mutex
			messages               = map[string]int{}
			floodTime              time.Duration
		)
		busy := probe(func() {
			start := time.Now()
			var wg sync.WaitGroup
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for n := next.Add(1); n <= attempts; n = next.Add(1) {
						resp, r, err := attacker.post(signInMutation, signInVars(victim, "wrong password "+strconv.Itoa(int(n))))
						if err != nil {
							t.Errorf("flood request: %v", err)
							return
						}
						if len(r.Errors) == 1 && r.Errors[0].Extensions["code"] == "UNAUTHENTICATED" && resp.StatusCode == http.StatusOK {
							checked.Add(1) // reached the password check
							continue
						}
						msg, err := rateLimited(resp, r)
						if err != nil {
							t.Errorf("flood response: %v", err)
							return
						}
						limited.Add(1)
						mu.Lock()
						messages[msg[:strings.Index(msg, ";")]]++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			floodTime = time.Since(start)
		})
		if t.Failed() {
			return
		}
		if got, want := checked.Load(), int64(rules.SignInPerAccount.Burst); got != want {
			t.Errorf("%d of %d wrong passwords reached the password check, want exactly the account burst %d", got, attempts, want)
		}
		if checked.Load()+limited.Load() != attempts {
			t.Errorf("checked %d + limited %d != %d attempts", checked.Load(), limited.Load(), attempts)
		}
		t.Logf("flood: %d wrong passwords in %v (%.0f/s) from 1 address, %d workers: %d reached the password check, %d RATE_LIMITED %v",
			attempts, floodTime.Round(time.Millisecond), float64(attempts)/floodTime.Seconds(), workers, checked.Load(), limited.Load(), messages)
		idleP99 := logLatencies(t, "idle", idle)
		busyP99 := logLatencies(t, "during the flood", busy)
		// The bound: at most 200 ms over what the same machine does idle.
		// On a machine that other work keeps busier than it has CPUs, this
		// process gets a fraction of a CPU and latency says more about the
		// neighbours than about Tally, so the figures are only printed.
		load, ncpu := loadAverage(), runtime.NumCPU()
		switch {
		case load > float64(ncpu):
			t.Logf("load average %.1f on %d CPUs: latency figures printed, not checked", load, ncpu)
		case busyP99 > idleP99+200*time.Millisecond:
			t.Errorf("p99 probe latency %v during the flood (idle %v), want at most 200ms more", busyP99, idleP99)
		}

		// Refusals cost no database work at all.
		before := ta.queries.Load()
		for i := range 100 {
			resp, r, err := attacker.post(signInMutation, signInVars(victim, "more "+strconv.Itoa(i)))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := rateLimited(resp, r); err != nil {
				t.Fatal(err)
			}
		}
		if n := ta.queries.Load() - before; n != 0 {
			t.Errorf("100 refused sign-ins ran %d SQL statements, want 0", n)
		}

		// The right password is refused from the attacker's address while
		// the account is limited; from an address that has not failed it
		// gets in (TestOwnerSignsInWhileAttacked has the whole story).
		resp, r, err := ta.from("203.0.113.66").post(signInMutation, signInVars(victim, goodPassword))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rateLimited(resp, r); err != nil {
			t.Fatalf("right password from the attacker's address while limited: %v", err)
		}
		if r.Data != nil && string(r.Data) != "null" {
			t.Fatalf("a refused sign-in returned data %s", r.Data)
		}
		if _, r, err := ta.from("198.51.100.77").post(signInMutation, signInVars(victim, goodPassword)); err != nil || len(r.Errors) > 0 {
			t.Fatalf("right password from a clean address while the account is limited: %v %+v", err, r.Errors)
		}
		// Another account, from another address, is not affected.
		if _, r, err := ta.from("198.51.100.88").post(signInMutation, signInVars(bystander, goodPassword)); err != nil || len(r.Errors) > 0 {
			t.Fatalf("another account from another address: %v %+v", err, r.Errors)
		}
		// Email case and spaces do not make a new account key (from the
		// attacker's address, which no longer counts as new).
		resp, r, err = ta.from("203.0.113.66").post(signInMutation, signInVars("  VICTIM@Lumen.Example ", "guess"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rateLimited(resp, r); err != nil {
			t.Fatalf("the account key must be the normalised email: %v", err)
		}
	})
}

// TestSignInAliasesInOneRequestAreLimited: the limit is in the resolver, so
// packing guesses into one request as aliases buys nothing; the response is
// still a 429 with Retry-After.
func TestSignInAliasesInOneRequestAreLimited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startAppWith(t, b.URL, productionLimits)
		ta.from("198.51.100.1").signUp(t, "batch@lumen.example")
		var q strings.Builder
		q.WriteString("mutation {")
		for i := range 12 {
			fmt.Fprintf(&q, ` a%d: signIn(input: {email: "batch@lumen.example", password: "guess number %d"}) { token }`, i, i)
		}
		q.WriteString(" }")
		resp, r, err := ta.from("203.0.113.5").post(q.String(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("HTTP %d Retry-After %q, want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		codes := map[string]int{}
		for _, e := range r.Errors {
			codes[fmt.Sprint(e.Extensions["code"])]++
		}
		if codes["UNAUTHENTICATED"] != ratelimit.Defaults().SignInPerAccount.Burst || codes["RATE_LIMITED"] != 12-codes["UNAUTHENTICATED"] {
			t.Fatalf("12 aliased guesses gave %v, want %d checked and the rest RATE_LIMITED", codes, ratelimit.Defaults().SignInPerAccount.Burst)
		}
	})
}

// TestSignUpPerIP: the production sign-up limit refuses an address after its
// burst, with Retry-After, and leaves other addresses alone.
func TestSignUpPerIP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startAppWith(t, b.URL, productionLimits)
		burst := ratelimit.Defaults().SignUpPerIP.Burst
		spammer := ta.from("203.0.113.20")
		for i := range burst {
			spammer.signUp(t, fmt.Sprintf("spam%d@spam.example", i))
		}
		resp, r, err := spammer.post(signUpMutation, map[string]any{"in": map[string]any{"merchantName": "Spam", "email": "one-more@spam.example", "password": goodPassword}})
		if err != nil {
			t.Fatal(err)
		}
		msg, err := rateLimited(resp, r)
		if err != nil {
			t.Fatalf("sign-up %d from one address: %v", burst+1, err)
		}
		if !strings.HasPrefix(msg, "too many sign-ups from this address") {
			t.Fatalf("message %q", msg)
		}
		ta.from("198.51.100.20").signUp(t, "real@shop.example")
	})
}

// expect429 checks a plain-HTTP refusal: 429, Retry-After of the rule's
// hour, and a body naming the limit.
func expect429(t *testing.T, limit string) func(*http.Response, error) {
	return func(resp *http.Response, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "3600" || !strings.Contains(string(body), limit) {
			t.Fatalf("HTTP %d Retry-After %q body %q, want 429, 3600 and the limit %q", resp.StatusCode, resp.Header.Get("Retry-After"), body, limit)
		}
	}
}

// TestCheckoutAndWebhooksPerIP: payment pages and webhooks answer 429 with
// Retry-After and a body naming the limit; X-Forwarded-For from a client
// that is not a trusted proxy changes nothing.
func TestCheckoutAndWebhooksPerIP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startAppWith(t, b.URL, func(c *config) {
			r := *generousRules()
			r.CheckoutPerIP = ratelimit.Rule{Name: "checkout per IP", Message: "too many payment page requests from this address", Rate: rate.Every(time.Hour), Burst: 3}
			r.WebhooksPerIP = ratelimit.Rule{Name: "webhooks per IP", Message: "too many webhook deliveries from this address", Rate: rate.Every(time.Hour), Burst: 2}
			c.limits = &r
		})
		c := ta.signUp(t, "Paid Shop")
		id, token := c.payable("12.00", "USD", "INFINI_CARD")

		for i := range 3 {
			resp, err := http.Get(ta.srv.URL + "/pay/" + token)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("page view %d: HTTP %d", i+1, resp.StatusCode)
			}
		}
		// The page, the start button and the event stream share the bucket;
		// a made-up X-Forwarded-For from an untrusted peer is ignored.
		req, _ := http.NewRequest(http.MethodGet, ta.srv.URL+"/pay/"+token, nil)
		req.Header.Set("X-Forwarded-For", "198.51.100.200")
		expect429(t, "checkout per IP")(http.DefaultClient.Do(req))
		expect429(t, "checkout per IP")(http.PostForm(ta.srv.URL+"/pay/"+token+"/start", map[string][]string{"method": {"INFINI_CARD"}}))
		expect429(t, "checkout per IP")(http.Get(ta.srv.URL + "/pay/" + token + "/events"))

		// Webhooks have their own bucket; over it they are refused before
		// the signature is even checked.
		for i := range 2 {
			resp, err := http.Post(ta.srv.URL+"/webhooks/infini", "application/json", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode < 400 {
				t.Fatalf("unsigned webhook %d: HTTP %d, want refused by its signature check", i+1, resp.StatusCode)
			}
		}
		expect429(t, "webhooks per IP")(http.Post(ta.srv.URL+"/webhooks/infini", "application/json", strings.NewReader("{}")))

		// The merchant's API is not a payment page: unaffected.
		if st := c.invoiceState(id); st.Status != "OPEN" {
			t.Fatalf("invoice state %+v", st)
		}
	})
}

// TestAPIPerKey: /query is limited per API key or session before GraphQL
// runs, with a 429 whose body is a GraphQL error; other credentials and
// signed-out callers have their own buckets.
func TestAPIPerKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startAppWith(t, b.URL, func(c *config) {
			r := *generousRules()
			r.APIPerCredential = ratelimit.Rule{Name: "API per key", Message: "too many requests for this API key or session", Rate: rate.Every(time.Hour), Burst: 3}
			r.APIPerIP = ratelimit.Rule{Name: "API per IP (signed out)", Message: "too many requests from this address", Rate: rate.Every(time.Hour), Burst: 3}
			c.limits = &r
			c.TrustedProxies = "127.0.0.1/32"
		})
		owner := ta.from("198.51.100.1")
		// Signing up is signed out: 1 of the address's 3. Making the key is
		// 1 of the new session's 3.
		owner.token = owner.signUp(t, "owner@keys.example")
		_, r, err := owner.post(`mutation { createAPIKey(input: {name: "Shop"}) { secret } }`, nil)
		if err != nil || len(r.Errors) > 0 {
			t.Fatalf("createAPIKey: %v %+v", err, r.Errors)
		}
		var created struct{ CreateAPIKey struct{ Secret string } }
		_ = json.Unmarshal(r.Data, &created)
		key := ta.from("198.51.100.1")
		key.token = created.CreateAPIKey.Secret

		for i := range 3 {
			if _, r, err := key.post(`{ viewer { merchant { name } } }`, nil); err != nil || len(r.Errors) > 0 {
				t.Fatalf("API key request %d: %v %+v", i+1, err, r.Errors)
			}
		}
		resp, r, err := key.post(`{ viewer { merchant { name } } }`, nil)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := rateLimited(resp, r)
		if err != nil {
			t.Fatalf("4th request with the key: %v", err)
		}
		if msg != "too many requests for this API key or session; try again in 3600 s" || r.Data != nil {
			t.Fatalf("refusal: message %q data %s", msg, r.Data)
		}
		if resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("Content-Type %q", resp.Header.Get("Content-Type"))
		}
		// The session that made the key has its own bucket (2 of 3 used).
		if _, r, err := owner.post(`{ viewer { user { email } } }`, nil); err != nil || len(r.Errors) > 0 {
			t.Fatalf("the owner's session was limited by its key's bucket: %v %+v", err, r.Errors)
		}

		// Signed out: per address. Two more from 198.51.100.1 fill its
		// bucket; another address is unaffected.
		anon := ta.from("198.51.100.1")
		for range 2 {
			if _, r, err := anon.post(`{ currencies }`, nil); err != nil || len(r.Errors) > 0 {
				t.Fatalf("signed-out query: %v %+v", err, r.Errors)
			}
		}
		resp, r, err = anon.post(`{ currencies }`, nil)
		if err != nil {
			t.Fatal(err)
		}
		if msg, err := rateLimited(resp, r); err != nil || !strings.HasPrefix(msg, "too many requests from this address") {
			t.Fatalf("signed-out over the limit: %q %v", msg, err)
		}
		if _, r, err := ta.from("198.51.100.2").post(`{ currencies }`, nil); err != nil || len(r.Errors) > 0 {
			t.Fatalf("another address: %v %+v", err, r.Errors)
		}
	})
}

func TestRateLimitSettings(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--trusted-proxies", "10.0.0.0/8, 10.0.0.0/33"}, "TALLY_TRUSTED_PROXIES"},
		{[]string{"--trusted-proxies", "proxy.internal"}, "TALLY_TRUSTED_PROXIES"},
		{[]string{"--rate-limits", "sometimes"}, "TALLY_RATE_LIMITS"},
		{append(productionArgs(), "--rate-limits", "off"), "TALLY_RATE_LIMITS"},
	} {
		_, err := parseConfig(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseConfig(%q) = %v, want an error naming %s", tc.args, err, tc.want)
		}
	}

	t.Setenv("TALLY_TRUSTED_PROXIES", "127.0.0.1/32,10.0.0.0/8")
	c, err := parseConfig(productionArgs())
	if err != nil {
		t.Fatal(err)
	}
	if c.RateLimits != "on" || fmt.Sprint(c.rateRules()) != fmt.Sprint(ratelimit.Defaults()) {
		t.Fatalf("limits must be on with the defaults unless turned off: %q", c.RateLimits)
	}
	if fmt.Sprint(c.trustedProxies) != "[127.0.0.1/32 10.0.0.0/8]" {
		t.Fatalf("trusted proxies = %v", c.trustedProxies)
	}
	c, err = parseConfig([]string{"--rate-limits", "off"})
	if err != nil {
		t.Fatal(err)
	}
	if l := ratelimit.NewLimiters(c.rateRules()); *l != (ratelimit.Limiters{}) {
		t.Fatalf("--rate-limits=off built limiters: %+v", l)
	}
}

// probeWhile runs during and meanwhile measures how long others wait: GET
// /healthz every 5 ms, and the bystander's viewer query every 20 ms (within
// its own API limit). It fails the test if a probe fails.
func probeWhile(t *testing.T, ta *testApp, by *caller, email string, during func()) []time.Duration {
	t.Helper()
	var (
		stop    atomic.Bool
		mu      sync.Mutex
		lat     []time.Duration
		failure error
		wg      sync.WaitGroup
	)
	loop := func(every time.Duration, do func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				start := time.Now()
				err := do()
				d := time.Since(start)
				mu.Lock()
				lat = append(lat, d)
				if err != nil && failure == nil {
					failure = err
				}
				mu.Unlock()
				if err != nil {
					return
				}
				time.Sleep(every)
			}
		}()
	}
	loop(5*time.Millisecond, func() error {
		resp, err := flooder.Get(ta.srv.URL + "/healthz")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("healthz: HTTP %d", resp.StatusCode)
		}
		return nil
	})
	loop(20*time.Millisecond, func() error {
		_, r, err := by.post(`{ viewer { user { email } } }`, nil)
		if err == nil && (len(r.Errors) > 0 || !strings.Contains(string(r.Data), email)) {
			err = fmt.Errorf("viewer: %s %+v", r.Data, r.Errors)
		}
		return err
	})
	time.Sleep(20 * time.Millisecond) // the probes are running when it starts
	during()
	stop.Store(true)
	wg.Wait()
	if failure != nil {
		t.Fatalf("a probe failed: %v", failure)
	}
	if len(lat) < 10 {
		t.Fatalf("only %d probes answered", len(lat))
	}
	return lat
}

// logLatencies prints a latency summary and returns the p99.
func logLatencies(t *testing.T, what string, lat []time.Duration) time.Duration {
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1)+0.5)].Round(10 * time.Microsecond) }
	t.Logf("probe latency %s (healthz + viewer): %d probes, p50 %v, p90 %v, p99 %v, max %v",
		what, len(lat), p(0.50), p(0.90), p(0.99), lat[len(lat)-1].Round(10*time.Microsecond))
	return p(0.99)
}

// loadAverage is the 1-minute load average (Linux), or 0 if unknown.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _ := strconv.ParseFloat(strings.Fields(string(b) + " 0")[0], 64)
	return f
}
