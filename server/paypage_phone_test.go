package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/pdf"
)

// The payment page on a 390 x 844 phone: no sideways scrolling, the amount
// due on the first screen, the document's frame as tall as the document (no
// scrolling inside it) and no wider than the screen, and the card option
// reading as a card payment.
func TestPayPageFitsAPhone(t *testing.T) {
	needTool(t, "chromium")
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Northwind Studio")
		cust := c.createCustomer("Acme Ltd", "accounts.payable.department@very-long-subsidiary-name.example.co.uk")
		id := c.draft(cust)
		c.issue(id)
		var inv struct{ Node struct{ CheckoutURL string } }
		c.do(`query($id: ID!) { node(id: $id) { ... on Invoice { checkoutURL } } }`, map[string]any{"id": id}, &inv)
		url := ta.srv.URL + inv.Node.CheckoutURL[strings.Index(inv.Node.CheckoutURL, "/pay/"):]

		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(pdf.DefaultOptions().ExecPath),
			chromedp.UserDataDir(t.TempDir()),
			chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
			chromedp.Flag("no-first-run", true), chromedp.Flag("hide-scrollbars", true))
		ctx, cancel := chromedp.NewContext(alloc)
		defer func() { cancel(); cancelAlloc() }()
		ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
		defer cancelT()

		type measured struct {
			Scroll, FrameW, FrameH, DocH, DocScroll float64
			Wide                                    []string
			DueTop, DueRight                        float64
			Card                                    bool
		}
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
			chromedp.Navigate(url),
			chromedp.WaitVisible("#amount-due"),
		)
		if err == nil {
			// The frame's load event runs the fitting script.
			_, err = chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const f = document.getElementById('document'); return f.contentDocument && f.contentDocument.readyState === 'complete' && parseFloat(f.style.height) > 0; })()`, chromedp.WithPollingTimeout(20*time.Second)))
		}
		var got measured
		if err == nil {
			got, err = chromedp.Run(ctx, chromedp.Evaluate[measured](`(() => {
				const vw = document.documentElement.clientWidth;
				const wide = [];
				for (const el of document.querySelectorAll('body *')) {
					const r = el.getBoundingClientRect();
					if (r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5)) wide.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
				}
				const f = document.getElementById('document');
				const d = f.contentDocument;
				const due = document.getElementById('amount-due').getBoundingClientRect();
				return {Scroll: document.documentElement.scrollWidth, Wide: wide,
					FrameW: f.getBoundingClientRect().width, FrameH: f.getBoundingClientRect().height,
					DocH: d.body.getBoundingClientRect().height, DocScroll: d.documentElement.scrollWidth,
					DueTop: due.top, DueRight: due.right,
					Card: Array.from(document.querySelectorAll('button.method')).some((b) => b.textContent.includes('Card via Infini'))};
			})()`))
		}
		var shot []byte
		if err == nil {
			shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
		}
		if err != nil {
			t.Fatalf("chromium: %v", err)
		}
		if got.Scroll > 390 {
			t.Errorf("the page scrolls sideways: %v px wide", got.Scroll)
		}
		for _, w := range got.Wide {
			t.Errorf("wider than the screen: %s", w)
		}
		if got.DueTop > 844 || got.DueRight > 390 {
			t.Errorf("the amount due is off the first screen: top %v, right %v", got.DueTop, got.DueRight)
		}
		if got.DocScroll > got.FrameW+0.5 {
			t.Errorf("the document is %v px wide in a %v px frame", got.DocScroll, got.FrameW)
		}
		if got.FrameH+1 < got.DocH {
			t.Errorf("the frame (%v px) is shorter than the document (%v px): it scrolls inside the page", got.FrameH, got.DocH)
		}
		if !got.Card {
			t.Error(`no payment option reads "Card via Infini"`)
		}
		dir := filepath.Join("..", ".tmp", "artifacts", "checkout")
		if d := os.Getenv("TALLY_ARTIFACTS"); d != "" {
			dir = filepath.Join(d, "checkout")
		}
		if err := os.MkdirAll(dir, 0o750); err == nil { //nolint:gosec // G703: the artifacts directory the developer chose
			name := filepath.Join(dir, "pay-390-"+b.Name+".png")
			if err := os.WriteFile(name, shot, 0o600); err == nil { //nolint:gosec // G703: an artifact path under the test's own directory
				t.Logf("screenshot %s", name)
			}
		}
	})
}
