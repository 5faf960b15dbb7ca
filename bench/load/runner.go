package main

import (
	"bufio"
	"context"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tally-invoicing/tally/bench/internal/tallyproc"
)

// runner builds Tally, gives it a fresh PostgreSQL database, starts it, and
// in crash mode kills and restarts it.
type runner struct {
	root    string // the module's directory
	bin     string
	addr    string
	base    string
	db      *tallyproc.Database
	dbName  string
	dbURL   string
	dataDir string
	logPath string
	log     *os.File

	mu      sync.Mutex
	proc    *tallyproc.Process
	starts  int
	kills   int
	outages []time.Duration // from SIGKILL until /healthz answered again
}

func newRunner(adminURL string, runID string) (*runner, error) {
	root, err := tallyproc.ModuleRoot()
	if err != nil {
		return nil, err
	}
	addr, err := tallyproc.FreeAddr()
	if err != nil {
		return nil, err
	}
	db, err := tallyproc.NewDatabase(adminURL, "tally_load_"+strings.NewReplacer("-", "_").Replace(runID))
	if err != nil {
		return nil, fmt.Errorf("-pg: %w", err)
	}
	return &runner{
		root:   root,
		bin:    filepath.Join(root, ".tmp", "tally"),
		addr:   addr,
		base:   "http://" + addr,
		db:     db,
		dbName: db.Name,
		dbURL:  db.URL,
	}, nil
}

// build compiles the server as the Makefile does.
func (r *runner) build() error { return tallyproc.Build(r.root, r.bin) }

func (r *runner) createDatabase(ctx context.Context) error {
	if err := r.db.Create(ctx); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "tally-load-")
	if err != nil {
		return err
	}
	r.dataDir = dir
	logDir := filepath.Join(r.root, ".tmp", "load")
	if err := os.MkdirAll(logDir, 0o750); err != nil {
		return err
	}
	r.logPath = filepath.Join(logDir, r.dbName+".log")
	r.log, err = os.Create(r.logPath)
	return err
}

func (r *runner) dropDatabase(ctx context.Context) error { return r.db.Drop(ctx) }

// env is the server's environment: the caller's, without any Tally setting
// or database of its own, plus the run's.
func (r *runner) env() []string {
	return tallyproc.Env(
		"TALLY_ADDR="+r.addr,
		"TALLY_BASE_URL="+r.base,
		"TALLY_ENV=development",
		"TALLY_TRUSTED_PROXIES=127.0.0.1/32",
		"TALLY_DATA_DIR="+r.dataDir,
		"DATABASE_URL="+r.dbURL,
	)
}

// start launches the server (it must not be running).
func (r *runner) start() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.starts++
	_, _ = fmt.Fprintf(r.log, "\n===== load generator: start #%d at %s =====\n", r.starts, time.Now().Format(time.RFC3339Nano))
	p, err := tallyproc.Start(r.bin, r.dataDir, r.env(), r.log)
	if err != nil {
		return err
	}
	r.proc = p
	return nil
}

// waitHealthy polls /healthz until it answers 200.
func (r *runner) waitHealthy(ctx context.Context, timeout time.Duration) error {
	r.mu.Lock()
	p := r.proc
	r.mu.Unlock()
	if err := tallyproc.WaitHealthy(ctx, r.base, timeout, p.Exited); err != nil {
		return fmt.Errorf("%w; see %s", err, r.logPath)
	}
	return nil
}

// kill sends SIGKILL to the server (and its process group: the PDF
// renderer's Chromium dies with it, as on a real crash) and waits for it.
func (r *runner) kill() {
	r.mu.Lock()
	p := r.proc
	r.kills++
	r.mu.Unlock()
	_, _ = fmt.Fprintf(r.log, "\n===== load generator: SIGKILL at %s =====\n", time.Now().Format(time.RFC3339Nano))
	p.Kill()
}

// stop asks the server to finish (SIGTERM), killing it after 20 s.
func (r *runner) stop() {
	r.mu.Lock()
	p := r.proc
	r.mu.Unlock()
	if p != nil {
		p.Stop(20 * time.Second)
	}
}

// crashLoop kills the server every `every` (jittered to 0.6–1.4×), restarts
// it on the same port and database, and waits for /healthz, until ctx ends.
func (r *runner) crashLoop(ctx context.Context, every time.Duration) {
	for {
		wait := time.Duration(float64(every) * (0.6 + 0.8*mrand.Float64())) //nolint:gosec // when to kill the server; it needs no secrecy
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		t0 := time.Now()
		r.kill()
		for {
			err := r.start()
			if err == nil {
				err = r.waitHealthy(context.Background(), 60*time.Second)
			}
			if err == nil {
				break
			}
			fmt.Fprintf(os.Stderr, "load: restart failed: %v; trying again\n", err)
			time.Sleep(time.Second)
		}
		r.mu.Lock()
		r.outages = append(r.outages, time.Since(t0))
		r.mu.Unlock()
	}
}

var slogMsg = regexp.MustCompile(`msg="((?:[^"\\]|\\.)*)"|msg=(\S+)`)

// logSummary counts the server log's ERROR and WARN lines by message, and
// panics.
type logSummary struct {
	errors, warns int
	byMsg         map[string]int
	example       map[string]string
}

func scanLog(path string) (*logSummary, error) {
	f, err := os.Open(path) //nolint:gosec // the server log this runner wrote
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read only
	s := &logSummary{byMsg: map[string]int{}, example: map[string]string{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		level := ""
		switch {
		case strings.Contains(line, "level=ERROR"):
			level = "ERROR"
			s.errors++
		case strings.Contains(line, "level=WARN"):
			level = "WARN"
			s.warns++
		case strings.HasPrefix(line, "panic:") || strings.HasPrefix(line, "fatal error:"):
			level = "PANIC"
			s.errors++
		default:
			continue
		}
		msg := line
		if m := slogMsg.FindStringSubmatch(line); m != nil {
			msg = m[1] + m[2]
		}
		if p := pathOf(line); p != "" {
			msg += " " + p
		}
		key := level + " " + msg
		s.byMsg[key]++
		if _, ok := s.example[key]; !ok {
			s.example[key] = line
		}
	}
	return s, sc.Err()
}

var pathAttr = regexp.MustCompile(`\bpath=(\S+)`)

// pathOf returns a request line's path with ids blanked, to group by route.
func pathOf(line string) string {
	m := pathAttr.FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	parts := strings.Split(m[1], "/")
	for i, p := range parts {
		if len(p) > 20 {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

func (s *logSummary) print(limit int) {
	keys := make([]string, 0, len(s.byMsg))
	for k := range s.byMsg {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if c := strings.Compare(a[:4], b[:4]); c != 0 { // ERROR, PANIC before WARN
			return c
		}
		return s.byMsg[b] - s.byMsg[a]
	})
	for i, k := range keys {
		if i == limit {
			fmt.Printf("  … %d more kinds\n", len(keys)-limit)
			break
		}
		fmt.Printf("  %6d× %s\n          e.g. %s\n", s.byMsg[k], truncate(k, 160), truncate(s.example[k], 400))
	}
}
