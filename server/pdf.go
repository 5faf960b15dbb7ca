package main

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/checkout"
	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/pdf"
	"github.com/tally-invoicing/tally/internal/ratelimit"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// invoicePDF serves GET /invoices/{id}/pdf: the invoice document as a PDF,
// for the merchant (session or API key) or for the customer, who proves
// access with the checkout token from their payment link (?token=...).
// ?download=1 asks the browser to save it rather than show it.
func (a *app) invoicePDF(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := pathKey(r, "id")
	if !ok {
		http.Error(w, "No invoice here.", http.StatusNotFound)
		return
	}
	var inv *ent.Invoice
	var err error
	switch token := r.URL.Query().Get("token"); {
	case token != "":
		// The customer: only what their payment link opens, never a draft or a voided invoice.
		ctx = tenant.System(ctx)
		inv, err = checkout.Find(ctx, a.db.Client, token)
		if err == nil && inv.ID != id {
			inv, err = nil, &ent.NotFoundError{}
		}
	case tenant.FromContext(ctx) != nil:
		inv, err = a.db.Client.Invoice.Get(ctx, id)
	default:
		http.Error(w, "Sign in, or send an API key as \"Authorization: Bearer <key>\".", http.StatusUnauthorized)
		return
	}
	if ent.IsNotFound(err) {
		http.Error(w, "No invoice here.", http.StatusNotFound)
		return
	}
	if err != nil {
		a.internalError(w, r, "load invoice for PDF", err)
		return
	}
	// One merchant's (or one payment link's) PDFs cannot take every
	// render slot from the others.
	key := "link/" + r.URL.Query().Get("token")
	if v := tenant.FromContext(r.Context()); v != nil {
		key = v.MerchantID + "/" + v.Credential()
	}
	end, err := a.renders.Begin(ctx, key)
	var limited *ratelimit.Error
	if errors.As(err, &limited) {
		ratelimit.WriteText(w, limited)
		return
	}
	if err != nil {
		return // the client went away while waiting
	}
	defer end()
	snap, err := document.Load(ctx, inv, a.cfg.BaseURL)
	if err != nil {
		a.internalError(w, r, "load invoice document", err)
		return
	}
	html, err := document.Render(snap)
	if err != nil {
		a.internalError(w, r, "render invoice document", err)
		return
	}
	out, err := a.pdf.Render(ctx, pdf.Document{HTML: html, Paper: pdf.Paper(snap.Paper), Title: snap.Title(), Author: snap.MerchantName})
	switch {
	case errors.Is(err, pdf.ErrBusy), errors.Is(err, pdf.ErrBrowser):
		slog.WarnContext(ctx, "invoice PDF unavailable", "invoice", inv.ID, "err", err)
		w.Header().Set("Retry-After", "2")
		http.Error(w, userMessage(err), http.StatusServiceUnavailable)
		return
	case errors.Is(err, pdf.ErrTimeout):
		slog.WarnContext(ctx, "invoice PDF timed out", "invoice", inv.ID, "err", err)
		http.Error(w, userMessage(err), http.StatusGatewayTimeout)
		return
	case err != nil:
		a.internalError(w, r, "render invoice PDF", err)
		return
	}
	disposition := "inline"
	if r.URL.Query().Get("download") != "" {
		disposition = "attachment"
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Security-Policy", pdfPolicy)
	w.Header().Set("Content-Disposition", disposition+`; filename="`+snap.FileName()+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(out)
}

// userMessage is the part of a pdf error meant for people: the text of the
// pdf package's error kind, without its "pdf: " prefix and technical cause.
func userMessage(err error) string {
	for _, kind := range []error{pdf.ErrBusy, pdf.ErrTimeout, pdf.ErrBrowser, pdf.ErrClosed, pdf.ErrDocument} {
		if errors.Is(err, kind) {
			msg := kind.Error()
			if len(msg) > 5 && msg[:5] == "pdf: " {
				msg = msg[5:]
			}
			return msg
		}
	}
	return "the PDF could not be made"
}

func (a *app) internalError(w http.ResponseWriter, r *http.Request, what string, err error) {
	slog.ErrorContext(r.Context(), what, "path", r.URL.Path, "err", err)
	http.Error(w, "Something went wrong on our side; it has been logged.", http.StatusInternalServerError)
}
