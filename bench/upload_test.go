package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestUploadMemory imports generated 50 MB CSV statements (195,000 lines)
// through the real server binary on SQLite, one and then four at once from
// four merchants, and prints the server's peak resident memory; then five
// clients trickle a body a byte every 2 s and it prints how long the server
// kept them. The goal is RSS under 300 MB throughout.
func TestUploadMemory(t *testing.T) {
	if os.Getenv("TALLY_BENCH") != "1" {
		t.Skip("set TALLY_BENCH=1 to run benchmarks")
	}
	base, pid := startTally(t, "sqlite:"+filepath.Join(t.TempDir(), "tally.db"), "")
	ctx := context.Background()
	var tokens []string
	for i := range 5 {
		c := &gqlClient{http: http.DefaultClient, url: base + "/query"}
		var up struct{ SignUp struct{ Token string } }
		if err := c.do(ctx, `mutation($in: SignUpInput!) { signUp(input: $in) { token } }`,
			map[string]any{"in": map[string]any{"merchantName": fmt.Sprintf("Importer %d", i), "email": fmt.Sprintf("owner%d@import.example", i), "password": "benchmark password"}}, &up); err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, up.SignUp.Token)
	}
	var csv bytes.Buffer
	csv.WriteString("Date;Amount;Currency;Description;Name;Transaction\n")
	memo := strings.Repeat("payment for services rendered in november thank you ", 4)
	for i := range 195_000 {
		fmt.Fprintf(&csv, "2026-11-%02d;%d.%02d;USD;%s order %d;Customer %d;TX%08d\n", 1+i%27, 10+i%900, i%100, memo, i, i%5000, i)
	}
	file := csv.Bytes()
	t.Logf("statement: %.1f MB; server idle: VmRSS %d kB", float64(len(file))/1e6, procStatus(pid, "VmRSS"))

	var peak atomic.Int64
	stop := make(chan struct{})
	go func() {
		for {
			if kb := procStatus(pid, "VmRSS"); kb > peak.Load() {
				peak.Store(kb)
			}
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	defer close(stop)
	upload := func(token string) string {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		ops, _ := json.Marshal(map[string]any{"query": `mutation($file: Upload!, $mapping: StatementMappingInput) { importStatement(file: $file, format: CSV, mapping: $mapping) { created } }`,
			"variables": map[string]any{"file": nil, "mapping": map[string]any{"date": "Date", "amount": "Amount", "currency": "Currency", "text": []string{"Description"}, "payerName": "Name", "externalID": "Transaction"}}})
		_ = w.WriteField("operations", string(ops))
		_ = w.WriteField("map", `{"0": ["variables.file"]}`)
		part, _ := w.CreateFormFile("0", "statement.csv")
		_, _ = part.Write(file)
		_ = w.Close()
		req, _ := http.NewRequest(http.MethodPost, base+"/query", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("GraphQL-Require-Preflight", "1")
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var r struct {
			Errors []gqlError
		}
		_ = json.Unmarshal(raw, &r)
		what := "imported"
		if len(r.Errors) > 0 {
			what = fmt.Sprint(r.Errors[0].Extensions["code"])
		}
		return fmt.Sprintf("HTTP %d %s in %s", resp.StatusCode, what, time.Since(start).Round(time.Millisecond))
	}

	t.Logf("one upload: %s; peak VmRSS %d kB", upload(tokens[0]), peak.Load())
	var wg sync.WaitGroup
	answers := make([]string, 4)
	for i := range 4 {
		wg.Go(func() { answers[i] = upload(tokens[1+i]) })
	}
	wg.Wait()
	t.Logf("four at once: %s; peak VmRSS %d kB, VmHWM %d kB", strings.Join(answers, "; "), peak.Load(), procStatus(pid, "VmHWM"))
	if hwm := procStatus(pid, "VmHWM"); hwm > 300<<10 {
		t.Errorf("peak RSS %d kB, want under 300 MB", hwm)
	}

	// Five clients trickle a declared 100 kB body.
	addr := strings.TrimPrefix(base, "http://")
	held := make([]time.Duration, 5)
	for i := range 5 {
		wg.Go(func() {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				return
			}
			defer func() { _ = conn.Close() }()
			start := time.Now()
			// A failed write shows in what the reader gets back.
			_, _ = fmt.Fprintf(conn, "POST /query HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n", addr)
			go func() {
				for conn.SetWriteDeadline(time.Now().Add(5*time.Second)) == nil {
					if _, err := conn.Write([]byte("{")); err != nil {
						return
					}
					time.Sleep(2 * time.Second)
				}
			}()
			_ = conn.SetReadDeadline(time.Now().Add(2 * time.Minute))
			_, _ = io.Copy(io.Discard, conn)
			held[i] = time.Since(start).Round(100 * time.Millisecond)
		})
	}
	wg.Wait()
	t.Logf("slow bodies (1 byte every 2 s): connections closed after %v", held)
}

// procStatus reads a kB figure (VmRSS, VmHWM) from /proc/<pid>/status.
func procStatus(pid int, key string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			var kb int64
			_, _ = fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb) // unreadable reads as 0
			return kb
		}
	}
	return -1
}
