package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestRenderPaperTitleAuthor(t *testing.T) {
	p := startPool(t, Options{Concurrency: 1})
	tests := []struct {
		name         string
		doc          Document
		wantW, wantH float64
		wantTitle    string
		wantAuthor   string
	}{
		{
			name:  "A4",
			doc:   Document{HTML: htmlPage("ignored", "<h1>Invoice INV-000001</h1>"), Paper: PaperA4, Title: "Invoice INV-000001", Author: "Acme Ltd"},
			wantW: 595, wantH: 842,
			wantTitle: "Invoice INV-000001", wantAuthor: "Acme Ltd",
		},
		{
			name:  "Letter",
			doc:   Document{HTML: htmlPage("ignored", "<h1>Invoice</h1>"), Paper: PaperLetter, Title: "Invoice (copy)", Author: `Zoë & Co. (Ltd) \ 請求書`},
			wantW: 612, wantH: 792,
			wantTitle: "Invoice (copy)", wantAuthor: `Zoë & Co. (Ltd) \ 請求書`,
		},
		{
			name:  "zero paper is A4, empty title keeps <title>",
			doc:   Document{HTML: htmlPage("From the HTML", "<p>x</p>")},
			wantW: 595, wantH: 842,
			wantTitle: "From the HTML",
		},
		{
			name:  "CSS @page size wins over Paper",
			doc:   Document{HTML: htmlPage("css", "<style>@page{size:letter;margin:1cm}</style><p>x</p>"), Paper: PaperA4},
			wantW: 612, wantH: 792,
			wantTitle: "css",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf, err := p.Render(t.Context(), tt.doc)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatalf("got %q..., want a PDF", pdf[:min(len(pdf), 8)])
			}
			info := pdfInfo(t, pdf)
			if w, h := pageSize(t, info); math.Abs(w-tt.wantW) > 1 || math.Abs(h-tt.wantH) > 1 {
				t.Errorf("page size: got %.2f x %.2f pt, want %.0f x %.0f", w, h, tt.wantW, tt.wantH)
			}
			if got := info["Title"]; got != tt.wantTitle {
				t.Errorf("Title: got %q, want %q", got, tt.wantTitle)
			}
			if got := info["Author"]; got != tt.wantAuthor {
				t.Errorf("Author: got %q, want %q", got, tt.wantAuthor)
			}
			if info["Syntax Error"] != "" {
				t.Errorf("pdfinfo reports a syntax error: %s", info["Syntax Error"])
			}
		})
	}
}

func TestLongTablePaginates(t *testing.T) {
	p := startPool(t, Options{Concurrency: 1})
	var rows strings.Builder
	for i := 1; i <= 200; i++ {
		fmt.Fprintf(&rows, "<tr><td>%d</td><td>Consulting, day %d</td><td>1</td><td>400.00</td></tr>", i, i)
	}
	doc := Document{HTML: htmlPage("long", "<style>@page{size:A4;margin:15mm}</style><table><thead><tr><th>#</th><th>Item</th><th>Qty</th><th>Amount</th></tr></thead><tbody>"+rows.String()+"</tbody></table>")}
	pdf, err := p.Render(t.Context(), doc)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	pages, _ := strconv.Atoi(pdfInfo(t, pdf)["Pages"])
	if pages < 2 {
		t.Errorf("got %d pages, want more than 1", pages)
	}
}

func TestConcurrentRenders(t *testing.T) {
	p := startPool(t, Options{Concurrency: 2})
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			title := fmt.Sprintf("Invoice %d", i)
			pdf, err := p.Render(t.Context(), Document{HTML: htmlPage(title, "<h1>"+title+"</h1>"), Title: title, Author: "Acme"})
			if err == nil && !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				err = errors.New("not a PDF")
			}
			if err == nil {
				if got := pdfInfo(t, pdf)["Title"]; got != title {
					err = fmt.Errorf("Title: got %q, want %q (tabs mixed up documents)", got, title)
				}
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("render %d: %v", i, err)
		}
	}
}

// A document whose script never ends holds the only tab: it fails with
// ErrTimeout, a job queued behind it with ErrBusy, and the pool goes on.
func TestBusyAndTimeout(t *testing.T) {
	p := startPool(t, Options{Concurrency: 1, QueueTimeout: 300 * time.Millisecond, RenderTimeout: 2 * time.Second})
	stuck := Document{HTML: htmlPage("stuck", "<script>for (;;) {}</script>")}

	var stuckErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, stuckErr = p.Render(t.Context(), stuck)
	}()
	time.Sleep(200 * time.Millisecond) // let it take the tab

	began := time.Now()
	_, err := p.Render(t.Context(), Document{HTML: htmlPage("queued", "<p>x</p>")})
	if !errors.Is(err, ErrBusy) {
		t.Errorf("queued job: got %v, want ErrBusy", err)
	} else if !strings.HasPrefix(err.Error(), ErrBusy.Error()) {
		t.Errorf("queued job: got message %q, want it to start with %q", err, ErrBusy)
	}
	if waited := time.Since(began); waited > 2*time.Second {
		t.Errorf("queued job waited %s, want about QueueTimeout (300ms)", waited)
	}

	<-done
	if !errors.Is(stuckErr, ErrTimeout) {
		t.Errorf("stuck job: got %v, want ErrTimeout", stuckErr)
	} else if !strings.HasPrefix(stuckErr.Error(), "pdf: the document took too long to prepare") {
		t.Errorf("stuck job: got message %q", stuckErr)
	}

	// The stuck tab was replaced.
	if _, err := p.Render(t.Context(), Document{HTML: htmlPage("after", "<p>x</p>")}); err != nil {
		t.Fatalf("render after a timeout: %v", err)
	}
}

// kill -9 of Chromium fails the render in progress with ErrBrowser, and the
// next render succeeds in a new browser.
func TestCrashRecovery(t *testing.T) {
	slow := Document{HTML: htmlPage("slow", `<script>const end = Date.now() + 3000; while (Date.now() < end) {}</script>`)}
	for _, midRender := range []bool{true, false} {
		t.Run(fmt.Sprintf("midRender=%v", midRender), func(t *testing.T) {
			p := startPool(t, Options{Concurrency: 1})
			old := p.current(t)

			var renderErr error
			done := make(chan struct{})
			if midRender {
				go func() {
					defer close(done)
					_, renderErr = p.Render(t.Context(), slow)
				}()
				time.Sleep(500 * time.Millisecond)
			}
			if err := syscall.Kill(old.pid, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			if midRender {
				<-done
				if !errors.Is(renderErr, ErrBrowser) {
					t.Fatalf("render during the crash: got %v, want ErrBrowser", renderErr)
				}
				t.Logf("render during the crash: %v", renderErr)
			} else {
				// Between renders: the next one comes after Chromium is
				// gone. (One racing the kill by microseconds is mid-render.)
				<-old.ctx.Done()
			}

			pdf, err := p.Render(t.Context(), Document{HTML: htmlPage("next", "<p>next</p>"), Author: "A"})
			if err != nil {
				t.Fatalf("render after the crash: %v", err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatal("not a PDF")
			}
			if now := p.current(t); now.pid == old.pid {
				t.Errorf("browser pid: got %d again, want a new browser", now.pid)
			}
			// The dead browser's children and profile are cleaned up.
			<-old.closed
			if pids := processesUsing(old.dataDir); len(pids) > 0 {
				t.Errorf("processes of the killed browser still running: %v", pids)
			}
			if _, err := os.Stat(old.dataDir); !os.IsNotExist(err) {
				t.Errorf("user data dir %s: got %v, want it removed", old.dataDir, err)
			}
		})
	}
}

func TestRecycle(t *testing.T) {
	p := startPool(t, Options{Concurrency: 1, RecycleAfter: 3})
	first := p.current(t)
	pids := map[int]bool{first.pid: true}
	for i := range 7 {
		if _, err := p.Render(t.Context(), Document{HTML: htmlPage("r", fmt.Sprintf("<p>%d</p>", i))}); err != nil {
			t.Fatalf("render %d: %v", i+1, err)
		}
		pids[p.current(t).pid] = true
	}
	// Starts: the first, after render 3 and after render 6.
	if len(pids) < 3 {
		t.Errorf("got %d browser pids over 7 renders, want at least 3 (RecycleAfter 3)", len(pids))
	}
	if p.current(t).pid == first.pid {
		t.Errorf("browser pid unchanged after 7 renders: %d", first.pid)
	}
	<-first.closed
	waitGone(t, []int{first.pid})
}

// After Close no process of the pool is left, running or zombie, and its
// temporary profile is gone.
func TestCloseLeavesNothing(t *testing.T) {
	p := startPool(t, Options{Concurrency: 2})
	if _, err := p.Render(t.Context(), Document{HTML: htmlPage("x", "<p>x</p>")}); err != nil {
		t.Fatal(err)
	}
	b := p.current(t)
	pids := processesUsing(b.dataDir)
	for _, pid := range pids {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		t.Logf("pool process %d: %s", pid, bytes.TrimSpace(comm))
	}
	if len(pids) < 2 {
		t.Fatalf("found %d processes with --user-data-dir=%s, want the browser and its children", len(pids), b.dataDir)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if left := processesUsing(b.dataDir); len(left) > 0 {
		t.Errorf("processes left after Close: %v", left)
	}
	waitGone(t, pids) // neither running nor zombie
	if _, err := os.Stat(b.dataDir); !os.IsNotExist(err) {
		t.Errorf("user data dir %s: got %v, want it removed", b.dataDir, err)
	}

	if _, err := p.Render(t.Context(), Document{HTML: htmlPage("x", "<p>x</p>")}); !errors.Is(err, ErrClosed) {
		t.Errorf("Render after Close: got %v, want ErrClosed", err)
	}
	if err := p.Healthy(t.Context()); !errors.Is(err, ErrClosed) {
		t.Errorf("Healthy after Close: got %v, want ErrClosed", err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// No request leaves the browser: one to a local server never arrives, and
// one to an unroutable address fails at once instead of waiting on it.
func TestNoNetwork(t *testing.T) {
	p := startPool(t, Options{Concurrency: 1})

	var hits atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }() // returns ErrServerClosed at Close
	t.Cleanup(func() { _ = srv.Close() })

	local := "http://" + ln.Addr().String()
	doc := Document{HTML: htmlPage("local", `<link rel="stylesheet" href="`+local+`/a.css"><img src="`+local+`/x.png"><script src="`+local+`/a.js"></script>
<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">`)}
	if _, err := p.Render(t.Context(), doc); err != nil {
		t.Fatalf("Render: %v", err)
	}
	if n := hits.Load(); n > 0 {
		// Do not go on to an outside address when the block does not work.
		t.Fatalf("the local server got %d requests, want 0", n)
	}

	began := time.Now()
	doc = Document{HTML: htmlPage("unroutable", `<img src="http://10.255.255.1/x.png"><p>Invoice</p>`)}
	if _, err := p.Render(t.Context(), doc); err != nil {
		t.Fatalf("Render: %v", err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("render with an unroutable image took %s, want well under RenderTimeout", took)
	}
}

func TestHealthy(t *testing.T) {
	p := startPool(t, Options{Concurrency: 1})
	if err := p.Healthy(t.Context()); err != nil {
		t.Fatalf("Healthy: %v", err)
	}
}

func TestStartFailure(t *testing.T) {
	p := New(Options{ExecPath: "/nonexistent/chromium", Logger: testLogger(t)})
	defer func() { _ = p.Close() }()
	err := p.Start(t.Context())
	if !errors.Is(err, ErrBrowser) {
		t.Fatalf("Start with a missing binary: got %v, want ErrBrowser", err)
	}
	if _, err := p.Render(t.Context(), Document{HTML: []byte("<p>x</p>")}); !errors.Is(err, ErrBrowser) {
		t.Errorf("Render: got %v, want ErrBrowser", err)
	}
}

func TestInvalidDocument(t *testing.T) {
	p := New(Options{Logger: testLogger(t)}) // never started: validation comes first
	defer func() { _ = p.Close() }()
	for _, doc := range []Document{
		{},
		{HTML: []byte("<p>x</p>"), Paper: "A5"},
	} {
		if _, err := p.Render(context.Background(), doc); !errors.Is(err, ErrDocument) {
			t.Errorf("Render(%+v): got %v, want ErrDocument", doc, err)
		}
	}
}
