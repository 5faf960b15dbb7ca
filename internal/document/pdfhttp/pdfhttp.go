// Package pdfhttp serves an invoice's document as a PDF to whoever may see
// it: the merchant that owns the invoice (signed in, or with an API key) or
// the customer holding the invoice's payment link.
package pdfhttp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/auth"
	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/pdf"
	"github.com/tally-invoicing/tally/internal/ratelimit"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/validate"
)

// Policy is the PDF's Content-Security-Policy: Chrome's PDF viewer renders
// inside the PDF's own document, which a default-src 'none' would starve; a
// PDF runs no script anyway.
const Policy = "frame-ancestors 'self'"

// Renderer prints HTML as a PDF (internal/pdf's Pool).
type Renderer interface {
	Render(ctx context.Context, doc pdf.Document) ([]byte, error)
}

// Options are what the handler works with; every field is required.
type Options struct {
	// Client reads the merchant's own invoices (tenant-filtered).
	Client *ent.Client
	// FindLink returns the invoice a payment link opens, or ent's not-found
	// error for a link that opens none (checkout.Find).
	FindLink func(ctx context.Context, token string) (*ent.Invoice, error)
	// PDF prints the document.
	PDF Renderer
	// Renders bounds document renders per credential or payment link.
	Renders *ratelimit.Renders
	// BaseURL is Tally's public URL, for the payment link in the document.
	BaseURL string
}

// NewHandler returns the handler for GET /invoices/{id}/pdf. The caller
// puts auth's Middleware (and its rate limits) in front, so a merchant's
// request carries its viewer.
func NewHandler(o Options) http.Handler {
	if o.Client == nil || o.FindLink == nil || o.PDF == nil || o.Renders == nil {
		panic("pdfhttp.NewHandler: Options.Client, FindLink, PDF and Renders are all required")
	}
	return &handler{o}
}

type handler struct{ o Options }

// ServeHTTP serves GET /invoices/{id}/pdf: the invoice document as a PDF,
// for the merchant (session or API key) or for the customer, who proves
// access with the checkout token from their payment link (?token=...).
// ?download=1 asks the browser to save it rather than show it.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if !validate.Key(id) {
		// Not an id Tally could have made; the database need not be asked.
		http.Error(w, "No invoice here.", http.StatusNotFound)
		return
	}
	var inv *ent.Invoice
	var err error
	switch token := r.URL.Query().Get("token"); {
	case token != "":
		// The customer: only what their payment link opens, never a draft or a voided invoice.
		ctx = tenant.System(ctx)
		inv, err = h.o.FindLink(ctx, token)
		if err == nil && inv.ID != id {
			inv, err = nil, &ent.NotFoundError{}
		}
	case tenant.FromContext(ctx) != nil:
		inv, err = h.o.Client.Invoice.Get(ctx, id)
	default:
		http.Error(w, auth.SignInRequiredSentence(), http.StatusUnauthorized)
		return
	}
	if ent.IsNotFound(err) {
		http.Error(w, "No invoice here.", http.StatusNotFound)
		return
	}
	if err != nil {
		internalError(w, r, "load invoice for PDF", err)
		return
	}
	// One merchant's (or one payment link's) PDFs cannot take every
	// render slot from the others.
	key := tenant.CredentialOf(r.Context())
	if key == "" {
		key = "link/" + r.URL.Query().Get("token")
	}
	Serve(w, r, Job{PDF: h.o.PDF, Renders: h.o.Renders, Key: key, Build: func(context.Context) (pdf.Document, string, error) {
		// ctx, not the request's: for a payment link it reads as the system.
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

// userMessage is the part of a pdf error meant for people: the text of the
// pdf package's error kind, without its "pdf: " prefix and technical cause.
func userMessage(err error) string {
	for _, kind := range []error{pdf.ErrBusy, pdf.ErrTimeout, pdf.ErrBrowser, pdf.ErrClosed, pdf.ErrDocument} {
		if errors.Is(err, kind) {
			return strings.TrimPrefix(kind.Error(), "pdf: ")
		}
	}
	return "the PDF could not be made"
}

// internalError logs err and tells the client only that it was logged.
func internalError(w http.ResponseWriter, r *http.Request, what string, err error) {
	slog.ErrorContext(r.Context(), what, "path", r.URL.Path, "err", err)
	http.Error(w, "Something went wrong on our side; it has been logged.", http.StatusInternalServerError)
}
