// Package pdf turns a self-contained HTML document into a PDF with one warm
// Chromium, kept running by a [Pool] and driven over the DevTools protocol
// (github.com/chromedp/chromedp). A cold `chromium --print-to-pdf` costs over
// half a second a document; a warm tab prints a one-page invoice in tens of
// milliseconds.
//
// # Use
//
//	p := pdf.New(pdf.DefaultOptions())
//	if err := p.Start(ctx); err != nil { ... } // launch and warm up
//	defer p.Close()                             // no Chromium process outlives it
//	b, err := p.Render(ctx, pdf.Document{HTML: html, Paper: pdf.PaperA4, Title: "Invoice INV-000042", Author: "Acme Ltd"})
//
// The HTML must carry everything it needs: CSS inline, images and fonts as
// data: URIs. Its CSS `@page` rule sets the page size and margins;
// Document.Paper is the fallback.
//
// # Errors
//
// Render's errors wrap one of [ErrBusy], [ErrTimeout], [ErrBrowser],
// [ErrClosed] and [ErrDocument] (or are ctx's error). The text of those
// variables is safe to show a user; the error that wraps one also holds the
// technical cause, which the pool logs and callers should only log.
//
// # How it works
//
//   - One Chromium process (the Debian package, headless, no sandbox, a fresh
//     temporary profile per start) talks to the pool over a pipe: no debugging
//     port is opened. See flags in browser.go for every switch and why.
//   - The pool keeps Options.Concurrency tabs, each a page target in its own
//     window, opened and warmed by printing a tiny page when the browser
//     starts. A render takes a slot (waiting at most QueueTimeout, else
//     ErrBusy), takes an idle tab, and gives it back when done. A tab whose
//     render failed is closed, because its page may be stuck in a script,
//     and a warm one replaces it in the background.
//   - A render is a short list of DevTools steps (tasks.go): Page.setDocumentContent
//     into the tab's about:blank frame; set document.title and wait for
//     document.fonts.ready and every image; Page.printToPDF with the CSS page
//     size preferred and backgrounds printed. RenderTimeout bounds it all.
//   - Nothing leaves the browser: each tab blocks every http, https, ws, ftp
//     and file URL with Network.setBlockedURLs, and the browser resolves no
//     host name or address at all (--host-resolver-rules), so a stray URL
//     fails at once instead of waiting on a network that is not there.
//   - Crashes: when Chromium dies (OOM killer, kill -9), the renders running
//     in it fail with ErrBrowser, the dead browser's leftover children and
//     profile are removed, and a new browser starts at once in the
//     background; the next render waits for it. A render whose document had
//     not reached the dead browser yet is retried once on the new one. A
//     start that fails twice in a row gives ErrBrowser to the waiting
//     renders; the next render tries again.
//   - Recycling: after RecycleAfter renders the browser is retired: no new
//     render goes to it, its replacement starts at once, and it is closed
//     when its last render finishes. No render fails because of it.
//   - Close shuts Chromium down (Browser.close, then a kill after 5s), waits
//     for the process, kills any child still running with the pool's
//     --user-data-dir and removes that directory.
//
// # Title and Author
//
// Chromium writes the PDF's /Title from document.title, so the pool sets it
// before printing. It writes no /Author, so the pool appends one afterwards
// as a PDF incremental update (ISO 32000-1, 7.5.6; author.go): a copy of
// the Info dictionary with /Author, a one-entry cross-reference section and a
// trailer whose /Prev points at Chromium's. Every byte Chromium wrote stays as
// it was and it costs microseconds. github.com/pdfcpu/pdfcpu can set Author
// too (api.AddProperties), but it parses, validates and rewrites the whole
// file on each call and brings its own dependency tree (golang.org/x/image,
// tiff, cobra, yaml) into the server, for one dictionary key. The update only
// has to read what Skia, Chromium's PDF writer, produces: a classic
// cross-reference table and no encryption. It refuses anything else with an
// error, so a Chromium that changes format fails this package's tests rather
// than silently dropping the Author.
//
// # Processes
//
// Every process of a browser is found from /proc by its --user-data-dir flag
// or, for Chromium's crashpad handler, which double-forks away to PID 1 with
// no such flag, by the TALLY_PDF_PROFILE variable the browser is started
// with (https://github.com/puppeteer/puppeteer/issues/2778). Close and the
// crash path kill whatever of them is still running. Reaping a process that
// was reparented to PID 1 is PID 1's job, so a container needs an init
// (https://github.com/rubycdp/ferrum/pull/620, which also explains why
// --disable-crashpad-for-testing is not an option).
package pdf
