package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// target is one side of a comparison: an endpoint and the request to send.
type target struct {
	name    string
	url     string
	header  http.Header
	body    []byte
	checker func(status int, body []byte) error
}

// roundResult is what one side did in one timed round.
type roundResult struct {
	requests  int
	elapsed   time.Duration
	latencies []time.Duration
	errors    int
	firstErr  error
}

func (r roundResult) perSecond() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// hammer sends requests to tg from concurrency workers, each waiting for one
// response before sending the next (a closed loop), for d.
func hammer(client *http.Client, tg target, concurrency int, d time.Duration) roundResult {
	ctx, cancel := context.WithTimeout(context.Background(), d+30*time.Second)
	defer cancel()
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		out roundResult
	)
	start := time.Now()
	deadline := start.Add(d)
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var (
				buf  bytes.Buffer
				lats = make([]time.Duration, 0, 4096)
				errs int
				ferr error
			)
			for time.Now().Before(deadline) {
				t0 := time.Now()
				err := roundTrip(ctx, client, tg, &buf)
				lats = append(lats, time.Since(t0))
				if err != nil {
					errs++
					if ferr == nil {
						ferr = err
					}
				}
			}
			mu.Lock()
			out.latencies = append(out.latencies, lats...)
			out.errors += errs
			if out.firstErr == nil {
				out.firstErr = ferr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	out.elapsed = time.Since(start)
	out.requests = len(out.latencies)
	return out
}

func roundTrip(ctx context.Context, client *http.Client, tg target, buf *bytes.Buffer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tg.url, bytes.NewReader(tg.body))
	if err != nil {
		return err
	}
	req.Header = tg.header.Clone() // the transport may add to it
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", tg.name, err)
	}
	buf.Reset()
	_, err = io.Copy(buf, resp.Body)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("%s: read body: %w", tg.name, err)
	}
	if err := tg.checker(resp.StatusCode, buf.Bytes()); err != nil {
		return fmt.Errorf("%s: %w", tg.name, err)
	}
	return nil
}

// sideStats summarises one side over all measured rounds.
type sideStats struct {
	perSecond []float64 // one per round
	latencies []time.Duration
	requests  int
	errors    int
	firstErr  error
	cpu       cpuTimes // used during the rounds
	cpuRounds int      // rounds whose CPU could be read
}

// round runs one timed round of tg and adds it, with the CPU it used.
func (s *sideStats) round(client *http.Client, tg target, concurrency int, d time.Duration, serverPID int) {
	before, ok := readCPU(serverPID)
	r := hammer(client, tg, concurrency, d)
	if after, ok2 := readCPU(serverPID); ok && ok2 {
		s.cpu = s.cpu.add(after.sub(before))
		s.cpuRounds++
	}
	s.add(r)
}

func (s *sideStats) add(r roundResult) {
	s.perSecond = append(s.perSecond, r.perSecond())
	s.latencies = append(s.latencies, r.latencies...)
	s.requests += r.requests
	s.errors += r.errors
	if s.firstErr == nil {
		s.firstErr = r.firstErr
	}
}

func (s *sideStats) hasCPU() bool { return s.cpuRounds > 0 && s.cpuRounds == len(s.perSecond) }

// cpuPerRequest is the CPU a request cost: in the server, in this process,
// and in the rest of the machine.
func (s *sideStats) cpuPerRequest() (server, self, rest time.Duration) {
	n := time.Duration(max(s.requests, 1))
	return s.cpu.server / n, s.cpu.self / n, (s.cpu.machine - s.cpu.server - s.cpu.self) / n
}

// medianPerSecond is the middle round's rate: one noisy round (a GC pause,
// autovacuum, another process) does not move it.
func (s *sideStats) medianPerSecond() float64 { return median(s.perSecond) }

// pairedRatio is the median over rounds of a's rate divided by b's in the
// same round. The two sides of a round run back to back, so a slow spell of
// the machine (which moves both sides' rates by half on a shared 2-core
// machine) mostly cancels out in each round's ratio.
func pairedRatio(a, b *sideStats) float64 {
	n := min(len(a.perSecond), len(b.perSecond))
	ratios := make([]float64, 0, n)
	for i := range n {
		if b.perSecond[i] > 0 {
			ratios = append(ratios, a.perSecond[i]/b.perSecond[i])
		}
	}
	return median(ratios)
}

func median(v []float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	n := len(v)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// percentile returns the q-quantile (0..1) of the latencies, nearest rank.
func (s *sideStats) percentile(q float64) time.Duration {
	if len(s.latencies) == 0 {
		return 0
	}
	v := slices.Clone(s.latencies)
	slices.Sort(v)
	i := int(q*float64(len(v))+0.5) - 1
	return v[min(max(i, 0), len(v)-1)]
}
