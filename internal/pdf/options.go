package pdf

import (
	"log/slog"
	"os"
	"runtime"
	"time"
)

// Options configure a [Pool]. Start from [DefaultOptions]; a zero field given
// to [New] takes its default, so Options{Concurrency: 1} is valid.
type Options struct {
	// ExecPath is the Chromium binary. Default: $TALLY_CHROMIUM, or
	// /usr/bin/chromium (Debian's package) when that is unset.
	ExecPath string

	// Concurrency is how many tabs render at once, and how many warm tabs the
	// pool keeps. Default: runtime.NumCPU(). Printing is CPU-bound, so more
	// tabs than cores only adds memory.
	Concurrency int

	// QueueTimeout is how long a render may wait for a free tab before it
	// fails with [ErrBusy]. Default: 10s.
	QueueTimeout time.Duration

	// RenderTimeout bounds one render once it has a tab: loading the HTML,
	// waiting for fonts and images, printing. Past it the render fails with
	// [ErrTimeout] and its tab is thrown away. Default: 20s.
	RenderTimeout time.Duration

	// RecycleAfter restarts the browser after that many renders, to bound the
	// memory a long-lived Chromium accumulates. In-flight renders finish on the
	// old browser first. Default: 500.
	RecycleAfter int

	// StartTimeout bounds one browser start, warm-up included. Default: 30s.
	StartTimeout time.Duration

	// Logger receives the pool's events and the detail of every failure.
	// Default: slog.Default().
	Logger *slog.Logger
}

// DefaultOptions returns the options [New] fills zero fields from.
func DefaultOptions() Options {
	path := os.Getenv("TALLY_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	return Options{
		ExecPath:      path,
		Concurrency:   runtime.NumCPU(),
		QueueTimeout:  10 * time.Second,
		RenderTimeout: 20 * time.Second,
		RecycleAfter:  500,
		StartTimeout:  30 * time.Second,
		Logger:        slog.Default(),
	}
}

// withDefaults returns o with every zero field taken from DefaultOptions.
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.ExecPath == "" {
		o.ExecPath = d.ExecPath
	}
	if o.Concurrency <= 0 {
		o.Concurrency = d.Concurrency
	}
	if o.QueueTimeout <= 0 {
		o.QueueTimeout = d.QueueTimeout
	}
	if o.RenderTimeout <= 0 {
		o.RenderTimeout = d.RenderTimeout
	}
	if o.RecycleAfter <= 0 {
		o.RecycleAfter = d.RecycleAfter
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = d.StartTimeout
	}
	if o.Logger == nil {
		o.Logger = d.Logger
	}
	return o
}

// Paper is the sheet a document is printed on when its CSS has no
// `@page { size: ... }` rule. The zero value means [PaperA4].
type Paper string

// The paper sizes Tally prints on.
const (
	PaperA4     Paper = "A4"     // 210 x 297 mm, 595 x 842 pt
	PaperLetter Paper = "LETTER" // 8.5 x 11 in, 612 x 792 pt
)

// inches returns the width and height of the paper in inches.
func (p Paper) inches() (w, h float64, ok bool) {
	switch p {
	case PaperA4, "":
		return 8.27, 11.69, true
	case PaperLetter:
		return 8.5, 11, true
	}
	return 0, 0, false
}

// Document is one self-contained HTML page to print: CSS inline, images and
// fonts as data: URIs. Nothing is fetched from the network.
type Document struct {
	// HTML is the whole document. Its CSS `@page` rule, if any, sets the
	// page size and margins.
	HTML []byte

	// Paper is the fallback page size when the CSS sets none.
	Paper Paper

	// Title becomes the PDF's Title. Empty keeps the document's own <title>.
	Title string

	// Author becomes the PDF's Author. Empty writes none.
	Author string
}
