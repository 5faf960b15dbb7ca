package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// Error classes of one attempt.
const (
	classTransport = "transport" // no HTTP response: refused, reset, timeout
	class5xx       = "5xx"
	class4xx       = "4xx"
)

// attempt is what one HTTP request of an operation came to.
type attempt struct {
	latency  time.Duration
	class    string // "" when the request succeeded; transport, 5xx, 4xx or "gql"
	status   int    // HTTP status, 0 on a transport error
	code     string // GraphQL extensions.code of the first error, if any
	message  string // what went wrong, for the error samples
	retrying bool   // another attempt with the same key follows
}

// opStats is everything measured for one operation type.
type opStats struct {
	attempts     int
	ok           int // operations that finally succeeded
	okBeforeLoad int
	failed       int // operations that finally failed (after any retries)
	ambiguous    int // of those, how many had an earlier attempt whose effect is unknown
	// interrupted: ended with "the first attempt was interrupted" (its
	// effect unknown until the client looks); not counted as failed.
	interrupted int
	retries     int
	transport   int
	http5xx     int
	http4xx     int
	codes       map[string]int
	latencies   []time.Duration // of successful attempts
	ends        []time.Duration // when each of them ended, since the start
	samples     map[string]string
}

// stats collects measurements from every virtual client.
type stats struct {
	mu    sync.Mutex
	ops   map[string]*opStats
	start time.Time
	// loadStart is when the load phase began (after set-up); the ok/s
	// column counts operations from then on.
	loadStart     time.Time
	setupAttempts int
	// resolved: how long operations that needed more than one attempt took
	// from their first attempt to their outcome.
	resolved []time.Duration
}

func (s *stats) noteResolved(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resolved = append(s.resolved, d)
}

// resolution summarises how long retried operations took to resolve.
func (s *stats) resolution() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.resolved) == 0 {
		return "none"
	}
	r := slices.Clone(s.resolved)
	slices.Sort(r)
	return fmt.Sprintf("%d, first attempt to outcome p50 %s, p99 %s, max %s", len(r), ms(percentile(r, 0.5)), ms(percentile(r, 0.99)), ms(r[len(r)-1]))
}

func (s *stats) startLoad() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loadStart = time.Now()
	for _, o := range s.ops {
		s.setupAttempts += o.attempts
		o.okBeforeLoad = o.ok
	}
}

// loadAttempts counts the attempts made since the load phase began.
func (s *stats) loadAttempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, o := range s.ops {
		n += o.attempts
	}
	return n - s.setupAttempts
}

func newStats() *stats { return &stats{ops: map[string]*opStats{}, start: time.Now()} }

func (s *stats) op(name string) *opStats {
	o := s.ops[name]
	if o == nil {
		o = &opStats{codes: map[string]int{}, samples: map[string]string{}}
		s.ops[name] = o
	}
	return o
}

// record adds one attempt of op.
func (s *stats) record(op string, a attempt) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.op(op)
	o.attempts++
	if a.retrying {
		o.retries++
	}
	switch {
	case a.class == "":
		o.latencies = append(o.latencies, a.latency)
		o.ends = append(o.ends, time.Since(s.start))
		return
	case a.class == classTransport:
		o.transport++
	case a.status >= 500:
		o.http5xx++
	case a.status >= 400:
		o.http4xx++
	}
	if a.code != "" {
		o.codes[a.code]++
	}
	key := a.class
	if a.code != "" {
		key = a.code
	}
	if _, ok := o.samples[key]; !ok && a.message != "" {
		o.samples[key] = a.message
	}
}

// finish records how an operation ended, after its retries. interrupted:
// the server refused the retry because the first attempt died with it; the
// client then finds out what happened and, if need be, sends the operation
// again under a new key (a new operation).
func (s *stats) finish(op string, ok, ambiguous, interrupted bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.op(op)
	switch {
	case ok:
		o.ok++
	case interrupted:
		o.interrupted++
	default:
		o.failed++
		if ambiguous {
			o.ambiguous++
		}
	}
}

// totals sums over every operation.
func (s *stats) totals() (attempts, ok, failed, retries, transport, h5xx, h4xx int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.ops {
		attempts += o.attempts
		ok += o.ok
		failed += o.failed
		retries += o.retries
		transport += o.transport
		h5xx += o.http5xx
		h4xx += o.http4xx
	}
	return
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }

// minRatioSamples is how many successful attempts an operation needs before
// its p99/p50 ratio counts towards the verdict: the 99th percentile of a
// handful of samples is its maximum.
const minRatioSamples = 100

// ratioResult is one operation's tail ratio.
type ratioResult struct {
	op         string
	p50, p99   time.Duration
	ratio      float64
	n          int
	considered bool
}

// table prints the per-operation table and returns the operations' ratios.
func (s *stats) table(elapsed time.Duration) []ratioResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := slices.Sorted(maps.Keys(s.ops))
	fmt.Printf("%-30s %7s %7s %6s %6s %6s %5s %5s %9s %9s %9s %8s  %s\n",
		"operation", "ops", "ok/s", "failed", "retry", "transp", "5xx", "4xx", "p50", "p99", "max", "p99/p50", "GraphQL error codes (all attempts)")
	var out []ratioResult
	var totalOK int
	for _, name := range names {
		o := s.ops[name]
		lat := slices.Clone(o.latencies)
		slices.Sort(lat)
		p50, p99 := percentile(lat, 0.50), percentile(lat, 0.99)
		var mx time.Duration
		if len(lat) > 0 {
			mx = lat[len(lat)-1]
		}
		ratio := 0.0
		if p50 > 0 {
			ratio = float64(p99) / float64(p50)
		}
		r := ratioResult{op: name, p50: p50, p99: p99, ratio: ratio, n: len(lat), considered: len(lat) >= minRatioSamples}
		out = append(out, r)
		var codes []string
		for _, c := range slices.Sorted(maps.Keys(o.codes)) {
			codes = append(codes, fmt.Sprintf("%s:%d", c, o.codes[c]))
		}
		ratioStr := fmt.Sprintf("%.1f", ratio)
		if !r.considered {
			ratioStr += "*"
		}
		failed := fmt.Sprint(o.failed)
		if o.ambiguous > 0 {
			failed = fmt.Sprintf("%d(%d?)", o.failed, o.ambiguous)
		}
		fmt.Printf("%-30s %7d %7.1f %6s %6d %6d %5d %5d %9s %9s %9s %8s  %s\n",
			name, o.ok+o.failed+o.interrupted, float64(o.ok-o.okBeforeLoad)/elapsed.Seconds(), failed, o.retries, o.transport, o.http5xx, o.http4xx,
			ms(p50), ms(p99), ms(mx), ratioStr, strings.Join(codes, " "))
		totalOK += o.ok
	}
	fmt.Printf("ops: operations finished (ok + failed + CONFLICT(interrupted)), set-up included; ok/s: in the load phase; retry/transp/5xx/4xx count attempts; latencies are of successful attempts;\n")
	fmt.Printf("failed N(M?): M of the N had an earlier attempt whose effect is unknown; * fewer than %d samples, ratio not judged\n", minRatioSamples)
	return out
}

// errorSamples prints one message per operation and error class.
func (s *stats) errorSamples() {
	s.mu.Lock()
	defer s.mu.Unlock()
	first := true
	for _, name := range slices.Sorted(maps.Keys(s.ops)) {
		o := s.ops[name]
		for _, k := range slices.Sorted(maps.Keys(o.samples)) {
			if first {
				fmt.Println("error samples (first of each kind):")
				first = false
			}
			fmt.Printf("  %-30s %-21s %s\n", name, k, truncate(o.samples[k], 200))
		}
	}
}

func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// slowTimeline prints, per second of the run, how many successful attempts
// took more than 10× their operation's p50: whether the tail is spread out
// or a few stalls.
func (s *stats) slowTimeline() {
	s.mu.Lock()
	defer s.mu.Unlock()
	perSec := map[int]int{}
	total := map[int]int{}
	last := 0
	for _, o := range s.ops {
		lat := slices.Clone(o.latencies)
		slices.Sort(lat)
		p50 := percentile(lat, 0.5)
		for i, l := range o.latencies {
			sec := int(o.ends[i] / time.Second)
			total[sec]++
			last = max(last, sec)
			if l > 10*p50 {
				perSec[sec]++
			}
		}
	}
	fmt.Print("attempts slower than 10× their p50, per second of the run (slow/all):")
	for sec := 0; sec <= last; sec++ {
		if sec%10 == 0 {
			fmt.Printf("\n  %3ds:", sec)
		}
		fmt.Printf(" %d/%d", perSec[sec], total[sec])
	}
	fmt.Println()
}
