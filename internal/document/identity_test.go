package document_test

// The identity test: the preview (the document's HTML as a browser shows it,
// and as a mail client gets it) and page 1 of the PDF are the same picture.
//
// Comparing pixels directly cannot work: a Chromium screenshot and poppler's
// raster of the same document differ in about 1 % of pixels from glyph
// anti-aliasing alone, while a block moved 2 px changes only about 0.5 %.
// So the comparison has two halves, each blind to the other's noise:
//
//   - layout: every word of the preview (a DOM Range per word) is found in
//     the PDF (pdftotext -bbox) with the same text, at the same x within
//     0.75 px, and at the same height relative to its neighbours within
//     0.75 px. A changed digit or a block moved by 2 px fails here.
//   - image: both pictures are cut into 8 x 8 px cells, cells that hold text
//     are left out (the layout half owns text), and the mean colour of each
//     remaining cell must agree within 16 of 255 per channel. Backgrounds,
//     borders, the button and the QR code are checked here; a different
//     colour fails here.
//
// Every comparison writes its images (preview, PDF page, and a map of what
// differs) under .tmp/artifacts/document/<case>/, or $TALLY_ARTIFACTS.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/party"
	"github.com/tally-invoicing/tally/internal/pdf"
)

const (
	// A4 at 96 px per inch, the scale both pictures are compared at.
	pageW, pageH = 794, 1123
	layoutTolPx  = 0.75
	cellPx       = 8
	colourTol    = 16.0
)

func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("TALLY_REQUIRE_CHROMIUM") == "1" {
				t.Fatalf("%s is missing; run `make deps-system`", tool)
			}
			t.Skipf("%s is missing: run `make deps-system`", tool)
		}
	}
}

func identitySample() document.Snapshot {
	usd, _ := money.Lookup("USD")
	issued := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	due := issued.AddDate(0, 0, 14)
	terms := 14
	return document.Snapshot{
		MerchantName: "Northwind Studio", MerchantLegalName: "Northwind Studio Unipessoal Lda",
		MerchantPostal: party.Address{
			Lines:      []string{"Rua da Prata 12, 3rd floor, office 3B", "Edifício Pombalino, entrance through the courtyard"},
			PostalCode: "1100-001", City: "Lisbon", Country: "PT",
		},
		MerchantTaxID: "PT509876543", Logo: sampleLogo(),
		CustomerName: "Acme Ltd", CustomerEmail: "billing@acme.example",
		CustomerPostal: party.Address{Lines: []string{"10 Downing Lane"}, PostalCode: "EC1A 1BB", City: "London", Country: "GB"},
		CustomerTaxID:  "GB123456789",
		Number:         "INV-000042", Reference: "RF18539007547034", Status: status.Open,
		IssuedAt: &issued, DueDate: &due, TermsDays: &terms, Currency: usd,
		Items: []document.Line{
			{Name: "Website design", Quantity: "1", UnitPrice: 120000, DiscountPercent: "10", DiscountAmount: 12000, Amount: 108000,
				Taxes: []document.LineTax{{Name: "VAT", Percentage: "23"}}},
			{Name: "Support hours", Quantity: "3.5", UnitPrice: 8000, Amount: 28000,
				Taxes: []document.LineTax{{Name: "VAT", Percentage: "6", Inclusive: true}}},
		},
		// The document discount is spread over the rates by their bases:
		// 39.71 on the 23 % lines, 10.29 on the 6 % (inclusive) line.
		Subtotal: 136000,
		Discount: &document.DocumentDiscount{Amount: 5000, Reason: "Launch discount"}, TotalDiscount: 5000,
		TaxBreakdown: []document.TaxLine{
			{Name: "VAT", Percentage: "23", Category: "STANDARD", Taxable: 104029, Amount: 23927},
			{Name: "VAT", Percentage: "6", Inclusive: true, Category: "STANDARD", Taxable: 25444, Amount: 1527},
		},
		TotalTax: 25454, Total: 154927, Due: 154927,
		Note:        "Website redesign, phase 1.\nHosting is billed for a year.",
		Methods:     []string{"CRYPTO", "INFINI_CARD"},
		Bank:        party.BankAccount{AccountName: "Northwind Studio Unipessoal Lda", BankName: "Banco Exemplo", IBAN: "PT50000201231234567890154", BIC: "EXMPPTPL"},
		Footer:      "Late payments incur interest at the legal rate.",
		CheckoutURL: "https://billing.northwind.example/pay/Jk3v9QxY2mTqL8sPbN4wZr7a",
		Paper:       document.PaperA4,
	}
}

// sampleLogo is a 360 x 120 PNG logo (printed at 180 x 60): a blue bar
// with a lighter square, so the image half of the comparison sees it.
func sampleLogo() *document.Logo {
	img := image.NewRGBA(image.Rect(0, 0, 360, 120))
	for y := range 120 {
		for x := range 360 {
			c := color.RGBA{0x3b, 0x5b, 0xdb, 0xff}
			if x > 20 && x < 120 && y > 10 && y < 110 {
				c = color.RGBA{0xf0, 0xb4, 0x29, 0xff}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return &document.Logo{ContentType: "image/png", Data: b.Bytes(), Width: 360, Height: 120}
}

func TestPreviewAndPDFAreTheSamePicture(t *testing.T) {
	need(t, "chromium", "pdftoppm", "pdftotext")
	html, err := document.Render(identitySample())
	if err != nil {
		t.Fatal(err)
	}
	pool := pdf.New(pdf.Options{Concurrency: 1})
	t.Cleanup(func() { _ = pool.Close() })
	shots := newScreenshotter(t)

	preview := shots.capture(t, html)
	printed := func(t *testing.T, doc []byte) pdfPage {
		t.Helper()
		b, err := pool.Render(context.Background(), pdf.Document{HTML: doc, Paper: pdf.PaperA4, Title: "Invoice INV-000042", Author: "Northwind Studio"})
		if err != nil {
			t.Fatalf("render PDF: %v", err)
		}
		return rasterize(t, b)
	}

	t.Run("same document", func(t *testing.T) {
		d := compare(preview, printed(t, html))
		d.save(t, "same-document", preview, printed(t, html))
		t.Logf("%d words matched; max |dx| %.2f px, max |dy| %.2f px; %d colour cells compared, max diff %.1f",
			d.matched, d.maxDX, d.maxDY, d.cells, d.maxColour)
		if len(d.problems) > 0 {
			t.Fatalf("preview and PDF differ:\n%s", strings.Join(d.problems, "\n"))
		}
		if d.matched < 60 || d.cells < 2000 {
			t.Fatalf("compared too little to mean anything: %d words, %d cells", d.matched, d.cells)
		}
	})

	// Negative controls: the same comparison must notice each of these.
	for _, tc := range []struct {
		name   string
		change func(string) string
		want   string // what the failure must mention
	}{
		{"one digit changed", func(h string) string {
			return strings.Replace(h, ">3.5<", ">3.6<", 1)
		}, "missing in the PDF"},
		{"block moved 2px", func(h string) string {
			return strings.Replace(h, "</head>", `<style>table.totals{position:relative !important;top:2px !important}</style></head>`, 1)
		}, "moved"},
		{"different colour", func(h string) string {
			return strings.Replace(h, "</head>", `<style>a.button{background:#2b8a3e !important}</style></head>`, 1)
		}, "colour"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			changed := tc.change(string(html))
			if changed == string(html) {
				t.Fatal("the control did not change the document")
			}
			got := printed(t, []byte(changed))
			d := compare(preview, got)
			d.save(t, strings.ReplaceAll(tc.name, " ", "-"), preview, got)
			if len(d.problems) == 0 {
				t.Fatalf("the comparison did not notice %s", tc.name)
			}
			if !strings.Contains(strings.Join(d.problems, "\n"), tc.want) {
				t.Fatalf("noticed, but not as %q:\n%s", tc.want, strings.Join(d.problems, "\n"))
			}
			t.Logf("noticed (%d findings; max word shift %.2f px, max colour diff %.0f/255): %s", len(d.problems), math.Max(d.maxDX, d.maxDY), d.maxColour, d.problems[0])
		})
	}
}

// word is one word and its box in CSS pixels from the top-left of page 1.
type word struct {
	Text           string
	X0, Y0, X1, Y1 float64
}

type shot struct {
	img   image.Image
	words []word
}

type pdfPage struct {
	img   image.Image
	words []word
}

// screenshotter shows documents in Chromium as a mail client or the
// dashboard's preview would: the screen, an A4-wide viewport.
type screenshotter struct{ ctx context.Context }

func newScreenshotter(t *testing.T) *screenshotter {
	t.Helper()
	dir := t.TempDir()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(pdf.DefaultOptions().ExecPath),
		chromedp.UserDataDir(dir),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
	)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &screenshotter{ctx: ctx}
}

const wordsScript = `(async () => {
	await document.fonts.ready;
	await Promise.all(Array.from(document.images, (i) => i.decode().catch(() => {})));
	const out = [];
	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	const range = document.createRange();
	for (let n = walker.nextNode(); n; n = walker.nextNode()) {
		const re = /\S+/g;
		for (let m = re.exec(n.nodeValue); m; m = re.exec(n.nodeValue)) {
			range.setStart(n, m.index);
			range.setEnd(n, m.index + m[0].length);
			const r = range.getBoundingClientRect();
			if (r.width > 0) out.push({Text: m[0], X0: r.left, Y0: r.top, X1: r.right, Y1: r.bottom});
		}
	}
	return JSON.stringify(out);
})()`

func (s *screenshotter) capture(t *testing.T, doc []byte) shot {
	t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	var out shot
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: pageW, Height: pageH, DeviceScaleFactor: 1,
		}); err != nil {
			return err
		}
		tree, err := cdp.Call(ctx, tg, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: string(doc)}); err != nil {
			return err
		}
		res, err := cdp.Call(ctx, tg, runtime.Evaluate, runtime.EvaluateParams{Expression: wordsScript, AwaitPromise: new(true), ReturnByValue: new(true)})
		if err != nil {
			return err
		}
		if res.ExceptionDetails != nil {
			return fmt.Errorf("words script: %s", res.ExceptionDetails.Text)
		}
		var js string
		if err := json.Unmarshal(res.Result.Value, &js); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(js), &out.words); err != nil {
			return err
		}
		img, err := cdp.Call(ctx, tg, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format: page.CaptureScreenshotFormatPng,
			Clip:   &page.Viewport{X: 0, Y: 0, Width: pageW, Height: pageH, Scale: 1},
		})
		if err != nil {
			return err
		}
		out.img, err = png.Decode(bytes.NewReader(img.Data))
		return err
	}))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return out
}

var bboxWord = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>`)

// rasterize returns page 1 of a PDF as poppler draws it at 96 px per inch,
// and its words with their boxes.
func rasterize(t *testing.T, b []byte) pdfPage {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "96", "-png", "-f", "1", "-l", "1", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil { //nolint:gosec // pdftoppm on the test's own files
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png")) //nolint:gosec // a file in the test's temporary directory
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-bbox", "-f", "1", "-l", "1", in, "-").Output() //nolint:gosec // pdftotext on the test's own file
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	const ptToPx = 96.0 / 72.0
	var words []word
	for _, m := range bboxWord.FindAllStringSubmatch(string(out), -1) {
		f := func(i int) float64 { v, _ := strconv.ParseFloat(m[i], 64); return v * ptToPx }
		words = append(words, word{Text: html.UnescapeString(m[5]), X0: f(1), Y0: f(2), X1: f(3), Y1: f(4)})
	}
	return pdfPage{img: img, words: words}
}

type diff struct {
	problems       []string
	matched, cells int
	maxDX, maxDY   float64
	maxColour      float64
	bad            []image.Rectangle // where something differs, for the map
}

func (d *diff) problem(r image.Rectangle, format string, args ...any) {
	d.problems = append(d.problems, fmt.Sprintf(format, args...))
	d.bad = append(d.bad, r)
}

func rect(w word) image.Rectangle {
	return image.Rect(int(math.Floor(w.X0)), int(math.Floor(w.Y0)), int(math.Ceil(w.X1)), int(math.Ceil(w.Y1)))
}

func compare(preview shot, printed pdfPage) *diff {
	d := &diff{}
	// Layout. Only words that fit on page 1 of the preview are compared.
	type pair struct {
		dom, pdf word
		dy       float64
	}
	used := make([]bool, len(printed.words))
	var pairs []pair
	for _, w := range preview.words {
		if w.Y1 > pageH-60 { // below page 1's printable area
			continue
		}
		best, bestDist := -1, math.Inf(1)
		for i, p := range printed.words {
			// CSS text-transform changes what the PDF holds, not the DOM.
			if used[i] || !strings.EqualFold(p.Text, w.Text) {
				continue
			}
			dist := math.Abs(p.X0-w.X0) + math.Abs((p.Y0+p.Y1)/2-(w.Y0+w.Y1)/2)
			if dist < bestDist {
				best, bestDist = i, dist
			}
		}
		if best < 0 {
			d.problem(rect(w), "word %q at (%.0f, %.0f) of the preview is missing in the PDF", w.Text, w.X0, w.Y0)
			continue
		}
		used[best] = true
		p := printed.words[best]
		pairs = append(pairs, pair{dom: w, pdf: p, dy: (p.Y0+p.Y1)/2 - (w.Y0+w.Y1)/2})
	}
	for i, p := range printed.words {
		if !used[i] && p.Y1 < pageH-60 {
			d.problem(rect(p), "word %q at (%.0f, %.0f) of the PDF is not in the preview", p.Text, p.X0, p.Y0)
		}
	}
	// The PDF measures a word's box from its font's ascent and descent, the
	// DOM from its line: the same for every word of one font size, so the
	// vertical check is against the median offset of words of that height.
	byHeight := map[int][]float64{}
	for _, p := range pairs {
		h := int(math.Round(p.dom.Y1 - p.dom.Y0))
		byHeight[h] = append(byHeight[h], p.dy)
	}
	for _, p := range pairs {
		h := int(math.Round(p.dom.Y1 - p.dom.Y0))
		dx := p.pdf.X0 - p.dom.X0
		dy := p.dy - median(byHeight[h])
		d.maxDX = math.Max(d.maxDX, math.Abs(dx))
		d.maxDY = math.Max(d.maxDY, math.Abs(dy))
		if math.Abs(dx) > layoutTolPx || math.Abs(dy) > layoutTolPx {
			d.problem(rect(p.dom), "word %q moved by (%.2f, %.2f) px between the preview and the PDF", p.dom.Text, dx, dy)
		}
		d.matched++
	}

	// Image, outside text.
	text := image.NewGray(image.Rect(0, 0, pageW, pageH))
	for _, ws := range [][]word{preview.words, printed.words} {
		for _, w := range ws {
			r := rect(w).Inset(-2)
			for y := r.Min.Y; y < r.Max.Y; y++ {
				for x := r.Min.X; x < r.Max.X; x++ {
					text.SetGray(x, y, color.Gray{Y: 255})
				}
			}
		}
	}
	for cy := 0; cy+cellPx <= pageH-60; cy += cellPx {
		for cx := 0; cx+cellPx <= pageW; cx += cellPx {
			cell := image.Rect(cx, cy, cx+cellPx, cy+cellPx)
			if hasText(text, cell) {
				continue
			}
			// An image's position rounds to whole pixels on screen but not in
			// a PDF, so the PDF's cell may sit up to 1 px away.
			a := meanColour(preview.img, cell)
			worst := math.Inf(1)
			for oy := -1; oy <= 1; oy++ {
				for ox := -1; ox <= 1; ox++ {
					b := meanColour(printed.img, cell.Add(image.Pt(ox, oy)).Intersect(printed.img.Bounds()))
					w := 0.0
					for i := range a {
						w = math.Max(w, math.Abs(a[i]-b[i]))
					}
					worst = math.Min(worst, w)
				}
			}
			d.cells++
			d.maxColour = math.Max(d.maxColour, worst)
			if worst > colourTol {
				d.problem(cell, "colour differs by %.0f/255 in the 8x8 cell at (%d, %d)", worst, cx, cy)
			}
		}
	}
	return d
}

func hasText(mask *image.Gray, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if mask.GrayAt(x, y).Y != 0 {
				return true
			}
		}
	}
	return false
}

func meanColour(img image.Image, r image.Rectangle) [3]float64 {
	var sum [3]float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			sum[0] += float64(cr >> 8)
			sum[1] += float64(cg >> 8)
			sum[2] += float64(cb >> 8)
		}
	}
	n := float64(r.Dx() * r.Dy())
	return [3]float64{sum[0] / n, sum[1] / n, sum[2] / n}
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// save writes the preview, the PDF page and a map of the differences (the
// PDF page, dimmed, with what differs in red) for people to look at.
func (d *diff) save(t *testing.T, name string, preview shot, printed pdfPage) {
	t.Helper()
	dir := os.Getenv("TALLY_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", ".tmp", "artifacts")
	}
	dir = filepath.Join(dir, "document", name)
	if err := os.MkdirAll(dir, 0o750); err != nil { //nolint:gosec // G703: the artifacts directory the developer chose
		t.Logf("artifacts: %v", err)
		return
	}
	m := image.NewRGBA(image.Rect(0, 0, pageW, pageH))
	for y := 0; y < pageH; y++ {
		for x := 0; x < pageW; x++ {
			r, g, b, _ := printed.img.At(x, y).RGBA()
			m.Set(x, y, color.RGBA{uint8(128 + r>>9), uint8(128 + g>>9), uint8(128 + b>>9), 255}) //nolint:gosec // G115: a colour channel is 16 bits, so 128 + c>>9 <= 255
		}
	}
	for _, r := range d.bad {
		for y := r.Min.Y; y < r.Max.Y && y < pageH; y++ {
			for x := r.Min.X; x < r.Max.X && x < pageW; x++ {
				m.Set(x, y, color.RGBA{220, 30, 30, 255})
			}
		}
	}
	for file, img := range map[string]image.Image{"preview.png": preview.img, "pdf-page-1.png": printed.img, "differences.png": m} {
		f, err := os.Create(filepath.Join(dir, file)) //nolint:gosec // an artifact path under the test's own directory
		if err != nil {
			t.Logf("artifacts: %v", err)
			return
		}
		_ = png.Encode(f, img)
		_ = f.Close()
	}
	t.Logf("images in %s", dir)
}
