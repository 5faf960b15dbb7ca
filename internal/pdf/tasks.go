package pdf

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// setUpTab runs once in every new tab.
var setUpTab = []chromedp.Action[chromedp.Void]{
	blockNetwork(),
}

// renderIn prints doc in the tab t: the steps below, in order, then the
// Author fix-up.
func renderIn(ctx context.Context, t *tab, doc Document) ([]byte, error) {
	w, h, ok := doc.Paper.inches()
	if !ok {
		return nil, fmt.Errorf("unknown paper %q", doc.Paper)
	}
	load := chromedp.Steps(
		setContent(t.frame, doc.HTML),
		waitReady(doc.Title),
	)
	if _, err := load(ctx, t.target); err != nil {
		return nil, err
	}
	pdf, err := printToPDF(w, h)(ctx, t.target)
	if err != nil {
		return nil, err
	}
	if doc.Author == "" {
		return pdf, nil
	}
	return setAuthor(pdf, doc.Author)
}

// blockNetwork fails every request that would leave the browser, before it is
// sent: http(s), ws(s), ftp and file URLs alike. data: and blob: URLs are
// not requests to anything and keep working. The host resolver rules in
// flags are the second lock.
func blockNetwork() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		// URLPattern syntax; the pattern has to be absolute, and "*" alone
		// is not (https://urlpattern.spec.whatwg.org/).
		_, err := cdp.Call(ctx, t, network.SetBlockedURLs, network.SetBlockedURLsParams{
			URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/*", Block: true}},
		})
		if err != nil {
			return fmt.Errorf("block network: %w", err)
		}
		return nil
	})
}

// setContent replaces the document of the tab's main frame with html, as a
// navigation would, but without a URL to fetch.
func setContent(frame cdp.FrameID, html []byte) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		// The protocol is JSON: invalid UTF-8 would fail the whole call.
		s := strings.ToValidUTF8(string(html), "\uFFFD")
		_, err := cdp.Call(ctx, t, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: frame, HTML: s})
		if err != nil {
			return fmt.Errorf("set document content: %w", err)
		}
		return nil
	})
}

// readyScript sets the title Chromium copies into the PDF, then waits for the
// web fonts and every image: printing does not wait for them.
const readyScript = `(async (title) => {
	if (title !== "") document.title = title;
	const images = Array.from(document.images, (img) => {
		img.loading = "eager";
		return img.decode().catch(() => {});
	});
	await Promise.all([document.fonts.ready, ...images]);
})(%s)`

// waitReady runs readyScript.
func waitReady(title string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		arg, err := json.Marshal(title) // a JSON string is a JS string literal
		if err != nil {
			return err
		}
		res, err := cdp.Call(ctx, t, runtime.Evaluate, runtime.EvaluateParams{
			Expression:   fmt.Sprintf(readyScript, arg),
			AwaitPromise: new(true),
			Silent:       new(true),
		})
		if err != nil {
			return fmt.Errorf("wait for fonts and images: %w", err)
		}
		if res.ExceptionDetails != nil {
			return fmt.Errorf("wait for fonts and images: %w", &chromedp.ExceptionError{ExceptionDetails: res.ExceptionDetails})
		}
		return nil
	})
}

// printToPDF prints the page. The CSS @page rule wins over the paper size
// given here, which is only the fallback.
func printToPDF(widthIn, heightIn float64) chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{
			PreferCSSPageSize:       new(true),
			PrintBackground:         new(true),
			PaperWidth:              widthIn,
			PaperHeight:             heightIn,
			GenerateDocumentOutline: new(false),
			TransferMode:            page.PrintToPDFTransferModeReturnAsBase64,
		})
		if err != nil {
			return nil, fmt.Errorf("print to PDF: %w", err)
		}
		return res.Data, nil
	}
}
