package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// statementCSV is a bank export of size bytes and lines rows (under the
// import's 200,000-row limit), every row an outgoing payment: the server
// reads and parses all of it, and then has nothing to write.
func statementCSV(size, lines int) []byte {
	const header = "Date;Amount;Currency;Text;Name\n"
	per := (size - len(header)) / lines
	var b bytes.Buffer
	b.Grow(size)
	b.WriteString(header)
	for i := range lines {
		start := b.Len()
		fmt.Fprintf(&b, "2026-11-%02d;-%d.%02d;USD;Card payment %d, terminal 4711, ", 1+i%28, 1+i%900, i%100, i)
		pad := per - (b.Len() - start) - len(";Supplier Ltd\n")
		b.Write(bytes.Repeat([]byte{'x'}, max(0, pad)))
		b.WriteString(";Supplier Ltd\n")
	}
	return b.Bytes()
}

// uploads sends e.cfg.uploads statement imports of e.cfg.uploadMB MiB at
// once, each with its own API key of the attacker, and waits for their
// answers (at most -upload-timeout). Expected: refused beyond the server's
// concurrency bound, or processed within the memory goal.
func uploads(ctx context.Context, e *env, r *row) {
	size := e.cfg.uploadMB<<20 - 64<<10 // under the server's limit of the file
	lines := min(199_000, size/128)
	csv := statementCSV(size, lines)
	ops := mustJSON(map[string]any{
		"query": `mutation($file: Upload!, $mapping: StatementMappingInput) { importStatement(file: $file, format: CSV, mapping: $mapping) { lines created } }`,
		"variables": map[string]any{"file": nil, "mapping": map[string]any{
			"date": "Date", "amount": "Amount", "currency": "Currency", "text": []string{"Text"}, "payerName": "Name",
		}},
	})
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", `{"0": ["variables.file"]}`)
	_, _ = mw.CreateFormFile("0", "statement.csv")
	n := head.Len()
	_ = mw.Close()
	prefix, suffix := head.Bytes()[:n], bytes.Clone(head.Bytes()[n:])

	uctx, cancel := context.WithTimeout(ctx, e.cfg.uploadTimeout)
	defer cancel()
	outs := make([]outcome, e.cfg.uploads)
	took := make([]time.Duration, e.cfg.uploads)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			body := io.MultiReader(bytes.NewReader(prefix), bytes.NewReader(csv), bytes.NewReader(suffix))
			outs[i] = send(uctx, e.hc, e.dev.base+"/query", mw.FormDataContentType(), body, int64(len(prefix)+len(csv)+len(suffix)),
				map[string]string{
					"Authorization":             "Bearer " + e.attacker.keys[i%len(e.attacker.keys)],
					"GraphQL-Require-Preflight": "1",
				})
			took[i] = time.Since(t0)
		}()
	}
	wg.Wait()
	r.outcomes = outs
	slices.Sort(took)
	r.notes = append(r.notes, fmt.Sprintf("%d uploads of %.1f MB (%d rows) at once; answered in %s–%s (timeout %s); CPU per request not judged, memory is",
		len(outs), float64(len(csv))/1e6, lines, ms(took[0]), ms(took[len(took)-1]), e.cfg.uploadTimeout))
}

// slowBodies opens connections that declare a 100 KB body on POST /query
// and send one byte of it every 2 s, and times how long the server keeps
// each open.
func slowBodies(ctx context.Context, e *env, r *row) {
	const declared = 100 << 10
	u, _ := url.Parse(e.dev.base)
	type result struct {
		after  time.Duration
		closed bool
		answer string
	}
	results := make([]result, e.cfg.slowConns)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			conn, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, "tcp", u.Host)
			if err != nil {
				results[i] = result{answer: "dial: " + shortErr(err)}
				return
			}
			defer func() { _ = conn.Close() }()
			// A failed write shows in what the reader gets back.
			_, _ = fmt.Fprintf(conn, "POST /query HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nX-Forwarded-For: %s\r\n\r\n{",
				u.Host, declared, nextAddress())
			// The reader sees the server's answer, or its closing.
			ended := make(chan string, 1)
			go func() {
				br := bufio.NewReader(conn)
				status, err := br.ReadString('\n')
				if err == nil {
					_, _ = io.Copy(io.Discard, br) // until the server closes
					ended <- strings.TrimSpace(status)
					return
				}
				ended <- "closed without an answer"
			}()
			tick := time.NewTicker(2 * time.Second)
			defer tick.Stop()
			budget := time.NewTimer(e.cfg.slowBudget)
			defer budget.Stop()
			for {
				select {
				case ans := <-ended:
					results[i] = result{after: time.Since(t0), closed: true, answer: ans}
					return
				case <-budget.C:
					results[i] = result{after: time.Since(t0), answer: "still open"}
					return
				case <-ctx.Done():
					results[i] = result{after: time.Since(t0), answer: "interrupted"}
					return
				case <-tick.C:
					// A write error means the server closed; the reader
					// reports it.
					_, _ = conn.Write([]byte(" "))
				}
			}
		}()
	}
	wg.Wait()
	r.judged, r.refusedOK = true, true
	closedIn := 0
	var times []string
	answers := map[string]int{}
	for _, res := range results {
		// Each connection counts as one attack request.
		r.outcomes = append(r.outcomes, outcome{})
		answers[res.answer]++
		times = append(times, fmt.Sprintf("%.1f s", res.after.Seconds()))
		if res.closed && res.after <= e.cfg.slowLimit {
			closedIn++
		} else {
			r.refusedOK = false
		}
	}
	for a, n := range answers {
		r.answersText = append(r.answersText, fmt.Sprintf("%s ×%d", a, n))
	}
	slices.Sort(r.answersText)
	r.refusal = fmt.Sprintf("%d of %d cut off within %s", closedIn, len(results), e.cfg.slowLimit)
	if !r.refusedOK {
		r.refusal = "NO: " + r.refusal
	}
	r.notes = append(r.notes, fmt.Sprintf("%d connections declaring %d KB, 1 byte every 2 s (budget %s): ended after %s",
		len(results), declared>>10, e.cfg.slowBudget, strings.Join(times, ", ")))
}

// The sign-in limit today: 5 wrong passwords at once per account, then one
// a minute (internal/ratelimit Defaults, SignInPerAccount). Issue #12: a fix
// for the owner's lock-out must not give the attacker more guesses than
// this.
const (
	signInBurst    = 5
	signInInterval = time.Minute
)

// signInRace: the attacker sends a wrong password for the victim's email
// every 2 s, alternating between two client addresses, while the owner
// signs in with the right one every 15 s from a browser (a cookie jar, so
// whatever the server remembers about the device is sent back; the owner
// signed in once before the attack).
func signInRace(ctx context.Context, e *env, r *row) {
	jar, _ := cookiejar.New(nil)
	owner := &http.Client{Jar: jar, Transport: newClient(2).Transport}
	signIn := func(hc *http.Client, xff, pw string) outcome {
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		body := mustJSON(map[string]any{
			"query":     `mutation($i: SignInInput!) { signIn(input: $i) { token } }`,
			"variables": map[string]any{"i": map[string]any{"email": e.victim.email, "password": pw}},
		})
		return send(rctx, hc, e.dev.base+"/query", "application/json", bytes.NewReader(body), int64(len(body)),
			map[string]string{"X-Forwarded-For": xff})
	}
	const ownerAddr = "10.63.0.1"
	if o := signIn(owner, ownerAddr, password); !o.served() {
		r.notes = append(r.notes, "the owner's sign-in before the attack failed: "+o.label())
	}

	dur := e.cfg.signInDuration
	end := time.Now().Add(dur)
	var (
		wg                  sync.WaitGroup
		ownerOK, ownerTries int
		ownerFail           []string
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for at := 12 * time.Second; at < dur; at += 15 * time.Second {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Until(end.Add(at - dur))):
			}
			o := signIn(owner, ownerAddr, password)
			ownerTries++
			if o.served() {
				ownerOK++
			} else {
				ownerFail = append(ownerFail, fmt.Sprintf("%.0f s: %s", at.Seconds(), o.label()))
			}
		}
	}()
	attackerAddrs := []string{"10.62.0.1", "10.62.0.2"}
	for i := 0; time.Now().Before(end) && ctx.Err() == nil; i++ {
		t0 := time.Now()
		r.outcomes = append(r.outcomes, signIn(e.hc, attackerAddrs[i%2], badPassword))
		select {
		case <-ctx.Done():
		case <-time.After(2*time.Second - time.Since(t0)):
		}
	}
	wg.Wait()

	evaluated, limited, other := 0, 0, 0
	for _, o := range r.outcomes {
		switch o.code {
		case "UNAUTHENTICATED":
			evaluated++
		case "RATE_LIMITED":
			limited++
		default:
			other++
		}
	}
	allowed := signInBurst + int(dur/signInInterval)
	r.judged = true
	r.refusedOK = ownerOK == ownerTries && ownerTries > 0 && evaluated <= allowed && other == 0
	r.refusal = fmt.Sprintf("owner %d/%d in; attacker %d guesses checked (≤ %d)", ownerOK, ownerTries, evaluated, allowed)
	if !r.refusedOK {
		r.refusal = "NO: " + r.refusal
	}
	note := fmt.Sprintf("%s: attacker %d wrong passwords from 2 addresses, %d checked, %d refused RATE_LIMITED, %d other; owner signed in %d of %d times",
		dur, len(r.outcomes), evaluated, limited, other, ownerOK, ownerTries)
	if len(ownerFail) > 0 {
		note += " (refused at " + strings.Join(ownerFail, "; ") + ")"
	}
	r.notes = append(r.notes, note)
}
