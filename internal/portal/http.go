package portal

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/document/pdfhttp"
	"github.com/tally-invoicing/tally/internal/pdf"
	"github.com/tally-invoicing/tally/internal/ratelimit"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Options are what the portal works with. Client, PDF, Renders and Now
// are required.
type Options struct {
	Client *ent.Client
	// PDF prints invoices and receipts (internal/pdf's Pool).
	PDF pdfhttp.Renderer
	// Renders bounds document renders per portal link.
	Renders *ratelimit.Renders
	// BaseURL is Tally's public URL, for the payment link in a document.
	BaseURL string
	// Now is a merchant's clock (clock.Clock.Now), for "overdue".
	Now func(merchantID string) time.Time
	// CreditNotePDF prints a credit note as the merchant sends it; nil
	// hides credit note links (the credit notes are still listed).
	CreditNotePDF func(ctx context.Context, n *ent.CreditNote) ([]byte, error)
}

// Handler serves the portal's public URLs.
type Handler struct {
	o   Options
	mux *http.ServeMux
}

// NewHandler returns the portal's HTTP surface. The caller mounts it
// under the same patterns, wrapped in the checkout's per-IP rate limit:
//
//	GET /portal/{token}                            the page
//	GET /portal/{token}/invoices/{id}/pdf          an invoice's PDF
//	GET /portal/{token}/receipts/{id}/pdf          a payment's receipt
//	GET /portal/{token}/credit-notes/{id}/pdf      a credit note (when CreditNotePDF is set)
func NewHandler(o Options) *Handler {
	if o.Client == nil || o.PDF == nil || o.Renders == nil || o.Now == nil {
		panic("portal.NewHandler: Options.Client, PDF, Renders and Now are required")
	}
	h := &Handler{o: o, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /portal/{token}", h.page)
	h.mux.HandleFunc("GET /portal/{token}/invoices/{id}/pdf", h.invoicePDF)
	h.mux.HandleFunc("GET /portal/{token}/receipts/{id}/pdf", h.receiptPDF)
	h.mux.HandleFunc("GET /portal/{token}/credit-notes/{id}/pdf", h.creditNotePDF)
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Every answer, the 404 included, is private to whoever holds the link.
	hd := w.Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer") // the token is in the URL
	hd.Set("X-Robots-Tag", "noindex, nofollow")
	h.mux.ServeHTTP(w, r)
}

// pagePolicy is the portal's Content-Security-Policy: no script at all,
// inline styles, the logo as a data: URI, no forms.
const pagePolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; " +
	"form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	p, err := Load(r.Context(), h.o.Client, r.PathValue("token"), h.o.Now)
	if h.failed(w, r, "open portal", err) {
		return
	}
	body, err := render(r.Context(), p, h.o.CreditNotePDF != nil)
	if err != nil {
		internalError(w, r, "render portal", err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", pagePolicy)
	_, _ = w.Write(body)
}

func (h *Handler) invoicePDF(w http.ResponseWriter, r *http.Request) {
	c, err := Customer(r.Context(), h.o.Client, r.PathValue("token"))
	if h.failed(w, r, "open portal", err) {
		return
	}
	inv, err := Invoice(r.Context(), h.o.Client, c, r.PathValue("id"))
	if h.failed(w, r, "portal invoice", err) {
		return
	}
	ctx := tenant.System(r.Context())
	pdfhttp.Serve(w, r, pdfhttp.Job{PDF: h.o.PDF, Renders: h.o.Renders, Key: h.key(r), Build: func(context.Context) (pdf.Document, string, error) {
		snap, err := document.Load(ctx, inv, h.o.BaseURL)
		if err != nil {
			return pdf.Document{}, "", err
		}
		html, err := document.Render(snap)
		if err != nil {
			return pdf.Document{}, "", err
		}
		return pdf.Document{HTML: html, Paper: pdf.Paper(snap.Paper), Title: snap.Title(), Author: snap.MerchantName}, snap.FileName(), nil
	}})
}

func (h *Handler) receiptPDF(w http.ResponseWriter, r *http.Request) {
	c, err := Customer(r.Context(), h.o.Client, r.PathValue("token"))
	if h.failed(w, r, "open portal", err) {
		return
	}
	pay, err := Payment(r.Context(), h.o.Client, c, r.PathValue("id"))
	if h.failed(w, r, "portal payment", err) {
		return
	}
	ctx := tenant.System(r.Context())
	pdfhttp.Serve(w, r, pdfhttp.Job{PDF: h.o.PDF, Renders: h.o.Renders, Key: h.key(r), Build: func(context.Context) (pdf.Document, string, error) {
		rc, err := document.LoadReceipt(ctx, h.o.Client, pay)
		if err != nil {
			return pdf.Document{}, "", err
		}
		html, err := document.RenderReceipt(rc) // no portal link: the PDF is the document alone
		if err != nil {
			return pdf.Document{}, "", err
		}
		paper := rc.Paper
		if paper == "" {
			paper = document.PaperA4
		}
		return pdf.Document{HTML: html, Paper: pdf.Paper(paper), Title: rc.Title(), Author: rc.MerchantName}, rc.FileName(), nil
	}})
}

func (h *Handler) creditNotePDF(w http.ResponseWriter, r *http.Request) {
	if h.o.CreditNotePDF == nil {
		notFound(w)
		return
	}
	c, err := Customer(r.Context(), h.o.Client, r.PathValue("token"))
	if h.failed(w, r, "open portal", err) {
		return
	}
	n, err := CreditNote(r.Context(), h.o.Client, c, r.PathValue("id"))
	if h.failed(w, r, "portal credit note", err) {
		return
	}
	ctx := tenant.System(r.Context())
	pdfhttp.Serve(w, r, pdfhttp.Job{Renders: h.o.Renders, Key: h.key(r), Printed: func(context.Context) ([]byte, string, error) {
		out, err := h.o.CreditNotePDF(ctx, n)
		return out, n.Number + ".pdf", err
	}})
}

// key is whose render slots a portal's PDFs use: one portal link cannot
// take every slot from the others.
func (h *Handler) key(r *http.Request) string { return "portal/" + r.PathValue("token") }

// failed answers the 404 page for ErrNotFound and 500 for anything else,
// and reports whether it answered.
func (h *Handler) failed(w http.ResponseWriter, r *http.Request, what string, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, ErrNotFound):
		notFound(w)
	default:
		internalError(w, r, what, err)
	}
	return true
}

// notFoundPage is the one answer for an unknown or revoked link and for
// anything outside the link's customer: nothing tells them apart.
const notFoundPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Link not valid</title></head>
<body style="margin: 0; padding: 32px 18px; font: 16px/1.5 'Noto Sans', 'Helvetica Neue', Arial, sans-serif; color: #1f2430; background: #f4f6fb;">
<main style="max-width: 480px; margin: 0 auto; background: #fff; border: 1px solid #e3e8f4; border-radius: 10px; padding: 22px;">
<h1 style="font-size: 20px; margin: 0 0 8px 0;">This link is not valid</h1>
<p style="margin: 0;">It may have been replaced by a newer one. Ask the sender of your invoices for a new link.</p>
</main></body></html>
`

func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", pagePolicy)
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(notFoundPage))
}

// internalError logs err and tells the client only that it was logged.
func internalError(w http.ResponseWriter, r *http.Request, what string, err error) {
	slog.ErrorContext(r.Context(), what, "path", r.URL.Path, "err", err)
	http.Error(w, "Something went wrong on our side; it has been logged.", http.StatusInternalServerError)
}
