package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// runner builds Tally, gives it a fresh PostgreSQL database, starts it, and
// in crash mode kills and restarts it.
type runner struct {
	root     string // the module's directory
	bin      string
	addr     string
	base     string
	adminURL string
	dbName   string
	dbURL    string
	dataDir  string
	logPath  string
	log      *os.File

	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{}
	starts  int
	kills   int
	outages []time.Duration // from SIGKILL until /healthz answered again
}

// moduleRoot finds the directory of go.mod, so the runner works from any
// directory inside the repository.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found: run from inside the repository")
		}
		dir = parent
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func newRunner(adminURL string, runID string) (*runner, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	r := &runner{
		root:     root,
		bin:      filepath.Join(root, ".tmp", "tally"),
		addr:     fmt.Sprintf("127.0.0.1:%d", port),
		adminURL: adminURL,
		dbName:   "tally_load_" + strings.NewReplacer("-", "_").Replace(runID),
	}
	r.base = "http://" + r.addr
	u, err := url.Parse(adminURL)
	if err != nil {
		return nil, fmt.Errorf("-pg %q: %w", adminURL, err)
	}
	u.Path = "/" + r.dbName
	r.dbURL = u.String()
	return r, nil
}

// build compiles the server as the Makefile does.
func (r *runner) build() error {
	if err := os.MkdirAll(filepath.Dir(r.bin), 0o755); err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-o", r.bin, "./server")
	cmd.Dir = r.root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build ./server: %w", err)
	}
	return nil
}

func (r *runner) admin(ctx context.Context, stmt string) error {
	db, err := sql.Open("postgres", r.adminURL)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, stmt)
	return err
}

func (r *runner) createDatabase(ctx context.Context) error {
	if err := r.admin(ctx, `CREATE DATABASE `+quoteIdent(r.dbName)); err != nil {
		return fmt.Errorf("creating database %s on %s: %w", r.dbName, r.adminURL, err)
	}
	dir, err := os.MkdirTemp("", "tally-load-")
	if err != nil {
		return err
	}
	r.dataDir = dir
	logDir := filepath.Join(r.root, ".tmp", "load")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return err
	}
	r.logPath = filepath.Join(logDir, r.dbName+".log")
	r.log, err = os.Create(r.logPath)
	return err
}

func (r *runner) dropDatabase(ctx context.Context) error {
	return r.admin(ctx, `DROP DATABASE IF EXISTS `+quoteIdent(r.dbName)+` WITH (FORCE)`)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// env is the server's environment: the caller's, without any Tally setting
// or database of its own, plus the run's.
func (r *runner) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TALLY_") || strings.HasPrefix(kv, "DATABASE_URL=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
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
	fmt.Fprintf(r.log, "\n===== load generator: start #%d at %s =====\n", r.starts, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(r.bin)
	cmd.Dir = r.dataDir
	cmd.Env = r.env()
	cmd.Stdout, cmd.Stderr = r.log, r.log
	cmd.SysProcAttr = serverProcAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	r.cmd, r.exited = cmd, exited
	return nil
}

// waitHealthy polls /healthz until it answers 200.
func (r *runner) waitHealthy(ctx context.Context, timeout time.Duration) error {
	r.mu.Lock()
	exited := r.exited
	r.mu.Unlock()
	hc := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("tally exited before it was healthy; see %s", r.logPath)
		default:
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.base+"/healthz", nil)
		if res, err := hc.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("tally not healthy at %s after %s; see %s", r.base, timeout, r.logPath)
}

// kill sends SIGKILL to the server (and its process group: the PDF
// renderer's Chromium dies with it, as on a real crash) and waits for it.
func (r *runner) kill() {
	r.mu.Lock()
	cmd, exited := r.cmd, r.exited
	r.kills++
	r.mu.Unlock()
	fmt.Fprintf(r.log, "\n===== load generator: SIGKILL at %s =====\n", time.Now().Format(time.RFC3339Nano))
	_ = signalServer(cmd.Process.Pid, syscall.SIGKILL)
	<-exited
}

// stop asks the server to finish (SIGTERM), killing it after 20 s.
func (r *runner) stop() {
	r.mu.Lock()
	cmd, exited := r.cmd, r.exited
	r.mu.Unlock()
	if cmd == nil {
		return
	}
	select {
	case <-exited:
		return
	default:
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		_ = signalServer(cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	// Chromium children the server did not get to stop.
	_ = signalServer(cmd.Process.Pid, syscall.SIGKILL)
}

// crashLoop kills the server every `every` (jittered to 0.6–1.4×), restarts
// it on the same port and database, and waits for /healthz, until ctx ends.
func (r *runner) crashLoop(ctx context.Context, every time.Duration) {
	for {
		wait := time.Duration(float64(every) * (0.6 + 0.8*mrand.Float64()))
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
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
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

func (s *logSummary) print(w io.Writer, limit int) {
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
			fmt.Fprintf(w, "  … %d more kinds\n", len(keys)-limit)
			break
		}
		fmt.Fprintf(w, "  %6d× %s\n          e.g. %s\n", s.byMsg[k], truncate(k, 160), truncate(s.example[k], 400))
	}
}
