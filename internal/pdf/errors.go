package pdf

import "errors"

// The errors Render and Start return. Their text is written for the person who
// asked for the PDF; match them with errors.Is. The error that wraps one also
// carries the technical cause: log that, do not show it.
var (
	// ErrBusy is returned by Render when every tab stayed busy for
	// Options.QueueTimeout. Retrying a little later usually works.
	ErrBusy = errors.New("pdf: too many documents are being prepared right now; try again in a moment")

	// ErrTimeout is returned by Render when one render took longer than
	// Options.RenderTimeout, for example a document whose script never ends.
	// The tab is thrown away; the pool stays usable.
	ErrTimeout = errors.New("pdf: the document took too long to prepare")

	// ErrClosed is returned by Start, Render and Healthy after Close, and by a
	// render that Close interrupted.
	ErrClosed = errors.New("pdf: the PDF service is shut down")

	// ErrBrowser is returned when Chromium could not be started (twice in a
	// row), or when it died during this render. The pool starts a fresh
	// browser for the next render by itself.
	ErrBrowser = errors.New("pdf: the PDF service is unavailable; try again in a moment")

	// ErrDocument is returned by Render for a document it cannot print: no
	// HTML, or an unknown Paper.
	ErrDocument = errors.New("pdf: the document cannot be printed")
)

// failure is an error whose kind, one of the variables above, is what a user
// may see, and whose cause is the detail for the log.
type failure struct {
	kind  error
	cause error
}

func (f *failure) Error() string   { return f.kind.Error() + ": " + f.cause.Error() }
func (f *failure) Unwrap() []error { return []error{f.kind, f.cause} }

// fail wraps cause in the error kind.
func fail(kind, cause error) error { return &failure{kind: kind, cause: cause} }
