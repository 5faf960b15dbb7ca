package statement

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestOpenCSVMemoryDoesNotGrowWithTheFile reads a 20 MB statement from a
// file and samples the heap meanwhile: reading it must hold a bounded
// amount, well under the file's size, rather than the file (or several
// copies of it) in memory.
func TestOpenCSVMemoryDoesNotGrowWithTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.csv")
	out, err := os.Create(path) //nolint:gosec // a file in the test's temporary directory
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(out)
	_, _ = w.WriteString("Date;Amount;Currency;Text;Name\n") // bufio keeps a write's error for Flush, checked below
	memo := strings.Repeat("payment for services rendered, thank you ", 8)
	rows := 0
	for size := 0; size < 20<<20; rows++ {
		n, _ := fmt.Fprintf(w, "2024-03-%02d;%d,%02d;EUR;%s %d;Customer %d\n", 1+rows%28, 10+rows%900, rows%100, memo, rows, rows%500)
		size += n
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)

	// A low GC target keeps the heap close to what is live, so the peak
	// measures what the parser holds rather than when the collector ran.
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	heap := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	base := heap()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if h := heap(); h > peak.Load() {
				peak.Store(h)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()

	src, err := os.Open(path) //nolint:gosec // a file in the test's temporary directory
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = src.Close() }()
	m := Mapping{Date: "Date", Amount: "Amount", Currency: "Currency", Text: []string{"Text"}, PayerName: "Name"}
	f, err := OpenCSV(src, m)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	err = f.Each(1000, func(lines []Line) error { got += len(lines); return nil })
	close(stop)
	<-sampled
	if err != nil {
		t.Fatal(err)
	}
	if got != rows || f.Lines() != rows {
		t.Fatalf("read %d lines (Lines() = %d), want %d", got, f.Lines(), rows)
	}
	grew := int64(peak.Load()) - int64(base) //nolint:gosec // G115: heap sizes are far below 2^63
	t.Logf("file %.1f MB, %d lines: heap grew by at most %.1f MB", float64(fi.Size())/(1<<20), rows, float64(grew)/(1<<20))
	if limit := fi.Size() / 2; grew > limit {
		t.Errorf("heap grew by %d bytes while reading a %d-byte file; want under %d (the file must not be held in memory)", grew, fi.Size(), limit)
	}
}
