// Command abuse attacks a real Tally the way issue #12's outside attacker
// did, while another merchant keeps using the API, and prints for each
// attack whether it was refused, the server CPU it cost, the other
// merchant's latency meanwhile, and the server's memory.
//
//	go run ./bench/abuse -start                 # make abuse
//	go run ./bench/abuse -start -only=fanout,nodes -strict=false
//
// It builds ./server, starts it against a fresh PostgreSQL database in
// development (and, for the attacks that need it, a second process in
// production), and exits non-zero when a goal is missed (unless
// -strict=false). bench/README.md says how to read the table.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/tally-invoicing/tally/bench/internal/tallyproc"
)

// The goals of issue #12.
const (
	maxCPUPerAttack = 50 * time.Millisecond
	maxP99Ratio     = 3.0
	maxRSS          = 300 << 20
)

type config struct {
	start          bool
	attackDuration time.Duration
	signInDuration time.Duration
	idle           time.Duration
	only           map[string]bool
	strict         bool
	pg             string
	bin            string
	uploads        int
	uploadMB       int
	uploadTimeout  time.Duration
	slowConns      int
	slowBudget     time.Duration
	slowLimit      time.Duration
	p99Floor       time.Duration
}

func main() {
	os.Exit(run())
}

func run() int {
	var cfg config
	var only string
	flag.BoolVar(&cfg.start, "start", true, "build Tally and start it on a free port and a fresh PostgreSQL database (the only mode: the figures come from the server's /proc entry)")
	flag.DurationVar(&cfg.attackDuration, "attack-duration", 5*time.Second, "how long each flood attack runs")
	flag.DurationVar(&cfg.signInDuration, "signin-duration", 60*time.Second, "how long the attacker guesses the owner's password (issue #12 used 150s)")
	flag.DurationVar(&cfg.idle, "idle", 2*time.Second, "how long the victim is measured alone right before each attack (its idle p50/p99)")
	flag.StringVar(&only, "only", "", "comma-separated attacks to run (default all): "+strings.Join(attackKeys(), ","))
	flag.BoolVar(&cfg.strict, "strict", true, "exit 1 when a goal is missed; false: only report")
	flag.StringVar(&cfg.pg, "pg", "postgres://postgres@127.0.0.1:5432/?sslmode=disable", "PostgreSQL server to create the run's database on")
	flag.StringVar(&cfg.bin, "bin", "", "run this tally binary instead of building ./server into .tmp/tally")
	flag.IntVar(&cfg.uploads, "uploads", 4, "statement imports sent at once")
	flag.IntVar(&cfg.uploadMB, "upload-mb", 50, "size of each statement, MiB (the server accepts up to 50)")
	flag.DurationVar(&cfg.uploadTimeout, "upload-timeout", 90*time.Second, "how long the imports may take")
	flag.IntVar(&cfg.slowConns, "slow-conns", 5, "slow-body connections")
	flag.DurationVar(&cfg.slowBudget, "slow-budget", 45*time.Second, "how long the slow-body attack keeps its connections open at most")
	flag.DurationVar(&cfg.slowLimit, "slow-limit", 20*time.Second, "a slow body must be cut off within this")
	flag.DurationVar(&cfg.p99Floor, "p99-floor", 20*time.Millisecond, "for the latency goal, a victim p99 under this counts as this: on a shared machine a spike of a few ms is noise, not an attack's effect")
	flag.Parse()
	if !cfg.start {
		fmt.Fprintln(os.Stderr, "abuse: only -start is supported: the CPU and memory figures are read from the server process's /proc entry")
		return 2
	}
	if runtime.GOOS != "linux" {
		fmt.Fprintln(os.Stderr, "abuse: needs Linux (/proc/<pid>/stat and status)")
		return 2
	}
	if only != "" {
		cfg.only = map[string]bool{}
		for _, k := range strings.Split(only, ",") {
			k = strings.TrimSpace(k)
			if !slices.Contains(attackKeys(), k) {
				fmt.Fprintf(os.Stderr, "abuse: -only: no attack %q; choose from %s\n", k, strings.Join(attackKeys(), ","))
				return 2
			}
			cfg.only[k] = true
		}
	}
	if cfg.attackDuration <= 0 || cfg.signInDuration <= 0 || cfg.idle <= 0 || cfg.uploads < 1 || cfg.uploadMB < 1 || cfg.slowConns < 1 {
		fmt.Fprintln(os.Stderr, "abuse: durations and counts must be positive")
		return 2
	}
	selected := func(key string) bool { return cfg.only == nil || cfg.only[key] }

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	root, err := tallyproc.ModuleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "abuse:", err)
		return 1
	}
	bin := cfg.bin
	if bin == "" {
		bin = filepath.Join(root, ".tmp", "tally")
		fmt.Printf("building %s\n", bin)
		if err := tallyproc.Build(root, bin); err != nil {
			fmt.Fprintln(os.Stderr, "abuse:", err)
			return 1
		}
	}
	var suffix [2]byte
	_, _ = rand.Read(suffix[:])
	runID := time.Now().UTC().Format("20060102_150405") + "_" + hex.EncodeToString(suffix[:])
	db, err := tallyproc.NewDatabase(cfg.pg, "tally_abuse_"+runID)
	if err != nil {
		fmt.Fprintln(os.Stderr, "abuse: -pg:", err)
		return 1
	}
	if err := db.Create(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "abuse:", err)
		return 1
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := db.Drop(dctx); err != nil {
			fmt.Fprintf(os.Stderr, "abuse: dropping %s: %v\n", db.Name, err)
		}
	}()

	e := &env{cfg: &cfg, hc: newClient(16)}
	e.dev, err = startServer(ctx, bin, root, "development", db.URL, runID)
	if err != nil {
		fmt.Fprintln(os.Stderr, "abuse:", err)
		return 1
	}
	defer e.dev.stop()

	setupStart := time.Now()
	c := caller{hc: newClient(8), base: e.dev.base}
	c.xff = "10.61.0.1"
	if e.victim, err = signUp(ctx, c, "Victim Trading Co", "owner-"+runID+"@victim.example"); err == nil {
		err = seed(ctx, c, e.victim, 0, 0)
	}
	if err == nil {
		c.xff = "10.61.0.2"
		e.attacker, err = signUp(ctx, c, "Mallory Ventures", "mallory-"+runID+"@attacker.example")
	}
	if err == nil {
		drafts := 0
		if selected("preview") {
			drafts = 99 // with the issued one: a page of 100
		}
		err = seed(ctx, c, e.attacker, drafts, 4)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "abuse: set-up: %v (server log %s)\n", err, e.dev.logPath)
		return 1
	}
	if selected("introspection") {
		if e.prod, err = startServer(ctx, bin, root, "production", db.URL, runID); err != nil {
			fmt.Fprintln(os.Stderr, "abuse:", err)
			return 1
		}
		defer e.prod.stop()
	}

	fmt.Printf("Tally abuse run %s: %d CPUs, load average %s; database %s\n", runID, runtime.NumCPU(), loadAvg(), db.Name)
	for _, s := range []*server{e.dev, e.prod} {
		if s != nil {
			fmt.Printf("  %s server pid %d at %s, log %s\n", s.env, s.proc.Pid(), s.base, s.logPath)
		}
	}
	fmt.Printf("  set-up %s: victim and attacker signed up; the attacker has %d invoices and %d API keys\n",
		time.Since(setupStart).Round(time.Millisecond), 1+len(e.attacker.drafts), len(e.attacker.keys))
	for _, s := range []*server{e.dev, e.prod} {
		if s != nil { // warm up: connections, caches, the first GC cycles
			s.probeFor(ctx, &prober{hc: newClient(4), url: s.base + "/query", token: e.victim.session}, time.Second)
		}
	}
	fmt.Println()

	var rows []*row
	all := attacks(e)
	for i, a := range all {
		if keys := attackKeys(); len(keys) != len(all) || keys[i] != a.key {
			panic("attackKeys does not list the attacks in order")
		}
		if !selected(a.key) || ctx.Err() != nil {
			continue
		}
		fmt.Printf("  %-45s", a.name+" …")
		r := measure(ctx, e, a)
		fmt.Printf(" %s in %s\n", r.refusal, r.window.Round(100*time.Millisecond))
		rows = append(rows, r)
	}
	if ctx.Err() != nil {
		fmt.Fprintln(os.Stderr, "abuse: interrupted")
		return 1
	}

	fmt.Println()
	printTable(rows)
	fmt.Println()
	missed := printVerdict(rows, e)
	fmt.Printf("\ncommand: go run ./bench/abuse %s\n", strings.Join(os.Args[1:], " "))
	if missed > 0 && cfg.strict {
		return 1
	}
	return 0
}

// printTable prints the results to stdout, like the rest of the report.
func printTable(rows []*row) {
	// The tabwriter writes into table, which cannot fail.
	var table strings.Builder
	w := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(w, "ATTACK\tSERVER\tSENT\tREFUSED?\tANSWERS (expected)\tCPU/REQ\tCPU TOTAL\tVICTIM p50/p99\tIDLE p50/p99\tp99×\tRSS MAX\tHWM")
	for _, r := range rows {
		cpuPer := ms(r.cpuPer)
		if !r.a.cpuJudged {
			cpuPer = "(" + cpuPer + ")"
		}
		expect := strings.Join(r.a.expect, "/")
		if r.a.servedOK {
			expect += " or served"
		}
		answers := r.answers()
		if expect != "" {
			answers += " (" + expect + ")"
		}
		victim := r.victim.String()
		if r.victim.failed > 0 {
			victim += fmt.Sprintf(" [%d failed]", r.victim.failed)
		}
		_, _ = fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\n",
			r.a.name, r.srv.short(), r.sent(), r.refusal, answers, cpuPer, ms(r.cpu),
			victim, r.idle, ratio(r), mb(r.rssMax), mb(r.hwm))
	}
	_ = w.Flush()
	fmt.Print(table.String())
	for _, r := range rows {
		for _, n := range r.notes {
			fmt.Printf("  %s: %s\n", r.a.name, n)
		}
		if r.victim.failed > 0 {
			fmt.Printf("  %s: %d of the victim's %d requests failed, e.g. %s\n", r.a.name, r.victim.failed, r.victim.n, r.victim.failure)
		}
	}
	fmt.Println("  CPU/REQ in parentheses is not judged (uploads, slow bodies, sign-in: see their goals); CPU is net of the victim's probes.")
}

func ratio(r *row) float64 {
	if r.idle.p99 <= 0 {
		return 0
	}
	return float64(r.victim.p99) / float64(r.idle.p99)
}

func mb(b int64) string { return fmt.Sprintf("%d MB", b>>20) }

// printVerdict prints one line per goal and returns how many were missed.
func printVerdict(rows []*row, e *env) int {
	var notRefused, tooCostly, tooSlow, tooBig []string
	for _, r := range rows {
		if !r.refusedOK {
			notRefused = append(notRefused, fmt.Sprintf("%s [%s]", r.a.name, r.refusal))
		}
		if r.a.cpuJudged && r.cpuPer >= maxCPUPerAttack {
			tooCostly = append(tooCostly, fmt.Sprintf("%s %s", r.a.name, ms(r.cpuPer)))
		}
		during, idle := max(r.victim.p99, e.cfg.p99Floor), max(r.idle.p99, e.cfg.p99Floor)
		if float64(during) >= maxP99Ratio*float64(idle) || r.victim.n == 0 {
			tooSlow = append(tooSlow, fmt.Sprintf("%s %.1f× (%s vs %s)", r.a.name, ratio(r), ms(r.victim.p99), ms(r.idle.p99)))
		}
		// A server whose peak passed the bound is restarted before the
		// next attack (measure), so a peak over it is this attack's.
		if r.hwm >= maxRSS {
			tooBig = append(tooBig, fmt.Sprintf("%s (peak %s → %s, sampled max %s)", r.a.name, mb(r.hwmBefore), mb(r.hwm), mb(r.rssMax)))
		}
	}
	peaks := []string{}
	for _, s := range []*server{e.dev, e.prod} {
		if s != nil {
			_, hwm := s.memory()
			peaks = append(peaks, fmt.Sprintf("%s peak %s", s.env, mb(hwm)))
		}
	}
	missed := 0
	line := func(goal string, failures []string, met string) {
		if len(failures) == 0 {
			fmt.Printf("GOAL met    %s: %s\n", goal, met)
			return
		}
		missed++
		fmt.Printf("GOAL MISSED %s: %s\n", goal, strings.Join(failures, "; "))
	}
	line("every attack refused", notRefused, fmt.Sprintf("%d of %d", len(rows), len(rows)))
	line(fmt.Sprintf("server CPU per attack request < %s", ms(maxCPUPerAttack)), tooCostly, "all judged attacks")
	line(fmt.Sprintf("victim p99 < %.0f× idle p99 (either under %s counts as %s)", maxP99Ratio, ms(e.cfg.p99Floor), ms(e.cfg.p99Floor)), tooSlow, "during every attack")
	line(fmt.Sprintf("RSS < %d MB throughout", maxRSS>>20), tooBig, strings.Join(peaks, ", "))
	return missed
}

// loadAvg is the machine's 1, 5 and 15 minute load average: what else runs
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
