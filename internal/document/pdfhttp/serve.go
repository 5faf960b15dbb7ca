package pdfhttp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/tally-invoicing/tally/internal/pdf"
	"github.com/tally-invoicing/tally/internal/ratelimit"
)

// Job is one PDF to serve: Build returns the document to print and the
// file name it is downloaded as.
type Job struct {
	PDF     Renderer
	Renders *ratelimit.Renders
	// Key is whose render slots the print uses: a credential, a payment
	// link or a portal link.
	Key   string
	Build func(ctx context.Context) (doc pdf.Document, fileName string, err error)
	// Printed, when set instead of Build, returns a PDF printed elsewhere
	// (a credit note printed by its own package) and its file name.
	Printed func(ctx context.Context) (data []byte, fileName string, err error)
}

// Serve prints j's document within j.Key's render slots and writes it as
// application/pdf, inline unless ?download=1, never cached. A busy or
// broken browser is 503 with Retry-After, a timeout 504; the reason shown
// is the pdf package's sentence, the cause is logged.
func Serve(w http.ResponseWriter, r *http.Request, j Job) {
	ctx := r.Context()
	end, err := j.Renders.Begin(ctx, j.Key)
	var limited *ratelimit.Error
	if errors.As(err, &limited) {
		ratelimit.WriteText(w, limited)
		return
	}
	if err != nil {
		return // the client went away while waiting
	}
	defer end()
	out, name, err := j.print(ctx)
	switch {
	case errors.Is(err, pdf.ErrBusy), errors.Is(err, pdf.ErrBrowser):
		slog.WarnContext(ctx, "PDF unavailable", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "2")
		http.Error(w, userMessage(err), http.StatusServiceUnavailable)
		return
	case errors.Is(err, pdf.ErrTimeout):
		slog.WarnContext(ctx, "PDF timed out", "path", r.URL.Path, "err", err)
		http.Error(w, userMessage(err), http.StatusGatewayTimeout)
		return
	case err != nil:
		internalError(w, r, "render PDF", err)
		return
	}
	disposition := "inline"
	if r.URL.Query().Get("download") != "" {
		disposition = "attachment"
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Security-Policy", Policy)
	w.Header().Set("Content-Disposition", disposition+`; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(out)
}

func (j Job) print(ctx context.Context) ([]byte, string, error) {
	if j.Printed != nil {
		return j.Printed(ctx)
	}
	doc, name, err := j.Build(ctx)
	if err != nil {
		return nil, "", err
	}
	out, err := j.PDF.Render(ctx, doc)
	return out, name, err
}
