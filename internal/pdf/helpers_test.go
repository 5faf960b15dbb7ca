package pdf

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// need skips the test when a program it runs is missing, unless
// TALLY_REQUIRE_CHROMIUM=1 (CI), where a missing program is a failure.
func need(t testing.TB, path string) {
	t.Helper()
	if _, err := exec.LookPath(path); err == nil {
		return
	}
	if os.Getenv("TALLY_REQUIRE_CHROMIUM") == "1" {
		t.Fatalf("%s is missing and TALLY_REQUIRE_CHROMIUM=1; install it with `make deps-system`", path)
	}
	t.Skipf("%s is missing: run `make deps-system` (apt-get install chromium poppler-utils); set TALLY_REQUIRE_CHROMIUM=1 to fail instead", path)
}

// testLogger writes the pool's log to the test's log.
func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: logLevel()}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// startPool starts a pool for the test and closes it after.
func startPool(t testing.TB, opts Options) *Pool {
	t.Helper()
	need(t, DefaultOptions().ExecPath)
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	p := New(opts)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := p.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// current returns the browser new renders go to, waiting for a restart.
func (p *Pool) current(t testing.TB) *browser {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		p.mu.Lock()
		b := p.cur
		p.mu.Unlock()
		if b != nil {
			return b
		}
	}
	t.Fatal("no browser after 30s")
	return nil
}

// pdfInfo runs pdfinfo on pdf and returns its fields.
func pdfInfo(t testing.TB, pdf []byte) map[string]string {
	t.Helper()
	need(t, "pdfinfo")
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", "-enc", "UTF-8", path).CombinedOutput() //nolint:gosec // pdfinfo on the test's own file
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	info := map[string]string{}
	for line := range strings.Lines(string(out)) {
		k, v, ok := strings.Cut(line, ":")
		if ok {
			info[k] = strings.TrimSpace(v)
		}
	}
	return info
}

// pageSize parses pdfinfo's "594.96 x 841.92 pts (A4)".
func pageSize(t testing.TB, info map[string]string) (w, h float64) {
	t.Helper()
	if _, err := fmt.Sscanf(info["Page size"], "%g x %g", &w, &h); err != nil {
		t.Fatalf("page size %q: %v", info["Page size"], err)
	}
	return w, h
}

// procState returns the state letter of a process (R, S, Z...), or "" when
// the process is gone.
func procState(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	// "pid (comm) S ...": comm can hold spaces and parentheses.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return ""
	}
	return s[i+2 : i+3]
}

// waitGone waits until none of pids is alive or a zombie.
func waitGone(t testing.TB, pids []int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range pids {
		for procState(pid) != "" {
			if time.Now().After(deadline) {
				t.Errorf("process %d still there in state %s", pid, procState(pid))
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// htmlPage returns a small self-contained HTML document.
func htmlPage(title, body string) []byte {
	return []byte(`<!doctype html><html><head><meta charset="utf-8"><title>` + title + `</title>
<style>body{font-family:sans-serif;font-size:11pt} table{border-collapse:collapse;width:100%} td,th{border:1px solid #999;padding:4px}</style>
</head><body>` + body + `</body></html>`)
}

// logLevel is Info, or Debug with TALLY_PDF_DEBUG=1.
func logLevel() slog.Level {
	if os.Getenv("TALLY_PDF_DEBUG") == "1" {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}
