package document_test

// The phone test: the document as a 390 x 844 phone shows it has nothing
// wider than the screen, so nobody scrolls sideways to find the amount due.
// It runs in three languages (one CJK), with a long item name, a long IBAN
// and a long email address; again with every <style> block removed (as
// some mail clients do: the layout must hold on inlined CSS alone); and
// again with images off (the logo and QR code read as their alt texts).
// Screenshots, phone and desktop, go to .tmp/artifacts/document/phone/.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/party"
)

const phoneW, phoneH = 390, 844

// phoneSample is the identity sample with the long things a phone must
// wrap rather than widen for.
func phoneSample(lang string) document.Snapshot {
	s := identitySample()
	s.Lang = lang
	s.CustomerEmail = "accounts.payable.department@very-long-subsidiary-name.example.co.uk"
	s.Items[0].Name = "Comprehensive quarterly maintenance retainer: security patching, uptime monitoring, " +
		"and emergency support (reference PROJECT-NORTHWIND-2026-Q4-MAINTENANCE-RETAINER-EXTENDED)"
	s.Bank = party.BankAccount{AccountName: "Northwind Studio Unipessoal Lda", BankName: "Bank of Valletta p.l.c.",
		IBAN: "MT84MALT011000012345MTLCAST001S", BIC: "VALLMTMTXXX"}
	s.Message = "Hi Anna,\nhere is the invoice for the fourth quarter. Thank you!"
	s.Footer = "Late payments incur interest at the legal rate.\nRegistered at the Lisbon commercial registry."
	if lang == "ja" {
		s.Currency, _ = money.Lookup("JPY")
		s.CustomerName = "株式会社 東京デザインスタジオ"
		s.Items[0].Name = "ウェブサイト保守契約（四半期）：セキュリティ更新、稼働監視、緊急対応を含む包括的なサポートサービス一式"
		s.Items[0].UnitPrice, s.Items[0].DiscountAmount, s.Items[0].Amount = 1200000, 120000, 1080000
		s.Items[1].UnitPrice, s.Items[1].Amount = 8000, 28000
		s.Subtotal, s.TotalDiscount, s.Discount.Amount = 1108000, 5000, 5000
		s.TaxBreakdown[0].Taxable, s.TaxBreakdown[0].Amount = 1070000, 246100
		s.TaxBreakdown[1].Taxable, s.TaxBreakdown[1].Amount = 25943, 1557
		s.Total, s.Due = 1349100, 1349100
	}
	return s
}

// overflowScript lists the elements that reach past the viewport's right
// edge (or its left), and the document's scroll width.
const overflowScript = `(async () => {
	await document.fonts.ready;
	const vw = document.documentElement.clientWidth;
	const wide = [];
	for (const el of document.querySelectorAll('body *')) {
		const r = el.getBoundingClientRect();
		if (r.width === 0 && r.height === 0) continue;
		if (r.right > vw + 0.5 || r.left < -0.5) {
			wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' [' + Math.round(r.left) + ', ' + Math.round(r.right) + '] ' + (el.textContent || el.alt || '').trim().slice(0, 50));
		}
	}
	const imgs = Array.from(document.images, (i) => ({alt: i.alt, w: i.getBoundingClientRect().width}));
	return JSON.stringify({vw, scroll: document.documentElement.scrollWidth, wide, imgs,
		dueVisible: Array.from(document.querySelectorAll('div')).some((d) => d.textContent.trim() !== '' && getComputedStyle(d).fontSize === '20px' && d.getBoundingClientRect().right <= vw)});
})()`

type overflow struct {
	VW         float64
	Scroll     float64
	Wide       []string
	Imgs       []struct{ Alt string }
	DueVisible bool
}

func TestDocumentFitsAPhone(t *testing.T) {
	need(t, "chromium")
	ctx := newBrowser(t)
	styleBlock := regexp.MustCompile(`(?s)<style[^>]*>.*?</style>`)
	images := regexp.MustCompile(`src="data:[^"]*"`)
	for _, lang := range []string{"en", "de", "ja"} {
		html, err := document.Render(phoneSample(lang))
		if err != nil {
			t.Fatal(err)
		}
		for _, variant := range []struct {
			name string
			doc  string
		}{
			{"as sent", string(html)},
			{"without style blocks", styleBlock.ReplaceAllString(string(html), "")},
			{"without images", images.ReplaceAllString(string(html), `src=""`)},
		} {
			t.Run(lang+" "+variant.name, func(t *testing.T) {
				if variant.name == "without style blocks" && strings.Contains(variant.doc, "<style") {
					t.Fatal("the style blocks were not removed")
				}
				o, shot := measure(t, ctx, variant.doc, phoneW, phoneH, true)
				if o.VW != phoneW {
					t.Fatalf("viewport is %v px wide, want %d", o.VW, phoneW)
				}
				if o.Scroll > phoneW {
					t.Errorf("the page scrolls sideways: %v px wide on a %d px screen", o.Scroll, phoneW)
				}
				for _, w := range o.Wide {
					t.Errorf("wider than the screen: %s", w)
				}
				if !o.DueVisible {
					t.Error("the amount due is not on screen")
				}
				for _, img := range o.Imgs {
					if strings.TrimSpace(img.Alt) == "" {
						t.Error("an image has no alt text: without images it reads as nothing")
					}
				}
				if variant.name == "as sent" {
					saveShot(t, lang+"-390.png", shot)
					_, desk := measure(t, ctx, variant.doc, 1024, 800, false)
					saveShot(t, lang+"-desktop.png", desk)
				}
			})
		}
	}

	// The check can fail: a fixed 600 px block is caught.
	t.Run("control: a wide block is noticed", func(t *testing.T) {
		html, err := document.Render(phoneSample("en"))
		if err != nil {
			t.Fatal(err)
		}
		wide := strings.Replace(string(html), "<body", `<body><div style="width:600px">wide</div><div`, 1)
		o, _ := measure(t, ctx, wide, phoneW, phoneH, true)
		if o.Scroll <= phoneW || len(o.Wide) == 0 {
			t.Fatalf("a 600 px block went unnoticed: scroll %v, %d wide elements", o.Scroll, len(o.Wide))
		}
	})
}

func newBrowser(t *testing.T) context.Context {
	t.Helper()
	s := newScreenshotter(t)
	return s.ctx
}

// measure loads doc in a w x h viewport (a phone's when mobile) and returns
// what overflows and a screenshot of the whole page.
func measure(t *testing.T, parent context.Context, doc string, w, h int64, mobile bool) (overflow, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(parent, 30*time.Second)
	defer cancel()
	var o overflow
	var shot []byte
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		scale := 1.0
		if mobile {
			scale = 2
		}
		if _, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: w, Height: h, DeviceScaleFactor: scale, Mobile: mobile,
		}); err != nil {
			return err
		}
		tree, err := cdp.Call(ctx, tg, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: doc}); err != nil {
			return err
		}
		res, err := cdp.Call(ctx, tg, runtime.Evaluate, runtime.EvaluateParams{Expression: overflowScript, AwaitPromise: new(true), ReturnByValue: new(true)})
		if err != nil {
			return err
		}
		if res.ExceptionDetails != nil {
			return fmt.Errorf("overflow script: %s", res.ExceptionDetails.Text)
		}
		var js string
		if err := json.Unmarshal(res.Result.Value, &js); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(js), &o); err != nil {
			return err
		}
		img, err := cdp.Call(ctx, tg, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: new(true),
			Clip: &page.Viewport{X: 0, Y: 0, Width: float64(w), Height: 2400, Scale: 1}})
		if err != nil {
			return err
		}
		shot = img.Data
		return nil
	}))
	if err != nil {
		t.Fatalf("measure: %v", err)
	}
	return o, shot
}

func saveShot(t *testing.T, name string, png []byte) {
	t.Helper()
	dir := os.Getenv("TALLY_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", ".tmp", "artifacts")
	}
	dir = filepath.Join(dir, "document", "phone")
	if err := os.MkdirAll(dir, 0o750); err != nil { //nolint:gosec // G703: the artifacts directory the developer chose
		t.Logf("artifacts: %v", err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o600); err != nil { //nolint:gosec // G703: an artifact path under the test's own directory
		t.Logf("artifacts: %v", err)
		return
	}
	t.Logf("screenshot %s", filepath.Join(dir, name))
}
