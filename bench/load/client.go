package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// requester sends every virtual client's requests: it classifies, measures
// and retries them.
type requester struct {
	base  string
	hc    *http.Client
	stats *stats
	// retryFor bounds how long one operation keeps retrying, e.g. across a
	// server restart.
	retryFor time.Duration
	retried  atomic.Int64 // attempts that were followed by a retry
}

func newRequester(base string, clients int, st *stats, retryFor time.Duration) *requester {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 4 * clients
	tr.MaxIdleConnsPerHost = 4 * clients
	return &requester{
		base:  base,
		stats: st,
		hc: &http.Client{
			Transport: tr,
			Timeout:   30 * time.Second,
			// The sandbox answers its forms with 303: see where it points.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		retryFor: retryFor,
	}
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// request is one operation: sent again, byte for byte and with the same
// Idempotency-Key, until it succeeds, fails for good or retryFor is over.
type request struct {
	op          string
	method, url string
	contentType string
	body        []byte
	bearer      string
	xff         string
	// idempotencyKey goes in the Idempotency-Key header when not empty.
	idempotencyKey string
	// graphql: the response is {data, errors}; success is HTTP 200 and no errors.
	graphql bool
	// accept says which HTTP statuses mean success for a non-GraphQL request.
	accept func(status int) bool
}

// response is a successful attempt's answer.
type response struct {
	status int
	header http.Header
	body   []byte
	data   json.RawMessage
}

// opError is an operation that failed for good.
type opError struct {
	op      string
	class   string // transport, 5xx, 4xx, gql, timeout
	status  int
	code    string
	message string
	// ambiguous: an earlier attempt ended without an answer (or with a 5xx),
	// so its effect may or may not have happened.
	ambiguous bool
	// extensions of the first GraphQL error.
	extensions map[string]any
}

func (e *opError) Error() string {
	s := e.op + ": " + e.class
	if e.status != 0 {
		s += fmt.Sprintf(" HTTP %d", e.status)
	}
	if e.code != "" {
		s += " " + e.code
	}
	return s + ": " + e.message
}

// interrupted reports whether the server refused a retry because the first
// request with its Idempotency-Key died with the server before answering:
// its effect may or may not have happened, and only the client can find
// out (then retry with a new key).
func interrupted(err error) bool {
	var oe *opError
	return errors.As(err, &oe) && oe.code == "CONFLICT(interrupted)"
}

func isInterruptedError(ext map[string]any, msg string) bool {
	if r, _ := ext["reason"].(string); strings.EqualFold(r, "interrupted") {
		return true
	}
	return strings.Contains(msg, "Idempotency-Key was interrupted")
}

// ambiguousOrInterrupted: whether the operation's effect is unknown.
func ambiguousOrInterrupted(err error) bool {
	var oe *opError
	return interrupted(err) || errors.As(err, &oe) && oe.ambiguous
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

type gqlBody struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// verdict is what one attempt came to.
type verdict struct {
	a          attempt
	ok         bool
	retryable  bool
	retryAfter time.Duration
	resp       *response
	extensions map[string]any
}

func (rq *requester) try(ctx context.Context, r *request) verdict {
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, bytes.NewReader(r.body))
	if err != nil {
		return verdict{a: attempt{class: classTransport, message: err.Error()}}
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+r.bearer)
	}
	if r.xff != "" {
		req.Header.Set("X-Forwarded-For", r.xff)
	}
	if r.idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", r.idempotencyKey)
	}
	t0 := time.Now()
	res, err := rq.hc.Do(req)
	if err != nil {
		return verdict{a: attempt{latency: time.Since(t0), class: classTransport, message: err.Error()}, retryable: true}
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	res.Body.Close()
	lat := time.Since(t0)
	if err != nil {
		return verdict{a: attempt{latency: lat, class: classTransport, status: res.StatusCode, message: "reading the body: " + err.Error()}, retryable: true}
	}
	v := verdict{
		a:          attempt{latency: lat, status: res.StatusCode},
		retryAfter: parseRetryAfter(res.Header.Get("Retry-After")),
		resp:       &response{status: res.StatusCode, header: res.Header, body: body},
	}
	if r.graphql {
		var g gqlBody
		if jerr := json.Unmarshal(body, &g); jerr == nil && len(g.Errors) > 0 {
			e := g.Errors[0]
			v.extensions = e.Extensions
			v.a.code, _ = e.Extensions["code"].(string)
			if v.a.code == "" {
				v.a.code = "NO_CODE"
			}
			v.a.message = e.Message
			if f, _ := e.Extensions["field"].(string); f != "" && len(v.a.message) < 200 {
				v.a.message += " [field " + f + "]"
			}
		} else if jerr == nil && res.StatusCode == http.StatusOK {
			v.resp.data = g.Data
			v.ok = true
			return v
		} else if jerr != nil && res.StatusCode < 400 {
			v.a.code, v.a.message = "BAD_JSON", fmt.Sprintf("HTTP %d, unreadable body: %s", res.StatusCode, truncate(string(body), 120))
		}
	} else if r.accept(res.StatusCode) {
		v.ok = true
		return v
	}
	if v.a.message == "" {
		v.a.message = fmt.Sprintf("HTTP %d: %s", res.StatusCode, truncate(string(body), 160))
	}
	switch {
	case res.StatusCode >= 500:
		v.a.class = class5xx
		v.retryable = true
	case res.StatusCode >= 400:
		v.a.class = class4xx
	default:
		v.a.class = "gql"
	}
	switch v.a.code {
	case "RATE_LIMITED":
		v.retryable = true
	case "CONFLICT":
		v.retryable = retryableConflict(body, res)
		if v.retryable {
			v.a.code = "CONFLICT(retry)"
		} else if isInterruptedError(v.extensions, v.a.message) {
			v.a.code = "CONFLICT(interrupted)"
		}
	}
	if res.StatusCode == http.StatusTooManyRequests {
		v.retryable = true
	}
	return v
}

// retryableConflict: the server says a request with this Idempotency-Key is
// still running (a concurrent duplicate). It marks that with
// extensions.retryable, a Retry-After header, or HTTP 409; a CONFLICT about
// the data itself (already paid) has none of them.
func retryableConflict(body []byte, res *http.Response) bool {
	if res.StatusCode == http.StatusConflict || res.Header.Get("Retry-After") != "" {
		return true
	}
	var g gqlBody
	_ = json.Unmarshal(body, &g)
	for _, e := range g.Errors {
		if b, _ := e.Extensions["retryable"].(bool); b {
			return true
		}
	}
	return false
}

// parseRetryAfter reads delay-seconds or an HTTP date.
func parseRetryAfter(h string) time.Duration {
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(h); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(0, time.Until(t))
	}
	return 0
}

// backoff before retry n (0-based): 100 ms doubling to 2 s, with jitter;
// the server's Retry-After when it gave one (at most 30 s).
func backoff(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, 30*time.Second) + time.Duration(mrand.Int64N(int64(100*time.Millisecond))) //nolint:gosec // jitter spreads retries; it needs no secrecy
	}
	d := min(100*time.Millisecond<<min(n, 5), 2*time.Second)
	return d/2 + time.Duration(mrand.Int64N(int64(d/2)+1)) //nolint:gosec // jitter spreads retries; it needs no secrecy
}

// do runs r to its end.
func (rq *requester) do(ctx context.Context, r *request) (*response, error) {
	start := time.Now()
	ambiguous := false
	for n := 0; ; n++ {
		v := rq.try(ctx, r)
		wait := backoff(n, v.retryAfter)
		v.a.retrying = !v.ok && v.retryable && ctx.Err() == nil && time.Since(start)+wait < rq.retryFor
		rq.stats.record(r.op, v.a)
		if n > 0 && !v.a.retrying {
			rq.stats.noteResolved(time.Since(start))
		}
		if v.ok {
			rq.stats.finish(r.op, true, ambiguous, false)
			return v.resp, nil
		}
		if !v.a.retrying {
			rq.stats.finish(r.op, false, ambiguous, v.a.code == "CONFLICT(interrupted)")
			return nil, &opError{op: r.op, class: v.a.class, status: v.a.status, code: v.a.code, message: v.a.message, ambiguous: ambiguous, extensions: v.extensions}
		}
		if v.a.class == classTransport || v.a.class == class5xx {
			ambiguous = true
		}
		rq.retried.Add(1)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// graphql sends a query or mutation and decodes data into out. Mutations
// carry a fresh Idempotency-Key, the same for each of their retries.
func (c *vclient) graphql(ctx context.Context, op, query string, vars map[string]any, out any) error {
	return c.graphqlAs(ctx, op, c.bearer, query, vars, out)
}

func (c *vclient) graphqlAs(ctx context.Context, op, bearer, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": nameOperation(query, op), "variables": vars})
	if err != nil {
		return err
	}
	r := &request{
		op: op, method: http.MethodPost, url: c.rq.base + "/query", contentType: "application/json",
		body: body, bearer: bearer, xff: c.xff, graphql: true,
	}
	if isMutation(query) {
		r.idempotencyKey = newUUID()
	}
	var res *response
	if r.idempotencyKey != "" && bearer != "" && c.cfg.dup > 0 && c.rng.Float64() < c.cfg.dup {
		res, err = c.sendTwice(ctx, r)
	} else {
		res, err = c.rq.do(ctx, r)
	}
	if err != nil {
		return err
	}
	if out != nil {
		if err := json.Unmarshal(res.data, out); err != nil {
			return fmt.Errorf("%s: decoding %s: %w", op, truncate(string(res.data), 200), err)
		}
	}
	return nil
}

func isMutation(q string) bool {
	q = string(bytes.TrimSpace([]byte(q)))
	return len(q) >= 8 && q[:8] == "mutation"
}

// nameOperation gives an anonymous operation a name made of op, e.g.
// "mutation LoadIssueInvoice(…)", so the server's logs and idempotency
// records say what it was.
func nameOperation(query, op string) string {
	var b strings.Builder
	b.WriteString("Load")
	upper := true
	for _, r := range op {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			if upper && r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			upper = false
		default:
			upper = true
		}
	}
	q := strings.TrimSpace(query)
	for _, kind := range []string{"mutation", "query", "subscription"} {
		if rest, ok := strings.CutPrefix(q, kind); ok && (strings.HasPrefix(rest, "(") || strings.HasPrefix(strings.TrimSpace(rest), "{")) {
			return kind + " " + b.String() + rest
		}
	}
	if strings.HasPrefix(q, "{") {
		return "query " + b.String() + " " + q
	}
	return query
}

// sendTwice sends r and, at the same moment, an identical request with the
// same Idempotency-Key (a double click, or a retry racing the original).
// The server must run it once: the second gets the first's response
// (replayed, or after a retryable CONFLICT). Both answers must carry the
// same data.
func (c *vclient) sendTwice(ctx context.Context, r *request) (*response, error) {
	dup := *r
	dup.op = r.op + " (dup)"
	var (
		dupRes *response
		dupErr error
		done   = make(chan struct{})
	)
	go func() {
		defer close(done)
		dupRes, dupErr = c.rq.do(ctx, &dup)
	}()
	res, err := c.rq.do(ctx, r)
	<-done
	c.cnt.dupSent.Add(1)
	switch {
	case err != nil && dupErr != nil:
	case err != nil || dupErr != nil:
		e := err
		if e == nil {
			e = dupErr
		}
		if !interrupted(e) {
			c.cnt.noteDup(r.op, "one of two identical requests failed: "+e.Error())
		}
	case !sameJSON(res.data, dupRes.data):
		c.cnt.noteDup(r.op, fmt.Sprintf("two answers to one Idempotency-Key differ: %s vs %s", truncate(string(res.data), 150), truncate(string(dupRes.data), 150)))
	}
	if err != nil && dupErr == nil {
		return dupRes, nil
	}
	return res, err
}

func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	ca, _ := json.Marshal(x)
	cb, _ := json.Marshal(y)
	return bytes.Equal(ca, cb)
}
