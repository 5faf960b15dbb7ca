package pdfhttp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/auth"
	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/pdf"
	"github.com/tally-invoicing/tally/internal/ratelimit"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/validate"
)

// NewCreditNoteHandler returns the handler for GET /credit-notes/{id}/pdf:
// the credit note document as a PDF for the merchant that issued it
// (session or API key), behind the same middleware and render limits as
// invoices. Customers reach their credit notes through the portal.
func NewCreditNoteHandler(o Options) http.Handler {
	if o.Client == nil || o.PDF == nil || o.Renders == nil {
		panic("pdfhttp.NewCreditNoteHandler: Options.Client, PDF and Renders are all required")
	}
	return &creditNoteHandler{o}
}

type creditNoteHandler struct{ o Options }

func (h *creditNoteHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if !validate.Key(id) {
		http.Error(w, "No credit note here.", http.StatusNotFound)
		return
	}
	if tenant.FromContext(ctx) == nil {
		http.Error(w, auth.SignInRequiredSentence(), http.StatusUnauthorized)
		return
	}
	cn, err := h.o.Client.CreditNote.Get(ctx, id)
	if ent.IsNotFound(err) {
		http.Error(w, "No credit note here.", http.StatusNotFound)
		return
	}
	if err != nil {
		internalError(w, r, "load credit note for PDF", err)
		return
	}
	end, err := h.o.Renders.Begin(ctx, tenant.CredentialOf(ctx))
	var limited *ratelimit.Error
	if errors.As(err, &limited) {
		ratelimit.WriteText(w, limited)
		return
	}
	if err != nil {
		return // the client went away while waiting
	}
	defer end()
	out, err := PrintCreditNote(ctx, h.o.PDF, cn)
	switch {
	case errors.Is(err, pdf.ErrBusy), errors.Is(err, pdf.ErrBrowser):
		slog.WarnContext(ctx, "credit note PDF unavailable", "credit_note", cn.ID, "err", err)
		w.Header().Set("Retry-After", "2")
		http.Error(w, userMessage(err), http.StatusServiceUnavailable)
		return
	case errors.Is(err, pdf.ErrTimeout):
		slog.WarnContext(ctx, "credit note PDF timed out", "credit_note", cn.ID, "err", err)
		http.Error(w, userMessage(err), http.StatusGatewayTimeout)
		return
	case err != nil:
		internalError(w, r, "render credit note PDF", err)
		return
	}
	disposition := "inline"
	if r.URL.Query().Get("download") != "" {
		disposition = "attachment"
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Security-Policy", Policy)
	w.Header().Set("Content-Disposition", disposition+`; filename="`+cn.Number+`.pdf"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(out)
}

// PrintCreditNote prints cn as the customer receives it: the credit note
// document through the PDF pool. The portal serves it with this too.
func PrintCreditNote(ctx context.Context, p Renderer, cn *ent.CreditNote) ([]byte, error) {
	snap, err := document.LoadCreditNote(ctx, cn)
	if err != nil {
		return nil, fmt.Errorf("load credit note document: %w", err)
	}
	html, err := document.Render(snap)
	if err != nil {
		return nil, fmt.Errorf("render credit note document: %w", err)
	}
	return p.Render(ctx, pdf.Document{HTML: html, Paper: pdf.Paper(snap.Paper), Title: snap.Title(), Author: snap.MerchantName})
}
