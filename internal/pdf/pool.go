package pdf

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Pool prints HTML documents to PDF in one warm Chromium. It is safe for
// concurrent use. Create it with New, then call Start once.
type Pool struct {
	opts  Options
	log   *slog.Logger
	slots chan struct{} // one token per render allowed to run

	mu       sync.Mutex
	cur      *browser              // where new renders go; nil while (re)starting
	starting chan struct{}         // closed when the start in progress ends
	startErr error                 // the failure of the last start, if it failed
	draining map[*browser]struct{} // retired browsers still finishing renders
	closed   bool
	bg       sync.WaitGroup // starts and closes running in the background
}

// New returns a pool with opts; zero fields take their default (see
// [DefaultOptions]). It starts nothing: call Start.
func New(opts Options) *Pool {
	o := opts.withDefaults()
	return &Pool{
		opts:     o,
		log:      o.Logger,
		slots:    make(chan struct{}, o.Concurrency),
		draining: make(map[*browser]struct{}),
	}
}

// Start launches Chromium and opens Concurrency tabs, each warmed by printing
// a tiny page, so that the first real render is as fast as the next ones. It
// returns when the pool is ready, or with an error wrapping [ErrBrowser].
// Render starts the browser by itself when Start was not called, at the
// first caller's expense.
func (p *Pool) Start(ctx context.Context) error {
	b, err := p.acquireBrowser(ctx)
	if err != nil {
		return err
	}
	p.releaseBrowser(b)
	return nil
}

// Render prints doc and returns the PDF. Errors wrap [ErrBusy], [ErrTimeout],
// [ErrBrowser], [ErrClosed] or [ErrDocument], or are ctx's own error.
func (p *Pool) Render(ctx context.Context, doc Document) ([]byte, error) {
	if len(doc.HTML) == 0 {
		return nil, fail(ErrDocument, errors.New("empty HTML"))
	}
	if _, _, ok := doc.Paper.inches(); !ok {
		return nil, fail(ErrDocument, fmt.Errorf("unknown paper %q", doc.Paper))
	}
	begin := time.Now()
	if err := p.acquireSlot(ctx); err != nil {
		p.logFailure(err, begin)
		return nil, err
	}
	defer func() { <-p.slots }()

	for attempt := 1; ; attempt++ {
		b, err := p.acquireBrowser(ctx)
		if err != nil {
			p.logFailure(err, begin)
			return nil, err
		}
		pdf, delivered, err := p.renderOn(ctx, b, doc)
		p.releaseBrowser(b)
		if err != nil && !delivered && attempt == 1 && errors.Is(err, ErrBrowser) {
			// The browser died before it had the document: not the
			// document's fault, so try once on the next browser.
			p.log.Warn("pdf: browser gone before the render began; retrying", "err", err)
			continue
		}
		if err != nil {
			p.logFailure(err, begin)
			return nil, err
		}
		p.log.Debug("pdf: rendered", "bytes", len(pdf), "took", time.Since(begin), "browser_pid", b.pid)
		return pdf, nil
	}
}

// acquireSlot waits up to QueueTimeout for one of the Concurrency slots.
func (p *Pool) acquireSlot(ctx context.Context) error {
	if p.isClosed() {
		return ErrClosed
	}
	select {
	case p.slots <- struct{}{}:
		return nil
	default:
	}
	timer := time.NewTimer(p.opts.QueueTimeout)
	defer timer.Stop()
	select {
	case p.slots <- struct{}{}:
		return nil
	case <-timer.C:
		return fail(ErrBusy, fmt.Errorf("no tab free after %s (%d in use)", p.opts.QueueTimeout, cap(p.slots)))
	case <-ctx.Done():
		return ctx.Err()
	}
}

// renderOn prints doc in a tab of b, within RenderTimeout, and sorts the
// failure into the package's errors. delivered reports whether the document
// may have reached Chromium.
func (p *Pool) renderOn(ctx context.Context, b *browser, doc Document) (pdf []byte, delivered bool, err error) {
	rctx, cancel := context.WithTimeout(ctx, p.opts.RenderTimeout)
	defer cancel()
	t, err := b.takeTab(rctx)
	if err != nil {
		return nil, false, p.classify(ctx, rctx, b, err)
	}
	pdf, err = renderIn(rctx, t, doc)
	b.putTab(t, err == nil)
	if err != nil {
		return nil, true, p.classify(ctx, rctx, b, err)
	}
	return pdf, true, nil
}

// classify wraps a render's err in the package error that explains it.
func (p *Pool) classify(ctx, rctx context.Context, b *browser, err error) error {
	switch {
	case ctx.Err() != nil: // the caller gave up
		return fmt.Errorf("pdf: %w: %w", ctx.Err(), err)
	case isClosing(b) && p.isClosed():
		return fail(ErrClosed, err)
	case !b.alive():
		return fail(ErrBrowser, fmt.Errorf("chromium (pid %d) died during the render: %w", b.pid, err))
	case rctx.Err() != nil:
		return fail(ErrTimeout, fmt.Errorf("render took more than %s: %w", p.opts.RenderTimeout, err))
	}
	return fmt.Errorf("pdf: %w", err)
}

func isClosing(b *browser) bool {
	select {
	case <-b.closing:
		return true
	default:
		return false
	}
}

// logFailure logs the detail of a failed render; the caller shows the user
// only the kind.
func (p *Pool) logFailure(err error, begin time.Time) {
	level := slog.LevelWarn
	if errors.Is(err, ErrBrowser) {
		level = slog.LevelError
	}
	if errors.Is(err, context.Canceled) && !errors.Is(err, ErrBrowser) {
		level = slog.LevelInfo
	}
	p.log.Log(context.Background(), level, "pdf: render failed", "err", err, "after", time.Since(begin))
}

// acquireBrowser returns the browser new renders go to, starting one when
// there is none, and counts the render in it. Pair it with releaseBrowser.
func (p *Pool) acquireBrowser(ctx context.Context) (*browser, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, ErrClosed
		}
		if b := p.cur; b != nil && !b.alive() {
			// Dead, and its watcher has not said so yet.
			p.retireLocked(b)
		}
		if b := p.cur; b != nil {
			b.inflight++
			b.handedOut++
			if b.handedOut >= p.opts.RecycleAfter {
				p.log.Info("pdf: recycling browser", "pid", b.pid, "renders", b.handedOut)
				p.retireLocked(b)
			}
			p.mu.Unlock()
			return b, nil
		}
		if p.starting == nil {
			p.startLocked()
		}
		wait := p.starting
		p.mu.Unlock()

		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		p.mu.Lock()
		err := p.startErr
		p.mu.Unlock()
		if err != nil {
			return nil, fail(ErrBrowser, err)
		}
	}
}

// releaseBrowser ends a render on b, and closes b when it is retired and
// this was its last render.
func (p *Pool) releaseBrowser(b *browser) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b.inflight--
	if b.retired && b.inflight == 0 {
		p.closeLocked(b)
	}
}

// retireLocked stops new renders from going to b, starts its replacement,
// and closes b once its renders are done (drain, then swap).
func (p *Pool) retireLocked(b *browser) {
	if b.retired {
		return
	}
	b.retired = true
	if p.cur == b {
		p.cur = nil
	}
	if b.inflight == 0 {
		p.closeLocked(b)
	} else {
		p.draining[b] = struct{}{}
	}
	if p.starting == nil && !p.closed {
		p.startLocked()
	}
}

// closeLocked closes b in the background. After Close, Close does it.
func (p *Pool) closeLocked(b *browser) {
	delete(p.draining, b)
	if p.closed {
		return
	}
	p.bg.Go(func() {
		b.close()
		p.log.Debug("pdf: browser closed", "pid", b.pid)
	})
}

// startLocked launches a browser in the background; acquireBrowser waits on
// p.starting. A failed launch is tried once more before the waiters get
// ErrBrowser; the next render tries again.
func (p *Pool) startLocked() {
	done := make(chan struct{})
	p.starting = done
	p.bg.Go(func() {
		var b *browser
		var err error
		for attempt := 1; attempt <= 2 && !p.isClosed(); attempt++ {
			began := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), p.opts.StartTimeout)
			b, err = launch(ctx, p.opts, p.opts.Concurrency)
			cancel()
			if err == nil {
				p.log.Info("pdf: browser started", "pid", b.pid, "took", time.Since(began))
				break
			}
			p.log.Error("pdf: browser start failed", "attempt", attempt, "err", err)
		}
		if err == nil && b == nil {
			err = ErrClosed
		}

		p.mu.Lock()
		p.starting = nil
		p.startErr = err
		close(done)
		closed := p.closed
		if err == nil && !closed {
			p.cur = b
			b.watch(func() { p.crashed(b) })
		}
		p.mu.Unlock()
		if err == nil && closed {
			b.close()
		}
	})
}

// crashed retires a browser that died by itself. Its running renders fail
// with ErrBrowser; a new browser starts at once for the next ones.
func (p *Pool) crashed(b *browser) {
	p.log.Error("pdf: chromium died; starting a new one", "pid", b.pid)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.retireLocked(b)
}

func (p *Pool) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// Healthy reports whether the browser answers a Browser.getVersion. It fails
// with [ErrBrowser] while no browser runs (during a restart, say), and with
// [ErrClosed] after Close. Without a deadline on ctx it waits at most 5s.
func (p *Pool) Healthy(ctx context.Context) error {
	p.mu.Lock()
	b, closed := p.cur, p.closed
	p.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if b == nil {
		return fail(ErrBrowser, errors.New("no browser running"))
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
	}
	if _, err := b.version(ctx); err != nil {
		return fail(ErrBrowser, fmt.Errorf("chromium (pid %d) does not answer: %w", b.pid, err))
	}
	return nil
}

// Close shuts the browser down and waits until every Chromium process of the
// pool has exited and its temporary profile is removed. Renders still running
// fail with [ErrClosed]. Calling Close again does nothing.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		p.bg.Wait()
		return nil
	}
	p.closed = true
	var all []*browser
	if p.cur != nil {
		all = append(all, p.cur)
		p.cur = nil
	}
	for b := range p.draining {
		all = append(all, b)
	}
	clear(p.draining)
	p.mu.Unlock()

	for _, b := range all {
		b.close()
	}
	p.bg.Wait() // a start in progress closes its browser itself
	return nil
}
