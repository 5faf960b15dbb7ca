package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// closeTimeout bounds the graceful shutdown of one browser; after it the
// process is killed.
const closeTimeout = 5 * time.Second

// flags are Chromium's command-line switches. chromedp adds
// --remote-debugging-pipe (no TCP port is opened) and about:blank.
func flags(o Options, dataDir string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(o.ExecPath),
		chromedp.UserDataDir(dataDir), // fresh per start, removed by close
		// Every process of this browser inherits the variable, also the
		// crashpad handler that has no --user-data-dir (see processesUsing).
		chromedp.Env(profileEnv + "=" + dataDir),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // the server's own user runs it; Debian's chromium cannot sandbox as root
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		// Containers give /dev/shm 64 MB and Chromium crashes when it fills
		// it: https://crbug.com/736452
		chromedp.Flag("disable-dev-shm-usage", true),
		// Hinting on Linux spaces glyphs unevenly in printed text:
		// https://github.com/puppeteer/puppeteer/issues/2410,
		// https://github.com/gotenberg/gotenberg/pull/163
		chromedp.Flag("font-render-hinting", "none"),
		// Same colours whatever the machine's display profile.
		chromedp.Flag("force-color-profile", "srgb"),
		// Each tab lives in its own, never focused, window: keep timers and
		// frames running so document.fonts.ready resolves promptly.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		// Second lock on the network, behind Network.setBlockedURLs in each
		// tab (see blockNetwork): no host name or IP address resolves, so no
		// connection can even start.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
		// Headless Chromium is the full browser: every window preloads
		// omnibox pop-ups, web pages of their own with a renderer process,
		// and Chromium keeps a spare renderer for the next tab. Here they
		// only cost memory, and their start right after Start took the CPU
		// from the first renders (2-3x slower for a second). The names are
		// those in Chromium 156; a name Chromium does not know is ignored.
		chromedp.Flag("disable-features", "SpareRendererForSitePerProcess,WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup"),
	}
}

// browser is one Chromium process and its tabs.
type browser struct {
	pid     int
	dataDir string
	log     *slog.Logger

	ctx         context.Context // the chromedp browser context; done when the browser is gone
	cancel      context.CancelFunc
	cancelAlloc context.CancelFunc // kills the process and waits for it

	idle        chan *tab     // warm tabs waiting for a render
	openTimeout time.Duration // bounds opening and warming a replacement tab

	// Guarded by Pool.mu.
	handedOut int  // renders given to this browser
	inflight  int  // renders running on it now
	retired   bool // no new render goes to it

	closing   chan struct{} // closed when close starts: a lost connection is then no crash
	closeOnce sync.Once
	closed    chan struct{}
}

// tab is one page target, reused render after render.
type tab struct {
	ctx    context.Context
	cancel context.CancelFunc // closes the target
	target *chromedp.Target
	frame  cdp.FrameID
}

// launch starts Chromium and opens and warms n tabs. ctx bounds the start only,
// not the life of the browser.
func launch(ctx context.Context, o Options, n int) (_ *browser, err error) {
	dir, err := os.MkdirTemp("", "tally-pdf-")
	if err != nil {
		return nil, fmt.Errorf("create user data dir: %w", err)
	}
	b := &browser{
		dataDir:     dir,
		log:         o.Logger,
		idle:        make(chan *tab, n),
		openTimeout: o.StartTimeout,
		closing:     make(chan struct{}),
		closed:      make(chan struct{}),
	}
	// The browser must outlive ctx, so it hangs off Background; ctx only
	// cancels the start.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), flags(o, dir)...)
	debugf := func(format string, args ...any) { b.log.Debug("chromedp: " + fmt.Sprintf(format, args...)) }
	b.ctx, b.cancel = chromedp.NewContext(allocCtx, chromedp.WithLogf(debugf), chromedp.WithErrorf(debugf))
	b.cancelAlloc = cancelAlloc
	defer func() {
		if err != nil {
			b.close()
		}
	}()

	// The first Run binds the browser's life to its context, so it must get
	// b.ctx itself; ctx can only cancel it from outside.
	stop := context.AfterFunc(ctx, b.cancel)
	err = chromedp.Do(b.ctx)
	if !stop() {
		return nil, fmt.Errorf("start %s: %w", o.ExecPath, context.Cause(ctx))
	}
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", o.ExecPath, err)
	}
	c := chromedp.FromContext(b.ctx)
	if p := c.Browser.Process(); p != nil {
		b.pid = p.Pid
	}
	// chromedp attached to the window Chromium opens at start; the pool does
	// not render in it. Close it first, so that its teardown overlaps the
	// warm-up rather than the first renders. Failing costs memory only.
	if _, err := cdp.Call(ctx, c.Browser, target.CloseTarget, target.CloseTargetParams{TargetID: c.Target.TargetID}); err != nil {
		b.log.Debug("pdf: close the initial tab", "err", err)
	}

	// Open and warm the tabs in parallel: the first print in a renderer is
	// several times slower than the next ones.
	tabs := make([]*tab, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			t, err := b.newTab(ctx)
			if err == nil {
				_, err = renderIn(ctx, t, warmUpDocument)
			}
			tabs[i], errs[i] = t, err
		})
	}
	wg.Wait()
	for _, t := range tabs {
		if t != nil {
			b.idle <- t
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("warm up: %w", err)
	}

	return b, nil
}

// warmUpDocument is printed once in every new tab. The first print in a
// renderer loads fonts and sets up layout, painting and the PDF writer, which
// costs several warm renders: this page uses what an invoice typically does
// (the font families Tally's template names, from the Debian packages the
// Makefile installs, in regular, bold and italic, CJK and emoji fallbacks,
// tabular figures, a table with backgrounds and borders, flexbox, an SVG and
// a data: image) so that the first real document finds it all loaded.
var warmUpDocument = Document{HTML: []byte(`<!doctype html><html><head><meta charset="utf-8"><title>warm-up</title><style>
@page { size: A4; margin: 15mm }
body { font: 10pt/1.4 "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: #222 }
header { display: flex; justify-content: space-between; border-bottom: 2px solid #36c }
h1 { font-size: 20pt; color: #36c }
.s { font-family: "Noto Serif", serif }
.m { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace }
table { width: 100%; border-collapse: collapse } td { padding: 4px; border-bottom: 1px solid #ddd }
tr:nth-child(even) td { background: #f4f6f8 } .r { text-align: right; font-variant-numeric: tabular-nums }
</style></head><body>
<header><svg width="40" height="40" viewBox="0 0 40 40"><rect width="40" height="40" rx="8" fill="#36c"/><path d="M10 12h20v4h-8v14h-4V16h-8z" fill="#fff"/></svg><h1>Warm-up</h1></header>
<p><b>Bold</b> <i>italic</i> <b><i>both</i></b> <span class="s">Serif <b>bold</b> <i>italic</i></span> <span class="m">RF18 5390 0754 7034 <b>bold</b></span> é ü ß € £ ¥ 請求書 ✓ 🧾</p>
<table><tr><td>1</td><td>Item</td><td class="r">1,234.56</td></tr><tr><td>2</td><td>Item</td><td class="r">7,890.12</td></tr></table>
<img alt="" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">
</body></html>`), Author: "warm-up"}

// newTab opens a page target in its own window and makes it ready to render.
// ctx bounds the opening only.
func (b *browser) newTab(ctx context.Context) (*tab, error) {
	tctx, cancel := chromedp.NewContext(b.ctx)
	stop := context.AfterFunc(ctx, cancel)
	err := chromedp.Do(tctx, setUpTab...)
	if !stop() {
		cancel()
		return nil, fmt.Errorf("open tab: %w", context.Cause(ctx))
	}
	if err != nil {
		cancel()
		return nil, fmt.Errorf("open tab: %w", err)
	}
	t := chromedp.FromContext(tctx).Target
	// The main frame of a page target has the target's ID.
	return &tab{ctx: tctx, cancel: cancel, target: t, frame: cdp.FrameID(t.TargetID)}, nil
}

// takeTab returns a warm tab, or opens one when all are gone (after errors).
func (b *browser) takeTab(ctx context.Context) (*tab, error) {
	select {
	case t := <-b.idle:
		return t, nil
	default:
		return b.newTab(ctx)
	}
}

// putTab gives a tab back after a render. A tab whose render failed is closed,
// as its page may be stuck in a script or half-loaded, and a warm one
// replaces it in the background.
func (b *browser) putTab(t *tab, ok bool) {
	if ok {
		b.keep(t)
		return
	}
	b.closeTab(t)
	go b.replaceTab()
}

// keep puts t among the idle tabs, or closes it when there are enough.
func (b *browser) keep(t *tab) {
	if b.alive() {
		select {
		case b.idle <- t:
			return
		default:
		}
	}
	b.closeTab(t)
}

// replaceTab opens and warms a tab for the idle set.
func (b *browser) replaceTab() {
	ctx, cancel := context.WithTimeout(b.ctx, b.openTimeout)
	defer cancel()
	t, err := b.newTab(ctx)
	if err == nil {
		_, err = renderIn(ctx, t, warmUpDocument)
		if err != nil {
			b.closeTab(t)
		}
	}
	if err != nil {
		if b.alive() {
			b.log.Warn("pdf: replace a tab", "pid", b.pid, "err", err)
		}
		return
	}
	b.keep(t)
}

// closeTab closes the target in the background: cancel waits for Chromium to
// confirm, which can take a while for a page stuck in a script.
func (b *browser) closeTab(t *tab) {
	go t.cancel()
}

// alive reports whether the connection to the process still holds.
// LostConnection closes before a call fails for want of it, and before
// chromedp cancels b.ctx.
func (b *browser) alive() bool {
	c := chromedp.FromContext(b.ctx)
	if b.ctx.Err() != nil || c.Browser == nil {
		return false
	}
	select {
	case <-c.Browser.LostConnection:
		return false
	default:
		return true
	}
}

// watch calls onCrash when the browser goes away without close having been
// called: the process died or was killed. chromedp cancels b.ctx as soon as
// the pipe to the browser breaks.
func (b *browser) watch(onCrash func()) {
	go func() {
		select {
		case <-b.ctx.Done():
			select {
			case <-b.closing:
			default:
				onCrash()
			}
		case <-b.closing:
		}
	}()
}

// version asks the browser for its version: the cheapest round trip.
func (b *browser) version(ctx context.Context) (string, error) {
	if !b.alive() {
		return "", errors.New("browser is not running")
	}
	c := chromedp.FromContext(b.ctx)
	v, err := cdp.Call(ctx, c.Browser, cdpbrowser.GetVersion, cdp.Empty{})
	if err != nil {
		return "", err
	}
	return v.Product, nil
}

// close shuts Chromium down, gracefully first, waits for the process, kills
// any child process left behind and removes the user data directory. It is
// safe to call more than once and from several goroutines; all wait.
func (b *browser) close() {
	b.closeOnce.Do(func() {
		close(b.closing)
		// The tabs need no closing of their own: their contexts are children
		// of b.ctx and end with the browser.
		if b.alive() {
			// Browser.close lets Chromium end its children and exit by
			// itself; the timeout falls back to a kill.
			ctx, cancel := context.WithTimeout(b.ctx, closeTimeout)
			if err := chromedp.Cancel(ctx); err != nil && !errors.Is(err, context.Canceled) {
				b.log.Debug("pdf: graceful browser close", "pid", b.pid, "err", err)
			}
			cancel()
		}
		b.cancel()
		b.cancelAlloc() // kills the process if still running and reaps it
		// After a kill -9 of the main process its children (zygote,
		// renderers) outlive it for a moment and keep writing in dataDir.
		killLeftovers(b.dataDir)
		if err := removeAll(b.dataDir); err != nil {
			b.log.Warn("pdf: remove browser user data dir", "dir", b.dataDir, "err", err)
		}
		close(b.closed)
	})
	<-b.closed
}

// killLeftovers kills the processes whose command line names dataDir as the
// user data directory (every Chromium child gets the flag) until none shows
// up for a few passes: a child can fork just as its parent dies.
func killLeftovers(dataDir string) {
	deadline := time.Now().Add(2 * time.Second)
	for quiet := 0; quiet < 3 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if pids := processesUsing(dataDir); len(pids) > 0 {
			for _, pid := range pids {
				_ = syscall.Kill(pid, syscall.SIGKILL) // it may have exited already; the next pass looks again
			}
			quiet = 0
		} else {
			quiet++
		}
	}
}

// profileEnv is the environment variable that marks the processes of one
// browser with its user data directory.
const profileEnv = "TALLY_PDF_PROFILE"

// processesUsing lists the live processes of the browser whose user data
// directory is dataDir, from /proc. Zombies are not listed: they have
// neither command line nor environment.
//
// Chromium's zygote and the processes it forks rewrite their command line
// into one space-separated string (setproctitle), so the flag is searched
// for, not compared with whole NUL-separated arguments as chromedp's own
// killLeftovers (allocate_linux.go) does, which finds the main process only.
// The crashpad handler has no such flag: it is found by profileEnv.
func processesUsing(dataDir string) []int {
	flag := []byte("--user-data-dir=" + dataDir)
	env := []byte(profileEnv + "=" + dataDir)
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if hasArg(cmdline, flag) {
			pids = append(pids, pid)
			continue
		}
		environ, _ := os.ReadFile("/proc/" + e.Name() + "/environ")
		if hasArg(environ, env) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// hasArg reports whether cmdline holds arg as a whole argument: followed by
// NUL, a space or the end, so that /tmp/x does not match /tmp/x2.
func hasArg(cmdline, arg []byte) bool {
	for i := 0; ; {
		j := bytes.Index(cmdline[i:], arg)
		if j < 0 {
			return false
		}
		end := i + j + len(arg)
		if end == len(cmdline) || cmdline[end] == 0 || cmdline[end] == ' ' {
			return true
		}
		i = end
	}
}

// removeAll retries os.RemoveAll for a while: a dying child can still create
// files in dir.
func removeAll(dir string) error {
	var err error
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if err = os.RemoveAll(dir); err == nil || time.Now().After(deadline) {
			return err
		}
	}
}
