package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// newClient returns an HTTP client with its own connection pool, so that
// the attackers' connections never delay the victim's requests on our side.
func newClient(conns int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = conns, conns
	return &http.Client{Transport: tr}
}

// outcome is how the server answered one request.
type outcome struct {
	status int
	code   string // extensions.code of the first error; "" when there is none
	err    error  // transport error: no answer
	// abandoned: the client gave up at the end of the attack's period.
	abandoned bool
}

// served: answered 200 without errors.
func (o outcome) served() bool { return o.err == nil && o.status == http.StatusOK && o.code == "" }

// label is the outcome as the table shows it, e.g. "413 QUERY_LIMIT".
func (o outcome) label() string {
	switch {
	case o.abandoned:
		return "abandoned at the deadline"
	case o.err != nil:
		return "no answer: " + shortErr(o.err)
	case o.code != "":
		return fmt.Sprintf("%d %s", o.status, o.code)
	case o.served():
		return "200 served"
	default:
		return fmt.Sprintf("%d without a code", o.status)
	}
}

func shortErr(err error) string {
	s := err.Error()
	for _, known := range []string{"connection reset by peer", "broken pipe", "EOF", "timeout", "connection refused"} {
		if strings.Contains(s, known) {
			return known
		}
	}
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return truncate(s, 40)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// addresses hands out a new client address for each anonymous request, so
// that the per-address limit in front of /query (which only sees one
// address in our requests) does not hide what the server does with the
// attack itself: a real attacker has many addresses.
var addresses atomic.Uint32

func nextAddress() string {
	n := addresses.Add(1)
	return fmt.Sprintf("10.%d.%d.%d", 64+(n>>16)%64, (n>>8)&0xff, n&0xff)
}

// send posts body to url and classifies the answer. header may set
// Authorization, X-Forwarded-For and the like.
func send(ctx context.Context, hc *http.Client, url, contentType string, body io.Reader, size int64, header map[string]string) outcome {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		return outcome{err: err}
	}
	req.ContentLength = size // -1: unknown, sent chunked
	req.Header.Set("Content-Type", contentType)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return outcome{err: err, abandoned: true}
		}
		return outcome{err: err}
	}
	defer res.Body.Close()
	code, err := errorCode(res.Body)
	if err != nil && ctx.Err() != nil {
		return outcome{status: res.StatusCode, err: err, abandoned: true}
	}
	return outcome{status: res.StatusCode, code: code}
}

var codeField = regexp.MustCompile(`"code"\s*:\s*"([A-Z_]+)"`)

// errorCode reads a GraphQL response to its end and returns the first
// error's extensions.code ("NO_CODE" for an error without one). A large
// answer (thousands of rendered documents) is not decoded: gqlgen writes
// errors before data, so its beginning shows them.
func errorCode(r io.Reader) (string, error) {
	var head bytes.Buffer
	_, err := io.Copy(&head, io.LimitReader(r, 1<<20))
	if err == nil {
		_, err = io.Copy(io.Discard, r)
	}
	if err != nil {
		return "", err
	}
	var g struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if json.Unmarshal(head.Bytes(), &g) == nil {
		if len(g.Errors) == 0 {
			return "", nil
		}
		if c, _ := g.Errors[0].Extensions["code"].(string); c != "" {
			return c, nil
		}
		return "NO_CODE", nil
	}
	prefix := head.Bytes()[:min(head.Len(), 64<<10)]
	if !bytes.Contains(prefix, []byte(`"errors"`)) {
		if bytes.HasPrefix(bytes.TrimSpace(prefix), []byte("{")) {
			return "", nil
		}
		return "NOT_JSON", nil
	}
	if m := codeField.FindSubmatch(prefix); m != nil {
		return string(m[1]), nil
	}
	return "NO_CODE", nil
}

// gqlError is one GraphQL error of a set-up request.
type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// caller makes the set-up requests: one credential, one client address.
type caller struct {
	hc     *http.Client
	base   string
	bearer string
	xff    string
}

// do sends a GraphQL operation and decodes data into out, waiting out
// RATE_LIMITED answers (set-up is not the attack), for up to a minute.
func (c caller) do(ctx context.Context, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	for start := time.Now(); ; {
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		retry, err := c.try(rctx, body, out)
		cancel()
		if err == nil || retry == 0 || time.Since(start) > time.Minute {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(retry):
		}
	}
}

func (c caller) try(ctx context.Context, body []byte, out any) (retry time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/query", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	if c.xff != "" {
		req.Header.Set("X-Forwarded-For", c.xff)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return 0, err
	}
	var g struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return 0, fmt.Errorf("HTTP %d, not GraphQL: %s", res.StatusCode, truncate(string(raw), 200))
	}
	if len(g.Errors) > 0 {
		e := g.Errors[0]
		if e.Extensions["code"] == "RATE_LIMITED" {
			secs, _ := strconv.Atoi(res.Header.Get("Retry-After"))
			return time.Duration(max(secs, 1)) * time.Second, errors.New(e.Message)
		}
		return 0, fmt.Errorf("HTTP %d %v: %s", res.StatusCode, e.Extensions["code"], e.Message)
	}
	if out != nil {
		return 0, json.Unmarshal(g.Data, out)
	}
	return 0, nil
}
