package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tally-invoicing/tally/bench/internal/tallyproc"
)

// server is one tally subprocess the attacks are aimed at.
type server struct {
	env      string // development or production
	base     string
	logPath  string
	dataDir  string
	bin      string
	settings []string
	log      *os.File
	proc     *tallyproc.Process
	restarts int
}

// short is the environment's name in the table.
func (s *server) short() string {
	if s.env == "production" {
		return "prod"
	}
	return "dev"
}

// startServer runs bin as a tally of the given environment on a free port.
// Rate limits stay on (the default); the harness is the only proxy, so it
// may name a client address in X-Forwarded-For.
func startServer(ctx context.Context, bin, root, env, dbURL, runID string) (*server, error) {
	addr, err := tallyproc.FreeAddr()
	if err != nil {
		return nil, err
	}
	logDir := filepath.Join(root, ".tmp", "abuse")
	if err := os.MkdirAll(logDir, 0o750); err != nil {
		return nil, err
	}
	s := &server{env: env, base: "http://" + addr, bin: bin, logPath: filepath.Join(logDir, runID+"-"+env+".log")}
	if s.dataDir, err = os.MkdirTemp("", "tally-abuse-"); err != nil {
		return nil, err
	}
	if s.log, err = os.Create(s.logPath); err != nil {
		s.stop()
		return nil, err
	}
	s.settings = []string{
		"TALLY_ADDR=" + addr,
		"TALLY_ENV=" + env,
		"TALLY_TRUSTED_PROXIES=127.0.0.1/32",
		"TALLY_DATA_DIR=" + s.dataDir,
		"DATABASE_URL=" + dbURL,
	}
	if env == "production" {
		// What production insists on (README.md, Configuration). Nothing
		// is mailed during the run, so the Mailgun values are never used.
		s.settings = append(s.settings,
			"TALLY_BASE_URL=https://billing.example.com",
			"TALLY_MAILGUN_API_KEY=key-abuse-harness",
			"TALLY_MAILGUN_DOMAIN=mg.example.com",
			"TALLY_MAILGUN_WEBHOOK_SIGNING_KEY=signing-abuse-harness",
			"TALLY_CRYPTO_WEBHOOK_SECRETS="+strings.Repeat("s", 32),
		)
	} else {
		s.settings = append(s.settings, "TALLY_BASE_URL="+s.base)
	}
	if err := s.start(ctx); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func (s *server) start(ctx context.Context) error {
	p, err := tallyproc.Start(s.bin, s.dataDir, tallyproc.Env(s.settings...), s.log)
	if err != nil {
		return err
	}
	s.proc = p
	if err := tallyproc.WaitHealthy(ctx, s.base, 90*time.Second, p.Exited); err != nil {
		return fmt.Errorf("%s server: %w; see %s", s.env, err, s.logPath)
	}
	return nil
}

// restart stops the server and starts it again on the same port and
// database: a fresh process, whose memory is its own again.
func (s *server) restart(ctx context.Context) error {
	s.proc.Stop(10 * time.Second)
	s.restarts++
	_, _ = fmt.Fprintf(s.log, "\n===== abuse harness: restart #%d at %s =====\n", s.restarts, time.Now().Format(time.RFC3339Nano))
	return s.start(ctx)
}

func (s *server) stop() {
	if s.proc != nil {
		s.proc.Stop(10 * time.Second)
	}
	if s.log != nil {
		_ = s.log.Close()
	}
	_ = os.RemoveAll(s.dataDir)
}

// alive reports whether the process is still running.
func (s *server) alive() bool {
	select {
	case <-s.proc.Exited:
		return false
	default:
		return true
	}
}

var clockTicks = sync.OnceValue(func() float64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil && n > 0 {
			return float64(n)
		}
	}
	return 100 // what Linux uses nearly everywhere
})

// cpu is the CPU time the server process has used so far (user + system),
// from /proc/<pid>/stat.
func (s *server) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.proc.Pid()))
	if err != nil {
		return 0
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// count the fields after its closing one. utime and stime are fields
	// 14 and 15.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseUint(f[11], 10, 64)
	st, _ := strconv.ParseUint(f[12], 10, 64)
	return time.Duration(float64(ut+st) / clockTicks() * float64(time.Second))
}

// memory returns the server's resident set now (VmRSS) and its peak since
// it started (VmHWM), in bytes, from /proc/<pid>/status.
func (s *server) memory() (rss, hwm int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.proc.Pid()))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "VmRSS":
			rss = n << 10
		case "VmHWM":
			hwm = n << 10
		}
	}
	return rss, hwm
}

// rssWatch samples the server's VmRSS every 100 ms and keeps the largest.
type rssWatch struct {
	stop chan struct{}
	done chan struct{}
	max  int64
}

func (s *server) watchRSS() *rssWatch {
	w := &rssWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if rss, _ := s.memory(); rss > w.max {
				w.max = rss
			}
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// end stops sampling and returns the largest VmRSS seen.
func (w *rssWatch) end() int64 {
	close(w.stop)
	<-w.done
	return w.max
}

// settle waits until the server is quiet (under 5% of a core over 250 ms),
// at most limit, and reports whether it became quiet: work an attack
// started may go on after its client gave up, and it is the attack's cost
// all the same.
func (s *server) settle(ctx context.Context, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	prev := s.cpu()
	for time.Now().Before(deadline) && ctx.Err() == nil && s.alive() {
		time.Sleep(250 * time.Millisecond)
		now := s.cpu()
		if now-prev < 12500*time.Microsecond {
			return true
		}
		prev = now
	}
	return false
}
