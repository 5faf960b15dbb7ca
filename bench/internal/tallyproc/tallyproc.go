package tallyproc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	_ "github.com/lib/pq" // the PostgreSQL driver, for sql.Open("postgres", ...)
)

// ModuleRoot finds the directory of go.mod, so that the commands work from
// any directory inside the repository.
func ModuleRoot() (string, error) {
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

// FreeAddr returns a loopback address with a port nothing listens on.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().String(), nil
}

// Build compiles the server at root into bin, as the Makefile does.
func Build(root, bin string) error {
	if err := os.MkdirAll(filepath.Dir(bin), 0o750); err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-o", bin, "./server") //nolint:gosec // builds this repository's server into the harness's own path
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build ./server: %w", err)
	}
	return nil
}

// Database is a PostgreSQL database a run creates and drops.
type Database struct {
	AdminURL string // the server to create it on, connected to as an admin
	Name     string
	URL      string // the database itself
}

// NewDatabase names a database on the server of adminURL; Create makes it.
func NewDatabase(adminURL, name string) (*Database, error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL URL %q: %w", adminURL, err)
	}
	u.Path = "/" + name
	return &Database{AdminURL: adminURL, Name: name, URL: u.String()}, nil
}

func (d *Database) admin(ctx context.Context, stmt string) error {
	db, err := sql.Open("postgres", d.AdminURL)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	_, err = db.ExecContext(ctx, stmt)
	return err
}

// Create creates the database.
func (d *Database) Create(ctx context.Context) error {
	if err := d.admin(ctx, `CREATE DATABASE `+QuoteIdent(d.Name)); err != nil {
		return fmt.Errorf("creating database %s on %s: %w", d.Name, d.AdminURL, err)
	}
	return nil
}

// Drop drops the database, ending any connection still open to it.
func (d *Database) Drop(ctx context.Context) error {
	return d.admin(ctx, `DROP DATABASE IF EXISTS `+QuoteIdent(d.Name)+` WITH (FORCE)`)
}

// QuoteIdent quotes a PostgreSQL identifier.
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Env is a server's environment: the caller's without any Tally setting or
// database of its own, plus settings ("KEY=value").
func Env(settings ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TALLY_") || strings.HasPrefix(kv, "DATABASE_URL=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, settings...)
}

// Process is a running (or exited) tally.
type Process struct {
	Cmd *exec.Cmd
	// Exited is closed once the process has exited and been waited for.
	Exited <-chan struct{}
}

// Start launches bin in dir with env, writing its output to log. The server
// gets its own process group (its Chromium children die with it) and, on
// Linux, is killed by the kernel if the caller dies first.
func Start(bin, dir string, env []string, log io.Writer) (*Process, error) {
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	return &Process{Cmd: cmd, Exited: exited}, nil
}

// Pid is the server's process id.
func (p *Process) Pid() int { return p.Cmd.Process.Pid }

// Kill sends SIGKILL to the server's process group, as a crash would, and
// waits for the server to exit.
func (p *Process) Kill() {
	_ = signalGroup(p.Pid(), syscall.SIGKILL)
	<-p.Exited
}

// Stop asks the server to finish (SIGTERM) and kills it after grace; then
// it kills any child (Chromium) the server did not get to stop.
func (p *Process) Stop(grace time.Duration) {
	select {
	case <-p.Exited:
	default:
		_ = p.Cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.Exited:
		case <-time.After(grace):
			_ = signalGroup(p.Pid(), syscall.SIGKILL)
			<-p.Exited
		}
	}
	_ = signalGroup(p.Pid(), syscall.SIGKILL)
}

// WaitHealthy polls base/healthz until it answers 200, the process exits
// (exited is closed), ctx ends or timeout passes.
func WaitHealthy(ctx context.Context, base string, timeout time.Duration, exited <-chan struct{}) error {
	hc := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("tally exited before it was healthy")
		default:
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
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
	return fmt.Errorf("tally not healthy at %s after %s", base, timeout)
}
