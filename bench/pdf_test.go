package bench

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/party"
	"github.com/tally-invoicing/tally/internal/pdf"
)

// TestPDFLatency compares the warm Chromium pool of internal/pdf with the
// naive integration, one `chromium --print-to-pdf` per invoice, on the same
// invoice document (a logo and 30 taxed lines), and reports memory over
// 1,000 renders. README.md, section
// TestPDFLatency, says what each figure means.
func TestPDFLatency(t *testing.T) {
	if os.Getenv("TALLY_BENCH") != "1" {
		t.Skip("set TALLY_BENCH=1 to run the benchmarks")
	}
	chromium := pdf.DefaultOptions().ExecPath
	if _, err := exec.LookPath(chromium); err != nil {
		t.Fatalf("%s: %v (make deps-system installs it)", chromium, err)
	}
	// Chromium inherits the environment: the mark finds its processes for
	// the memory figures, also those reparented to PID 1.
	mark := fmt.Sprintf("TALLY_BENCH_PDF_RUN=%d-%d", os.Getpid(), time.Now().UnixNano())
	name, value, _ := strings.Cut(mark, "=")
	t.Setenv(name, value)

	html := pdfInvoiceHTML()
	doc := pdf.Document{HTML: html, Paper: pdf.PaperA4, Title: "Invoice INV-000042", Author: "Northwind Studio Ltd"}

	// (a) The naive integration: a fresh Chromium per invoice.
	dir := t.TempDir()
	htmlPath := filepath.Join(dir, "invoice.html")
	if err := os.WriteFile(htmlPath, html, 0o600); err != nil {
		t.Fatal(err)
	}
	var cold []time.Duration
	for i := range 10 {
		profile := filepath.Join(dir, fmt.Sprintf("profile-%d", i))
		out := filepath.Join(dir, fmt.Sprintf("cold-%d.pdf", i))
		cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", //nolint:gosec // Chromium with the benchmark's own arguments
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--disable-dev-shm-usage", "--no-pdf-header-footer",
			"--user-data-dir="+profile, "--print-to-pdf="+out, "file://"+htmlPath)
		began := time.Now()
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("chromium --print-to-pdf: %v\n%s", err, b)
		}
		cold = append(cold, time.Since(began))
		if b, err := os.ReadFile(out); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) { //nolint:gosec // the PDF this benchmark just printed
			t.Fatalf("cold run %d wrote no PDF: %v", i, err)
		}
		_ = os.RemoveAll(profile)
	}

	// (b) The pool: start-up and the first PDF, over 5 starts since one
	// sample is at the mercy of anything else the machine does; then warm
	// latency on the last pool.
	ctx := context.Background()
	var startups, firsts []time.Duration
	var p *pdf.Pool
	for i := range 5 {
		p = pdf.New(pdf.Options{Concurrency: 2})
		began := time.Now()
		if err := p.Start(ctx); err != nil {
			t.Fatalf("Start: %v", err)
		}
		startups = append(startups, time.Since(began))
		began = time.Now()
		if _, err := p.Render(ctx, doc); err != nil {
			t.Fatalf("first Render: %v", err)
		}
		firsts = append(firsts, time.Since(began))
		if i < 4 {
			_ = p.Close()
		}
	}
	defer func() { _ = p.Close() }()
	startup, first := pdfQuantile(startups, 0.5), pdfQuantile(firsts, 0.5)

	c1 := pdfRenders(t, p, doc, 1, 200)
	c2 := pdfRenders(t, p, doc, 2, 200)
	rendered := 5 + 200 + 200

	// (c) Memory: a fresh pool, so the counts start at zero; the default
	// RecycleAfter (500) applies.
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	m := pdf.New(pdf.Options{Concurrency: 2})
	if err := m.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer func() { _ = m.Close() }()
	// Sample after every 100 renders, and at 990, the last one before the
	// second recycle: "after 1,000" is a browser just restarted.
	var samples []pdfSample
	for done := 0; done < 1000; {
		n := 100
		switch done {
		case 900:
			n = 90
		case 990:
			n = 10
		}
		pdfRenders(t, m, doc, 2, n)
		done += n
		time.Sleep(2 * time.Second) // let tab replacements and restarts settle
		samples = append(samples, pdfSample{done, pdfMemory(mark)})
	}
	at100, at1000 := samples[0].mem, samples[len(samples)-1].mem
	var peak pdfMem // the highest of each figure over the samples
	for _, s := range samples {
		peak.rss, peak.hwm, peak.pss = max(peak.rss, s.mem.rss), max(peak.hwm, s.mem.hwm), max(peak.pss, s.mem.pss)
		peak.procs = max(peak.procs, s.mem.procs)
	}

	coldP50 := pdfQuantile(cold, 0.5)
	c1p50, c1p99 := pdfQuantile(c1, 0.5), pdfQuantile(c1, 0.99)
	c2p50, c2p99 := pdfQuantile(c2, 0.5), pdfQuantile(c2, 0.99)

	var b strings.Builder
	fmt.Fprintf(&b, "\nPDF of Tally's invoice document (logo, 30 taxed items, %d bytes of HTML), %d cores\n\n", len(html), runtime.NumCPU())
	fmt.Fprintf(&b, "%-52s %10s %10s\n", "", "p50", "p99")
	fmt.Fprintf(&b, "%-52s %10s %10s   (min %s, max %s)\n", "(a) chromium --print-to-pdf per invoice, N=10", pdfMs(coldP50), pdfMs(pdfQuantile(cold, 0.99)), pdfMs(slices.Min(cold)), pdfMs(slices.Max(cold)))
	fmt.Fprintf(&b, "%-52s %10s %10s   (of 5 starts: p99 = max)\n", "(b) pool Start (launch + warm 2 tabs)", pdfMs(startup), pdfMs(slices.Max(startups)))
	fmt.Fprintf(&b, "%-52s %10s %10s   (of 5 starts)\n", "    first PDF after start-up", pdfMs(first), pdfMs(slices.Max(firsts)))
	fmt.Fprintf(&b, "%-52s %10s %10s\n", "    warm, 1 at a time, N=200", pdfMs(c1p50), pdfMs(c1p99))
	fmt.Fprintf(&b, "%-52s %10s %10s   (%.1f PDF/s)\n", "    warm, 2 at a time, N=200", pdfMs(c2p50), pdfMs(c2p99), float64(len(c2))/pdfSum(c2).Seconds()*2)
	fmt.Fprintf(&b, "\n%-52s %12s %12s %12s %6s\n", "(c) memory, test process + its Chromium", "sum VmRSS", "sum VmHWM", "sum Pss", "procs")
	fmt.Fprintf(&b, "%-52s %12s %12s %12s %6d\n", "    after 100 renders", pdfMiB(at100.rss), pdfMiB(at100.hwm), pdfMiB(at100.pss), at100.procs)
	fmt.Fprintf(&b, "%-52s %12s %12s %12s %6d\n", "    after 1,000 renders (recycled at 500 and 1,000)", pdfMiB(at1000.rss), pdfMiB(at1000.hwm), pdfMiB(at1000.pss), at1000.procs)
	fmt.Fprintf(&b, "%-52s %12s %12s %12s %6d\n", "    highest of the samples below", pdfMiB(peak.rss), pdfMiB(peak.hwm), pdfMiB(peak.pss), peak.procs)
	fmt.Fprintf(&b, "    Pss by renders done:")
	for _, s := range samples {
		fmt.Fprintf(&b, " %d:%.0f", s.renders, float64(s.mem.pss)/(1<<20))
	}
	fmt.Fprintf(&b, " (MiB)\n")
	fmt.Fprintf(&b, "\n%-58s %-28s %s\n", "goal", "measured", "")
	goals := []struct {
		name     string
		measured string
		ok       bool
	}{
		{"warm p50 (1 at a time) <= 0.1 x cold CLI p50", fmt.Sprintf("%.3f x", c1p50.Seconds()/coldP50.Seconds()), c1p50*10 <= coldP50},
		{"p99 <= 3 x p50 at concurrency 2", fmt.Sprintf("%.2f x", c2p99.Seconds()/c2p50.Seconds()), c2p99 <= 3*c2p50},
		{"first PDF after start-up (median of 5) <= 1.5 x warm p50", fmt.Sprintf("%.2f x", first.Seconds()/c1p50.Seconds()), first*2 <= c1p50*3},
		{"RSS after 1,000 within 150 MiB of after 100 (VmRSS)", fmt.Sprintf("%+.0f MiB", float64(at1000.rss-at100.rss)/(1<<20)), at1000.rss-at100.rss <= 150<<20},
		{"  same with Pss (shared pages counted once)", fmt.Sprintf("%+.0f MiB", float64(at1000.pss-at100.pss)/(1<<20)), at1000.pss-at100.pss <= 150<<20},
		{"  highest sample vs after 100 (VmRSS)", fmt.Sprintf("%+.0f MiB", float64(peak.rss-at100.rss)/(1<<20)), peak.rss-at100.rss <= 150<<20},
	}
	for _, g := range goals {
		verdict := "met"
		if !g.ok {
			verdict = "MISSED" // printed, not failed: one busy moment on 2 shared cores moves these

		}
		fmt.Fprintf(&b, "%-58s %-28s %s\n", g.name, g.measured, verdict)
	}
	fmt.Fprintf(&b, "\n(%d + 1,000 pool renders in all)\n", rendered)
	t.Log(b.String())
}

// pdfRenders renders doc n times with `workers` goroutines and returns each
// render's latency.
func pdfRenders(t *testing.T, p *pdf.Pool, doc pdf.Document, workers, n int) []time.Duration {
	t.Helper()
	var (
		mu   sync.Mutex
		lat  []time.Duration
		errs []error
		next = make(chan struct{}, n)
	)
	for range n {
		next <- struct{}{}
	}
	close(next)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range next {
				began := time.Now()
				out, err := p.Render(context.Background(), doc)
				d := time.Since(began)
				if err == nil && !bytes.HasPrefix(out, []byte("%PDF-")) {
					err = fmt.Errorf("not a PDF")
				}
				mu.Lock()
				lat = append(lat, d)
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d of %d renders failed, first: %v", len(errs), n, errs[0])
	}
	return lat
}

// pdfSample is the memory after a number of renders.
type pdfSample struct {
	renders int
	mem     pdfMem
}

// pdfMem is the memory of a set of processes, in bytes.
type pdfMem struct {
	rss, hwm, pss int64
	procs         int
}

// pdfMemory sums the memory of this process and of the pool's Chromium: the
// processes with mark in their environment (the browser, its crashpad
// handlers) and their descendants (zygote, renderers, GPU and utility
// processes, whose environment the zygote overwrites).
func pdfMemory(mark string) pdfMem {
	self := os.Getpid()
	parent := map[int]int{}
	marked := map[int]bool{self: true}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		status, _ := os.ReadFile("/proc/" + e.Name() + "/status")
		parent[pid] = int(pdfKB(status, "PPid:") >> 10)
		env, _ := os.ReadFile("/proc/" + e.Name() + "/environ")
		if bytes.Contains(append([]byte{0}, env...), []byte("\x00"+mark+"\x00")) {
			marked[pid] = true
		}
	}
	ours := func(pid int) bool {
		for range 64 {
			if marked[pid] {
				return true
			}
			if pid = parent[pid]; pid <= 1 {
				return false
			}
		}
		return false
	}
	var m pdfMem
	for pid := range parent {
		if !ours(pid) {
			continue
		}
		p := "/proc/" + strconv.Itoa(pid)
		status, err := os.ReadFile(p + "/status") //nolint:gosec // a /proc path of a child this benchmark started
		if err != nil {
			continue
		}
		m.procs++
		m.rss += pdfKB(status, "VmRSS:")
		m.hwm += pdfKB(status, "VmHWM:")
		rollup, _ := os.ReadFile(p + "/smaps_rollup") //nolint:gosec // a /proc path of a child this benchmark started
		m.pss += pdfKB(rollup, "Pss:")
	}
	return m
}

// pdfKB reads "Key:   1234 kB" from a /proc file, in bytes.
func pdfKB(b []byte, key string) int64 {
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, key); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n << 10
			}
		}
	}
	return 0
}

func pdfQuantile(d []time.Duration, q float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func pdfSum(d []time.Duration) time.Duration {
	var s time.Duration
	for _, x := range d {
		s += x
	}
	return s
}

func pdfMs(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func pdfMiB(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

// pdfInvoiceHTML is Tally's own invoice document (internal/document), as
// emailed and printed: a PNG logo, 30 taxed lines at two VAT rates (20 %
// and, on every fifth line, 5 %), a 10 % discount on every fourth line, a
// document discount, the tax summary, bank details and the QR code.
func pdfInvoiceHTML() []byte {
	names := []string{
		"Brand workshop (half day)", "Logo design, three concepts", "Business card layout", "Letterhead and envelope",
		"Social media kit, 12 templates", "Website hero illustration", "Photo retouching, per image", "Print-ready export, A4 brochure",
		"Revisions (hours)", "Project management (hours)",
	}
	gbp, _ := money.Lookup("GBP")
	var (
		lines []document.Line
		bases = map[string]int64{}
	)
	for i := range 30 {
		qty := int64(1 + i%4)
		price := int64(2500 + 1500*(i%7))
		gross := qty * price
		l := document.Line{Name: names[i%len(names)], Quantity: strconv.FormatInt(qty, 10), UnitPrice: price, Amount: gross}
		if i%4 == 3 {
			l.DiscountPercent, l.DiscountAmount = "10", (gross+5)/10 // half away from zero, as internal/tax rounds
			l.Amount = gross - l.DiscountAmount
		}
		rate := "20"
		if i%5 == 4 {
			rate = "5"
		}
		l.Taxes = []document.LineTax{{Name: "VAT", Percentage: rate}}
		bases[rate] += l.Amount
		lines = append(lines, l)
	}
	subtotal := bases["20"] + bases["5"]
	discount := int64(10000)
	var breakdown []document.TaxLine
	var tax int64
	spread := int64(0)
	for _, rate := range []string{"20", "5"} {
		share := discount * bases[rate] / subtotal // spread by base; the last rate takes the remainder
		if rate == "5" {
			share = discount - spread
		}
		spread += share
		base := bases[rate] - share
		p, _ := strconv.ParseInt(rate, 10, 64)
		amount := (base*p + 50) / 100
		tax += amount
		breakdown = append(breakdown, document.TaxLine{Name: "VAT", Percentage: rate, Category: "STANDARD", Taxable: base, Amount: amount})
	}
	logo := image.NewRGBA(image.Rect(0, 0, 360, 120))
	for y := range 120 {
		for x := range 360 {
			logo.Set(x, y, color.RGBA{0x3b, 0x5b, 0xdb, 0xff})
		}
	}
	var logoPNG bytes.Buffer
	_ = png.Encode(&logoPNG, logo)
	issued := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	due := issued.AddDate(0, 0, 30)
	terms := 30
	total := subtotal - discount + tax
	html, err := document.Render(document.Snapshot{
		MerchantName: "Northwind Studio", MerchantLegalName: "Northwind Studio Ltd",
		MerchantPostal: party.Address{Lines: []string{"12 Harbour Street"}, City: "Bristol", PostalCode: "BS1 4QA", Country: "GB"},
		MerchantTaxID:  "GB123456789",
		Logo:           &document.Logo{ContentType: "image/png", Data: logoPNG.Bytes(), Width: 360, Height: 120},
		CustomerName:   "Globex Corporation", CustomerEmail: "ap@globex.example",
		CustomerPostal: party.Address{Lines: []string{"500 Market Street, Suite 1200"}, City: "San Francisco", Region: "CA", PostalCode: "94105", Country: "US"},
		Number:         "INV-000042", Reference: "RF18539007547034", Status: status.Open,
		IssuedAt: &issued, DueDate: &due, TermsDays: &terms, Currency: gbp,
		Items: lines, Subtotal: subtotal,
		Discount: &document.DocumentDiscount{Amount: discount, Reason: "Returning customer"}, TotalDiscount: discount,
		TaxBreakdown: breakdown, TotalTax: tax, Total: total, Due: total,
		Methods:     []string{"CRYPTO", "INFINI_CARD"},
		Bank:        party.BankAccount{AccountName: "Northwind Studio Ltd", IBAN: "GB29NWBK60161331926819", BIC: "NWBKGB2L"},
		Footer:      "Thank you for your business. Late payments may incur interest at 8% above the base rate.",
		CheckoutURL: "https://billing.northwind.example/pay/Jk3v9QxY2mTqL8sPbN4wZr7a",
		Paper:       document.PaperA4,
	})
	if err != nil {
		panic(err)
	}
	return html
}
