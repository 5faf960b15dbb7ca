package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTally builds the real server binary, runs it as a child process on a
// free loopback port against databaseURL, waits until /healthz answers 200,
// and returns its base URL and process id. The process is stopped when t
// ends.
//
// With a non-empty pprofAddr the binary is built with testdata's profiling
// listener added through `go build -overlay` and serves net/http/pprof
// there; Tally's own source never carries it.
func startTally(t *testing.T, databaseURL, pprofAddr string) (url string, pid int) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "tally")
	root, err := filepath.Abs("..") // go test runs in the package directory
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"build", "-o", bin}
	if pprofAddr != "" {
		args = append(args, "-overlay", writeOverlay(t, root))
	}
	build := exec.Command("go", append(args, "./server")...) //nolint:gosec // go build with the benchmark's own arguments
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./server: %v\n%s", err, out)
	}

	addr := freeAddr(t)
	var logs lockedBuffer
	// Rate limits off: seeding and the closed load loop send far more
	// requests per session than the per-key limit allows, and the baseline
	// has no limiter either.
	cmd := exec.Command(bin, "--addr", addr, "--data-dir", dir, "--database-url", databaseURL, "--env", "development", "--rate-limits", "off") //nolint:gosec // the server binary this benchmark just built
	cmd.Stdout = &logs
	cmd.Stderr = &logs
	cmd.SysProcAttr = childProcAttr()
	if pprofAddr != "" {
		cmd.Env = append(os.Environ(), "TALLY_BENCH_PPROF_ADDR="+pprofAddr)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start tally: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited: //nolint:errcheck // how it exits does not matter once the test is over
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited //nolint:errcheck // killed: its error says only that
		}
		if t.Failed() {
			t.Logf("tally output:\n%s", logs.String())
		}
	})

	base := "http://" + addr
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, cmd.Process.Pid
			}
		}
		select {
		case err := <-exited:
			exited <- err // let the cleanup's receive return
			t.Fatalf("tally exited before answering /healthz: %v\n%s", err, logs.String())
		case <-ctx.Done():
			t.Fatalf("tally did not answer GET /healthz with 200 within 60s\n%s", logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// writeOverlay returns a `go build -overlay` file that adds
// testdata/pprof_overlay.go.txt to package main.
func writeOverlay(t *testing.T, root string) string {
	t.Helper()
	src, err := filepath.Abs(filepath.Join("testdata", "pprof_overlay.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	overlay, _ := json.Marshal(map[string]map[string]string{
		"Replace": {filepath.Join(root, "server", "zz_bench_pprof.go"): src},
	})
	path := filepath.Join(t.TempDir(), "overlay.json")
	if err := os.WriteFile(path, overlay, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// cpuProfile asks the server's profiling listener for a CPU profile of the
// next d and writes it to path. It blocks for d.
func cpuProfile(pprofAddr string, d time.Duration, path string) error {
	secs := max(int(d.Round(time.Second)/time.Second), 1)
	resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", pprofAddr, secs))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile: status %d", resp.StatusCode)
	}
	f, err := os.Create(path) //nolint:gosec // the profile path the benchmark was given
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// freeAddr returns a loopback host:port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().String()
}

// lockedBuffer collects a child's output, which its two streams write from
// two goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
