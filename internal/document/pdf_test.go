package document_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/pdf"
)

func printPDF(t *testing.T, s document.Snapshot) string {
	t.Helper()
	html, err := document.Render(s)
	if err != nil {
		t.Fatal(err)
	}
	pool := pdf.New(pdf.Options{Concurrency: 1})
	t.Cleanup(func() { _ = pool.Close() })
	b, err := pool.Render(context.Background(), pdf.Document{HTML: html, Paper: pdf.Paper(s.Paper), Title: s.Title(), Author: s.MerchantName})
	if err != nil {
		t.Fatalf("render PDF: %v", err)
	}
	path := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output() //nolint:gosec // poppler tools with the test's own arguments
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

// notdefs counts the .notdef glyphs (glyph 0: the empty box a font draws for
// a character it lacks) that the PDF's pages show. Chromium writes text as
// 2-byte glyph ids in hex strings; <FEFF...> strings are ActualText, not glyphs.
func notdefs(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // the PDF this test just printed
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`).FindAllSubmatch(b, -1) {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not a Flate stream: an image, say
		}
		content, err := io.ReadAll(r)
		if err != nil || !bytes.Contains(content, []byte("Tj")) && !bytes.Contains(content, []byte("TJ")) {
			continue
		}
		for _, h := range regexp.MustCompile(`<([0-9A-Fa-f]+)>`).FindAllSubmatch(content, -1) {
			ids := string(h[1])
			if len(ids)%4 != 0 || strings.HasPrefix(strings.ToUpper(ids), "FEFF") {
				continue
			}
			for i := 0; i < len(ids); i += 4 {
				if ids[i:i+4] == "0000" {
					n++
				}
			}
		}
	}
	return n
}

// Names in Chinese, Japanese, Arabic and emoji print as real glyphs, from the
// Noto fonts `make deps` installs: the PDF shows no .notdef box, and the text
// comes back out of it unchanged.
func TestNonLatinTextHasRealGlyphs(t *testing.T) {
	need(t, "chromium", "pdftotext")
	s := identitySample()
	s.CustomerName = "株式会社 東京デザイン"
	s.Items = []document.Line{
		{Name: "网站设计 (网页)", Quantity: "1", UnitPrice: 100000, Amount: 100000},
		{Name: "تصميم شعار", Quantity: "2", UnitPrice: 5000, Amount: 10000},
		{Name: "Launch party 🎉🚀", Quantity: "1", UnitPrice: 2500, Amount: 2500},
	}
	path := printPDF(t, s)
	text := run(t, "pdftotext", path, "-")
	for _, want := range []string{"株式会社", "東京デザイン", "网站设计", "تصميم", "شعار", "🎉"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q: its glyphs are missing or unmapped", want)
		}
	}
	if n := notdefs(t, path); n != 0 {
		t.Errorf("the PDF shows %d .notdef glyphs (boxes)", n)
	}

	// The check itself can fail: U+0378 is unassigned, so no font has it.
	s.CustomerName = "Unassigned \u0378 character"
	if n := notdefs(t, printPDF(t, s)); n == 0 {
		t.Error("a character no font has did not show up as .notdef: the check is blind")
	}
}

// 200 items flow over several pages; every page repeats the table header,
// and no row is split: each row's name and amount sit on one page, above
// its bottom margin.
func TestLongInvoicesPaginateCleanly(t *testing.T) {
	need(t, "chromium", "pdftotext", "pdfinfo")
	s := identitySample()
	s.Items = nil
	var total int64
	for i := 1; i <= 200; i++ {
		amount := int64(1000 + i)
		s.Items = append(s.Items, document.Line{Name: fmt.Sprintf("Row%03d widget", i), Quantity: "1", UnitPrice: amount, Amount: amount})
		total += amount
	}
	s.Subtotal, s.Total, s.Due = total, total, total
	path := printPDF(t, s)

	pages := 0
	if _, err := fmt.Sscanf(regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(run(t, "pdfinfo", path))[1], "%d", &pages); err != nil {
		t.Fatalf("pdfinfo's page count: %v", err)
	}
	if pages < 4 {
		t.Fatalf("200 items fit on %d pages; expected pagination", pages)
	}
	seen := map[string]int{}
	for p := 1; p <= pages; p++ {
		bbox := run(t, "pdftotext", "-bbox", "-f", fmt.Sprint(p), "-l", fmt.Sprint(p), path, "-")
		words := bboxWord.FindAllStringSubmatch(bbox, -1)
		var rowsHere int
		header := false
		for i, w := range words {
			text := w[5]
			if text == "ITEM" && i+1 < len(words) && words[i+1][5] == "QTY" {
				header = true
			}
			if !strings.HasPrefix(text, "Row") {
				continue
			}
			rowsHere++
			seen[text]++
			var yMax float64
			if _, err := fmt.Sscanf(w[4], "%g", &yMax); err != nil {
				t.Fatalf("page %d: yMax of %q: %v", p, text, err)
			}
			if yMax > 842-14*72/25.4 { // A4 height minus the 14 mm bottom margin, in points
				t.Errorf("page %d: %s runs into the bottom margin (yMax %.1f pt)", p, text, yMax)
			}
		}
		if rowsHere > 0 && !header {
			t.Errorf("page %d has %d item rows but no table header", p, rowsHere)
		}
	}
	for i := 1; i <= 200; i++ {
		if n := seen[fmt.Sprintf("Row%03d", i)]; n != 1 {
			t.Errorf("Row%03d printed %d times", i, n)
		}
	}
}
