package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// attack is one hostile request, sent over and over, and what refusing it
// looks like.
type attack struct {
	key  string // for -only
	name string
	prod bool // aimed at the production server
	// expect lists the extensions.code values that are the right refusal.
	expect []string
	// servedOK: answering is acceptable too ("priced": the cost goals then
	// decide), e.g. a page of documents a merchant may legitimately read.
	servedOK bool
	// served names what a served answer means here: "priced", "processed".
	served string
	// cpuJudged: whether the CPU-per-request goal applies.
	cpuJudged bool
	// rate is the requests per second offered by all workers together
	// (each waits for its answer before the next); 0 means as fast as the
	// answers come.
	rate    float64
	workers int
	// request sends one attack request as worker w.
	request func(ctx context.Context, e *env, w int) outcome
	// run replaces the flood for attacks of another shape (uploads, slow
	// bodies, sign-in); it fills the row's outcomes and notes itself.
	run func(ctx context.Context, e *env, r *row)
}

// env is what the attacks work with.
type env struct {
	cfg      *config
	dev      *server
	prod     *server
	hc       *http.Client // the attackers' connections
	victim   *merchant
	attacker *merchant
}

// row is one attack's result, a line of the table.
type row struct {
	a        *attack
	srv      *server
	outcomes []outcome
	// refusedOK overrides the outcome-based judgement when set by run.
	judged    bool
	refusedOK bool
	refusal   string // the REFUSED column
	// cpu is the server's CPU time for the attack (net of the victim's
	// probes); cpuPer divides it by the attack requests sent.
	cpu, cpuPer time.Duration
	victim      probeStats
	idle        probeStats // the victim alone, just before the attack
	idleRate    float64    // server CPU seconds per second meanwhile
	rssMax, hwm int64
	hwmBefore   int64 // the server's peak RSS before this attack
	notes       []string
	answersText []string      // replaces the outcome summary when set
	window      time.Duration // how long the attack (and the victim's probes) ran
}

func (r *row) sent() int { return len(r.outcomes) }

// answers summarises the outcomes, most frequent first: "413 QUERY_LIMIT ×40".
func (r *row) answers() string {
	if r.answersText != nil {
		return strings.Join(r.answersText, ", ")
	}
	count := map[string]int{}
	for _, o := range r.outcomes {
		count[o.label()]++
	}
	labels := make([]string, 0, len(count))
	for l := range count {
		labels = append(labels, l)
	}
	slices.SortFunc(labels, func(a, b string) int {
		if c := count[b] - count[a]; c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(labels))
	for i, l := range labels {
		parts[i] = fmt.Sprintf("%s ×%d", l, count[l])
	}
	return strings.Join(parts, ", ")
}

// judge decides from the outcomes whether the attack was refused as
// expected: every answered request refused with an expected code (or, for
// servedOK attacks, served). Requests abandoned at the deadline are not
// answers; an attack with no answer at all was not refused.
func (r *row) judge() {
	if r.judged {
		return
	}
	answered, expected, served := 0, 0, 0
	for _, o := range r.outcomes {
		switch {
		case o.abandoned:
		case o.served():
			answered++
			served++
		default:
			answered++
			if o.err == nil && slices.Contains(r.a.expect, o.code) {
				expected++
			}
		}
	}
	switch {
	case answered == 0:
		r.refusedOK, r.refusal = false, "NO (no answer)"
	case expected == answered:
		r.refusedOK, r.refusal = true, "yes"
	case r.a.servedOK && expected+served == answered:
		r.refusedOK, r.refusal = true, fmt.Sprintf("%s (%d of %d served)", r.a.served, served, answered)
	default:
		r.refusedOK, r.refusal = false, fmt.Sprintf("NO (%d of %d)", expected, answered)
	}
}

// measure runs one attack while the victim probes the same server, and
// reads the server's CPU and memory around it.
func measure(ctx context.Context, e *env, a *attack) *row {
	srv := e.dev
	if a.prod {
		srv = e.prod
	}
	r := &row{a: a, srv: srv}
	// The peak (VmHWM) only grows, and the Go runtime keeps memory it
	// took: after an attack took more than the bound, start a fresh
	// process so that the next attack's memory is its own.
	if _, hwm := srv.memory(); hwm >= maxRSS {
		if err := srv.restart(ctx); err != nil {
			r.refusal = "NO (restart failed: " + err.Error() + ")"
			r.judged = true
			return r
		}
		r.notes = append(r.notes, fmt.Sprintf("the server was restarted before this attack: its peak RSS was %s", mb(hwm)))
		srv.probeFor(ctx, &prober{hc: newClient(4), url: srv.base + "/query", token: e.victim.session}, time.Second) // warm up
	}
	// What an earlier attack left running is not this one's cost, nor the
	// victim's idle state.
	if !srv.settle(ctx, 30*time.Second) {
		r.notes = append(r.notes, "the server was still busy 30 s after the previous attack: the idle figures are not idle")
	}
	p := &prober{hc: newClient(4), url: srv.base + "/query", token: e.victim.session}
	// The baseline is measured right before each attack rather than once:
	// on a shared machine the victim's latency drifts over minutes, and a
	// ratio to the moment next to it mostly cancels that.
	r.idle, r.idleRate = srv.probeFor(ctx, p, e.cfg.idle)
	_, r.hwmBefore = srv.memory()
	watch := srv.watchRSS()
	cpu0 := srv.cpu()

	stopVictim := make(chan struct{})
	victimDone := make(chan probeStats)
	go func() { victimDone <- p.run(ctx, stopVictim) }()

	t0 := time.Now()
	if a.run != nil {
		a.run(ctx, e, r)
	} else {
		r.outcomes = flood(ctx, e, a)
	}
	r.window = time.Since(t0)
	close(stopVictim)
	r.victim = <-victimDone
	if !srv.settle(ctx, 60*time.Second) {
		r.notes = append(r.notes, "the server was still busy 60 s after the attack ended: its CPU figures are a lower bound")
	}

	used := srv.cpu() - cpu0
	probes := time.Duration(r.idleRate * float64(r.window))
	r.cpu = max(0, used-probes)
	if n := r.sent(); n > 0 {
		r.cpuPer = r.cpu / time.Duration(n)
	}
	r.rssMax = watch.end()
	_, r.hwm = srv.memory()
	r.judge()
	if !srv.alive() {
		r.refusedOK, r.refusal = false, "NO (the server died)"
	}
	return r
}

// flood sends a.request from a.workers goroutines for the attack duration,
// paced to a.rate, and abandons what is in flight at the end.
func flood(ctx context.Context, e *env, a *attack) []outcome {
	actx, cancel := context.WithTimeout(ctx, e.cfg.attackDuration)
	defer cancel()
	start := time.Now()
	var (
		mu   sync.Mutex
		outs []outcome
		wg   sync.WaitGroup
	)
	for w := range a.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				if a.rate > 0 {
					at := start.Add(time.Duration(float64(i*a.workers+w) / a.rate * float64(time.Second)))
					select {
					case <-actx.Done():
					case <-time.After(time.Until(at)):
					}
				}
				if actx.Err() != nil {
					return
				}
				o := a.request(actx, e, w)
				mu.Lock()
				outs = append(outs, o)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return outs
}

// gqlAttack posts a JSON GraphQL request: anonymous from a new client
// address each time, or with the worker's API key of the attacker.
func gqlAttack(query string, vars map[string]any, anonymous bool) func(context.Context, *env, int) outcome {
	body := mustJSON(map[string]any{"query": query, "variables": vars})
	return rawAttack("application/json", body, anonymous, false)
}

// rawAttack posts body as it is; chunked sends it without a Content-Length.
func rawAttack(contentType string, body []byte, anonymous, chunked bool) func(context.Context, *env, int) outcome {
	return func(ctx context.Context, e *env, w int) outcome {
		srv := e.dev
		h := map[string]string{}
		if anonymous {
			h["X-Forwarded-For"] = nextAddress()
		} else {
			h["Authorization"] = "Bearer " + e.attacker.keys[w%len(e.attacker.keys)]
		}
		var rd io.Reader = bytes.NewReader(body)
		size := int64(len(body))
		if chunked {
			rd, size = struct{ io.Reader }{rd}, -1
		}
		return send(ctx, e.hc, srv.base+"/query", contentType, rd, size, h)
	}
}

// fragmentFanOut is a query whose fragments each spread the next twice:
// under 1 KB, 2^levels paths for a cost check that expands spreads.
func fragmentFanOut(levels int) string {
	var b strings.Builder
	b.WriteString("query { ...F0 }")
	for i := range levels - 1 {
		fmt.Fprintf(&b, " fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1)
	}
	fmt.Fprintf(&b, " fragment F%d on Query { __typename }", levels-1)
	return b.String()
}

func aliases(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: viewer { merchant { name } }", i)
	}
	b.WriteString(" }")
	return b.String()
}

// deepQuery nests customer → invoices 12 times: depth 52.
func deepQuery() string {
	q := "id"
	for range 12 {
		q = "invoices(first: 1) { edges { node { customer { " + q + " } } } }"
	}
	return "{ customers(first: 1) { edges { node { " + q + " } } } }"
}

// hugeBody is a valid query padded with a variable to size bytes.
func hugeBody(size int) []byte {
	b := []byte(`{"query":"{ viewer { merchant { name } } }","variables":{"pad":"`)
	b = append(b, bytes.Repeat([]byte("x"), size)...)
	return append(b, `"}}`...)
}

// attacks returns every attack, in the order they run.
func attacks(e *env) []*attack {
	ids := make([]string, 2000)
	for i := range ids {
		ids[i] = e.attacker.invoice
	}
	huge := hugeBody(10 << 20)
	return []*attack{
		{key: "aliases", name: "10,000 aliases", expect: []string{"QUERY_LIMIT"}, cpuJudged: true, rate: 40, workers: 4,
			request: gqlAttack(aliases(10000), nil, false)},
		{key: "depth", name: "depth 52", expect: []string{"QUERY_LIMIT"}, cpuJudged: true, rate: 40, workers: 4,
			request: gqlAttack(deepQuery(), nil, false)},
		{key: "body", name: "10 MiB body, Content-Length", expect: []string{"QUERY_LIMIT"}, cpuJudged: true, rate: 8, workers: 4,
			request: rawAttack("application/json", huge, false, false)},
		{key: "chunked", name: "10 MiB body, chunked", expect: []string{"QUERY_LIMIT"}, cpuJudged: true, rate: 8, workers: 4,
			request: rawAttack("application/json", huge, false, true)},
		{key: "introspection", name: "introspection (production)", prod: true, expect: []string{"FORBIDDEN"}, cpuJudged: true, rate: 40, workers: 4,
			request: func(ctx context.Context, e *env, _ int) outcome {
				body := mustJSON(map[string]any{"query": `{ __schema { types { name fields { name } } } }`})
				return send(ctx, e.hc, e.prod.base+"/query", "application/json", bytes.NewReader(body), int64(len(body)),
					map[string]string{"X-Forwarded-For": nextAddress()})
			}},
		{key: "fanout", name: "fragment fan-out, 24 levels (anonymous)", expect: []string{"QUERY_LIMIT"}, cpuJudged: true, rate: 40, workers: 4,
			request: gqlAttack(fragmentFanOut(24), nil, true)},
		{key: "nodes", name: "nodes: one invoice id ×2,000, previewHTML", expect: []string{"QUERY_LIMIT"}, cpuJudged: true, rate: 40, workers: 4,
			request: gqlAttack(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on Invoice { previewHTML } } }`, map[string]any{"ids": ids}, false)},
		{key: "preview", name: "invoices(first: 100) { previewHTML }", expect: []string{"QUERY_LIMIT", "RATE_LIMITED"}, servedOK: true, served: "priced", cpuJudged: true, rate: 40, workers: 4,
			request: gqlAttack(`{ invoices(first: 100) { edges { node { previewHTML } } } }`, nil, false)},
		{key: "uploads", name: "parallel 50 MB statement imports", expect: []string{"CONFLICT", "RATE_LIMITED"}, servedOK: true, served: "processed", run: uploads},
		{key: "slowbody", name: "slow bodies (1 byte / 2 s)", run: slowBodies},
		{key: "signin", name: "owner vs attacker sign-in", run: signInRace},
	}
}

// attackKeys are the names -only accepts, in the order attacks runs them.
func attackKeys() []string {
	return []string{"aliases", "depth", "body", "chunked", "introspection", "fanout", "nodes", "preview", "uploads", "slowbody", "signin"}
}
