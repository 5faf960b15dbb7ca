package pdfhttp

import (
	"context"
	"fmt"
	"net/http"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/auth"
	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/pdf"
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
	Serve(w, r, Job{
		PDF: h.o.PDF, Renders: h.o.Renders, Key: tenant.CredentialOf(ctx),
		Build: func(ctx context.Context) (pdf.Document, string, error) {
			doc, err := CreditNoteDocument(ctx, cn)
			return doc, cn.Number + ".pdf", err
		},
	})
}

// CreditNoteDocument is cn as the customer receives it: the credit note
// document, ready for the PDF pool.
func CreditNoteDocument(ctx context.Context, cn *ent.CreditNote) (pdf.Document, error) {
	snap, err := document.LoadCreditNote(ctx, cn)
	if err != nil {
		return pdf.Document{}, fmt.Errorf("load credit note document: %w", err)
	}
	html, err := document.Render(snap)
	if err != nil {
		return pdf.Document{}, fmt.Errorf("render credit note document: %w", err)
	}
	return pdf.Document{HTML: html, Paper: pdf.Paper(snap.Paper), Title: snap.Title(), Author: snap.MerchantName}, nil
}

// PrintCreditNote prints cn through the PDF pool: the email attachment
// and the portal use it.
func PrintCreditNote(ctx context.Context, p Renderer, cn *ent.CreditNote) ([]byte, error) {
	doc, err := CreditNoteDocument(ctx, cn)
	if err != nil {
		return nil, err
	}
	return p.Render(ctx, doc)
}
