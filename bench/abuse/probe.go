package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// The victim's two probes: the dashboard's first query, and a small page
// of invoices.
var victimQueries = [][]byte{
	mustJSON(map[string]any{"query": `{ viewer { merchant { name } } }`}),
	mustJSON(map[string]any{"query": `{ invoices(first: 5) { edges { node { id number status total } } } }`}),
}

// probeEvery paces the victim: 30 requests a second, well under the
// per-credential limit, so the victim is never refused for its own rate.
const probeEvery = 33 * time.Millisecond

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// probeStats summarises the victim's requests over a period.
type probeStats struct {
	n        int
	failed   int // no answer, non-200, or errors: all count with their latency
	failure  string
	p50, p99 time.Duration
}

func (p probeStats) String() string {
	if p.n == 0 {
		return "-"
	}
	return ms(p.p50) + " / " + ms(p.p99)
}

// prober is "another merchant" using the API while an attack runs.
type prober struct {
	hc    *http.Client
	url   string
	token string
}

// run probes until stop is closed; each probe may take up to 30 s.
func (p *prober) run(ctx context.Context, stop <-chan struct{}) probeStats {
	var (
		lat []time.Duration
		st  probeStats
	)
	next := time.Now()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return summarise(lat, st)
		case <-ctx.Done():
			return summarise(lat, st)
		case <-time.After(time.Until(next)):
		}
		next = time.Now().Add(probeEvery)
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		t0 := time.Now()
		req, _ := http.NewRequestWithContext(rctx, http.MethodPost, p.url, bytes.NewReader(victimQueries[i%len(victimQueries)]))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+p.token)
		o := outcome{}
		res, err := p.hc.Do(req)
		if err == nil {
			o.status = res.StatusCode
			o.code, err = errorCode(res.Body)
			res.Body.Close()
		}
		o.err = err
		d := time.Since(t0)
		cancel()
		if ctx.Err() != nil {
			return summarise(lat, st)
		}
		lat = append(lat, d)
		if !o.served() {
			st.failed++
			if st.failure == "" {
				st.failure = o.label()
			}
		}
	}
}

func summarise(lat []time.Duration, st probeStats) probeStats {
	st.n = len(lat)
	if st.n == 0 {
		return st
	}
	slices.Sort(lat)
	st.p50 = percentile(lat, 0.50)
	st.p99 = percentile(lat, 0.99)
	return st
}

// percentile of sorted values, nearest rank.
func percentile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// probeFor runs the victim alone for d: the idle figures. It returns them
// and the server's CPU rate meanwhile (CPU seconds per second).
func (s *server) probeFor(ctx context.Context, p *prober, d time.Duration) (probeStats, float64) {
	stop := make(chan struct{})
	time.AfterFunc(d, func() { close(stop) })
	cpu0, t0 := s.cpu(), time.Now()
	st := p.run(ctx, stop)
	return st, float64(s.cpu()-cpu0) / float64(time.Since(t0))
}

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond).String()
	default:
		return d.Round(10 * time.Microsecond).String()
	}
}
