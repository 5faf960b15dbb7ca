// Command load drives a running Tally over HTTP and websockets the way many
// merchants and their payers would, measures every operation, and then
// checks in PostgreSQL that nothing acknowledged was lost and no money or
// email was counted twice. With -start it builds Tally and runs it on a
// fresh database; with -crash it also kills the server every few seconds
// and restarts it, while the clients retry with the same Idempotency-Key.
//
//	go run ./bench/load -start -clients=200 -duration=60s
//	go run ./bench/load -start -crash=5s
//	DATABASE_URL=postgres://… go run ./bench/load -url=http://127.0.0.1:8080
//
// bench/README.md describes what it does and what it found.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "github.com/lib/pq"
)

type config struct {
	clients     int
	duration    time.Duration
	url         string
	start       bool
	crash       time.Duration
	keep        bool
	customers   int
	think       time.Duration
	sendRatio   float64
	seed        int64
	retryFor    time.Duration
	pgAdmin     string
	databaseURL string
	bin         string
	signUps     int
	dup         float64
	timeline    bool
}

func main() {
	os.Exit(run())
}

func run() int {
	var cfg config
	flag.IntVar(&cfg.clients, "clients", 200, "virtual clients, each its own merchant with its own X-Forwarded-For address")
	flag.DurationVar(&cfg.duration, "duration", 60*time.Second, "how long clients start new invoices")
	flag.StringVar(&cfg.url, "url", "", "target an already running Tally at this URL instead of starting one")
	flag.BoolVar(&cfg.start, "start", false, "build Tally and start it on a free port and a fresh PostgreSQL database")
	flag.DurationVar(&cfg.crash, "crash", 0, "with -start: SIGKILL and restart the server about this often (jittered 0.6–1.4×); 0: never")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the database -start created (its name is printed)")
	flag.IntVar(&cfg.customers, "customers", 5, "customers each client creates")
	flag.DurationVar(&cfg.think, "think", 0, "mean pause between a client's invoices (uniform in 0–2×)")
	flag.Float64Var(&cfg.sendRatio, "send", 0.3, "share of invoices issued with send: true (an email each)")
	flag.Float64Var(&cfg.dup, "dup", 0.02, "share of authenticated mutations also sent a second time at once with the same Idempotency-Key")
	flag.BoolVar(&cfg.timeline, "timeline", false, "print, per second, how many attempts took over 10× their operation's p50 (is the tail spread out or a few stalls?)")
	flag.IntVar(&cfg.signUps, "signup-concurrency", 8, "sign-ups at a time during set-up (bcrypt is CPU-bound)")
	flag.Int64Var(&cfg.seed, "seed", time.Now().UnixNano(), "random seed of the clients' choices")
	flag.DurationVar(&cfg.retryFor, "retry-for", 60*time.Second, "how long one request keeps retrying (network errors, 5xx, RATE_LIMITED, retryable CONFLICT)")
	flag.StringVar(&cfg.pgAdmin, "pg", "postgres://postgres@127.0.0.1:5432/?sslmode=disable", "with -start: PostgreSQL server to create the run's database on")
	flag.StringVar(&cfg.bin, "bin", "", "with -start: run this tally binary instead of building ./server into .tmp/tally")
	flag.StringVar(&cfg.databaseURL, "database-url", os.Getenv("DATABASE_URL"), "with -url: the target's database, for the invariant checks (default $DATABASE_URL)")
	flag.Parse()
	if cfg.crash > 0 {
		cfg.start = true
	}
	if cfg.start == (cfg.url != "") {
		fmt.Fprintln(os.Stderr, "load: give either -start (or -crash) to run Tally here, or -url to target a running one")
		return 2
	}
	if cfg.clients < 1 || cfg.clients > 65000 || cfg.customers < 1 {
		fmt.Fprintln(os.Stderr, "load: -clients must be 1..65000 and -customers at least 1")
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	var suffix [2]byte
	_, _ = rand.Read(suffix[:])
	runID := time.Now().UTC().Format("20060102_150405") + "_" + hex.EncodeToString(suffix[:])

	base := strings.TrimRight(cfg.url, "/")
	dbURL := cfg.databaseURL
	var r *runner
	if cfg.start {
		var err error
		if r, err = newRunner(cfg.pgAdmin, runID); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			return 1
		}
		if cfg.bin != "" {
			r.bin = cfg.bin
		} else {
			fmt.Printf("building %s\n", r.bin)
			if err := r.build(); err != nil {
				fmt.Fprintln(os.Stderr, "load:", err)
				return 1
			}
		}
		defer func() {
			r.stop()
			if r.dataDir != "" {
				_ = os.RemoveAll(r.dataDir)
			}
			if cfg.keep {
				fmt.Printf("kept database %s (%s)\n", r.dbName, r.dbURL)
				return
			}
			dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := r.dropDatabase(dctx); err != nil {
				fmt.Fprintf(os.Stderr, "load: dropping %s: %v\n", r.dbName, err)
			}
		}()
		if err := r.createDatabase(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			return 1
		}
		if err := r.start(); err != nil {
			fmt.Fprintln(os.Stderr, "load: starting tally:", err)
			return 1
		}
		if err := r.waitHealthy(ctx, 90*time.Second); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			return 1
		}
		base, dbURL = r.base, r.dbURL
	}

	mode := "no crashes"
	if cfg.crash > 0 {
		mode = fmt.Sprintf("SIGKILL + restart every ~%s (%s–%s)", cfg.crash, time.Duration(0.6*float64(cfg.crash)), time.Duration(1.4*float64(cfg.crash)))
	}
	fmt.Printf("Tally load: %d clients × %s against %s; %s\n", cfg.clients, cfg.duration, base, mode)
	if r != nil {
		fmt.Printf("  server: %s, database %s, log %s\n", r.bin, r.dbName, r.logPath)
	}
	fmt.Printf("  %d customers per client, %.0f%% of invoices sent, think %s, seed %d; %d CPUs, load average %s\n",
		cfg.customers, 100*cfg.sendRatio, cfg.think, cfg.seed, runtime.NumCPU(), loadAvg())

	st := newStats()
	rq := newRequester(base, cfg.clients, st, cfg.retryFor)
	a := newAcks()
	cnt := &counters{}
	runTag := byte(1 + mrand.IntN(254)) //nolint:gosec // a tag telling runs apart, not a secret

	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	subCtx, stopSubs := context.WithCancel(ctx)
	defer stopSubs()

	// Set-up, in two steps so that each runs at one level of concurrency:
	// every client signs up (bcrypt is CPU-bound: a few at a time), then
	// all at once create their API key, wallet and customers and open
	// their subscription.
	setupStart := time.Now()
	all := make([]*vclient, cfg.clients)
	tokens := make([]string, cfg.clients)
	var setupWG, subWG sync.WaitGroup
	signUpSlots := make(chan struct{}, max(1, cfg.signUps))
	for i := range all {
		all[i] = newVClient(i, runTag, rq, a, cnt, &cfg, runID)
		setupWG.Add(1)
		go func() {
			defer setupWG.Done()
			select {
			case signUpSlots <- struct{}{}:
			case <-loadCtx.Done():
				return
			}
			defer func() { <-signUpSlots }()
			tok, err := all[i].signUp(loadCtx)
			if err == nil {
				tokens[i] = tok
			}
		}()
	}
	setupWG.Wait()
	var clients []*vclient
	var mu sync.Mutex
	for i, c := range all {
		if tokens[i] == "" {
			cnt.clientsGaveUp.Add(1)
			continue
		}
		setupWG.Add(1)
		go func() {
			defer setupWG.Done()
			if err := c.setUp(loadCtx, tokens[i]); err != nil {
				cnt.clientsGaveUp.Add(1)
				return
			}
			mu.Lock()
			clients = append(clients, c)
			mu.Unlock()
		}()
	}
	setupWG.Wait()
	for _, c := range clients {
		subWG.Add(1)
		go func() {
			defer subWG.Done()
			c.subscribe(subCtx)
		}()
	}
	// Let the subscriptions open before the load begins.
	for deadline := time.Now().Add(30 * time.Second); cnt.subConnects.Load() < int64(len(clients)) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	setupElapsed := time.Since(setupStart)
	fmt.Printf("  set-up: %d of %d clients signed up with API key, wallet and customers in %s\n", len(clients), cfg.clients, setupElapsed.Round(time.Millisecond))
	_, setupOK, _, _, _, _, _ := st.totals()
	st.startLoad()

	start := time.Now()
	deadline := start.Add(cfg.duration)
	var crashWG sync.WaitGroup
	crashCtx, stopCrash := context.WithDeadline(ctx, deadline)
	defer stopCrash()
	if cfg.crash > 0 {
		crashWG.Add(1)
		go func() {
			defer crashWG.Done()
			r.crashLoop(crashCtx, cfg.crash)
		}()
	}

	progressDone := make(chan struct{})
	go func() {
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-progressDone:
				return
			case <-t.C:
				attempts, ok, failed, retries, transport, h5xx, _ := st.totals()
				kills := 0
				if r != nil {
					r.mu.Lock()
					kills = r.kills
					r.mu.Unlock()
				}
				fmt.Printf("  %5.0fs: %d ok, %d failed, %d attempts (%d retried, %d transport errors, %d 5xx), %d invoices issued, %d events, %d kills\n",
					time.Since(start).Seconds(), ok, failed, attempts, retries, transport, h5xx, cnt.invoicesIssued.Load(), cnt.subEvents.Load(), kills)
			}
		}
	}()

	var clientsWG sync.WaitGroup
	for _, c := range clients {
		clientsWG.Add(1)
		go func() {
			defer clientsWG.Done()
			c.loop(loadCtx, deadline)
		}()
	}
	clientsWG.Wait()
	elapsed := time.Since(start)
	stopCrash()
	crashWG.Wait()
	// Let the last status events arrive: until every acknowledged change
	// was delivered, or none came for 5 s (at most a minute).
	drainStart := time.Now()
	for last, quiet := cnt.subEvents.Load(), time.Now(); time.Since(drainStart) < time.Minute; {
		time.Sleep(250 * time.Millisecond)
		n := cnt.subEvents.Load()
		if n >= cnt.statusChangesAck.Load() || time.Since(quiet) > 5*time.Second {
			break
		}
		if n != last {
			last, quiet = n, time.Now()
		}
	}
	drained := time.Since(drainStart)
	stopSubs()
	subWG.Wait()
	close(progressDone)

	fmt.Println()
	fmt.Printf("Results: %d clients, set-up %s, then %s of load (%s until the last client finished); load average now %s\n\n",
		cfg.clients, setupElapsed.Round(time.Millisecond), cfg.duration, elapsed.Round(time.Millisecond), loadAvg())
	ratios := st.table(elapsed)
	_, ok, failed, retries, transport, h5xx, h4xx := st.totals()
	fmt.Println()
	loadAttempts := st.loadAttempts()
	fmt.Printf("throughput (load phase): %d operations ok in %s = %.1f ops/s; %d HTTP attempts = %.1f/s\n",
		ok-setupOK, elapsed.Round(time.Millisecond), float64(ok-setupOK)/elapsed.Seconds(), loadAttempts, float64(loadAttempts)/elapsed.Seconds())
	fmt.Printf("errors: %d operations failed for good; attempts: %d transport, %d HTTP 5xx, %d HTTP 4xx; %d attempts retried\n", failed, transport, h5xx, h4xx, retries)
	fmt.Printf("invoices: %d issued in %d iterations; paid by card %d, wallet transfer %d, recordCollection %d, markInvoicePaid %d\n",
		cnt.invoicesIssued.Load(), cnt.iterations.Load(), cnt.paidCard.Load(), cnt.paidWallet.Load(), cnt.paidCollection.Load(), cnt.paidManual.Load())
	if n := cnt.payUnconfirmed.Load() + cnt.collectionMisses.Load() + cnt.transferUnmatched.Load() + cnt.clientsGaveUp.Load(); n > 0 {
		fmt.Printf("  checkout payments not PAID within 10 s: %d; collections not allocated to their invoice: %d; transfers unmatched: %d; clients that could not set up: %d\n",
			cnt.payUnconfirmed.Load(), cnt.collectionMisses.Load(), cnt.transferUnmatched.Load(), cnt.clientsGaveUp.Load())
	}
	if n := cnt.interrupted.Load() + cnt.recoveredByRead.Load() + cnt.redone.Load(); n > 0 {
		fmt.Printf("idempotency: %d retries refused as interrupted (the first attempt died with the server); %d found done by a read; %d sent again under a new key\n",
			cnt.interrupted.Load(), cnt.recoveredByRead.Load(), cnt.redone.Load())
	}
	fmt.Printf("subscriptions: %d events received for %d status changes acknowledged to the clients (issued, paid); %d connects, %d drops\n",
		cnt.subEvents.Load(), cnt.statusChangesAck.Load(), cnt.subConnects.Load(), cnt.subDrops.Load())
	if len(cnt.lags) > 0 {
		lags := slices.Clone(cnt.lags)
		slices.Sort(lags)
		fmt.Printf("  delivery lag (event's at to its arrival): p50 %s, p99 %s, max %s; waited %s after the load for the last events\n",
			ms(percentile(lags, 0.5)), ms(percentile(lags, 0.99)), ms(lags[len(lags)-1]), drained.Round(time.Millisecond))
	}
	if len(cnt.dropCause) > 0 {
		for msg, n := range cnt.dropCause {
			fmt.Printf("  dropped %d×: %s\n", n, msg)
		}
	}
	if r != nil && cfg.crash > 0 {
		r.mu.Lock()
		out := slices.Clone(r.outages)
		kills := r.kills
		r.mu.Unlock()
		slices.Sort(out)
		fmt.Printf("crash: %d SIGKILLs, %d restarts; outage (kill to healthy) p50 %s max %s; %d requests retried; sandbox orders lost to restarts: %d\n",
			kills, len(out), ms(percentile(out, 0.5)), ms(percentile(out, 1)), rq.retried.Load(), cnt.sandboxLost.Load())
	} else {
		fmt.Printf("retries: %d requests retried\n", rq.retried.Load())
	}
	fmt.Printf("operations that needed more than one attempt: %s\n", st.resolution())
	dupBad := 0
	for _, n := range cnt.dupBad {
		dupBad += n
	}
	fmt.Printf("concurrent duplicates (same Idempotency-Key, same body, sent together): %d pairs, %d not answered as one request\n", cnt.dupSent.Load(), dupBad)
	for op, n := range cnt.dupBad {
		fmt.Printf("  %s %d×: %s\n", op, n, cnt.dupSample[op])
	}
	st.errorSamples()
	if cfg.timeline {
		st.slowTimeline()
	}

	// Stop a server we started, so the database is still while it is checked.
	if r != nil {
		r.stop()
	}
	fmt.Println()
	violations := -1
	if dbURL == "" {
		fmt.Println("invariants: NOT CHECKED (give -database-url or set DATABASE_URL with -url)")
	} else {
		fmt.Println("invariants (PostgreSQL):")
		ictx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		checks, err := checkInvariants(ictx, dbURL, a)
		cancel()
		if err != nil {
			fmt.Println("  could not check:", err)
		} else {
			violations = printChecks(checks)
		}
	}
	if r != nil {
		if ls, err := scanLog(r.logPath); err == nil {
			fmt.Printf("\nserver log %s: %d ERROR lines, %d WARN lines\n", r.logPath, ls.errors, ls.warns)
			ls.print(15)
		}
	}

	internal := 0
	st.mu.Lock()
	for _, o := range st.ops {
		internal += o.codes["INTERNAL"]
	}
	st.mu.Unlock()
	var tails []string
	tailsOK := true
	for _, rr := range ratios {
		if !rr.considered {
			continue
		}
		mark := ""
		if rr.ratio >= 10 {
			mark, tailsOK = "!", false
		}
		tails = append(tails, fmt.Sprintf("%s %.1f%s", rr.op, rr.ratio, mark))
	}
	// Under -crash, latency is dominated by the outages: the crash test is
	// judged by what survived it, not by its tail (printed all the same).
	tailsJudged := tailsOK || cfg.crash > 0
	pass := h5xx == 0 && internal == 0 && violations == 0 && dupBad == 0 && tailsJudged && ok > 0
	verdict := "PASS"
	if !pass {
		verdict = "FAIL"
	}
	vs := fmt.Sprint(violations)
	if violations < 0 {
		vs = "not checked"
	}
	judged := ""
	if cfg.crash > 0 {
		judged = " [not judged under -crash]"
	}
	fmt.Printf("\nVERDICT: %s — HTTP 5xx: %d, GraphQL INTERNAL: %d, invariant violations: %s, duplicates not run once: %d, p99/p50 < 10 per op: %v%s (%s)\n",
		verdict, h5xx, internal, vs, dupBad, tailsOK, judged, strings.Join(tails, ", "))
	if !pass {
		return 1
	}
	return 0
}

// loadAvg is the machine's 1, 5 and 15 minute load average: what else ran
// moves the latencies more than anything.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
