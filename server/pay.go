package main

import (
	"net/http"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/checkout"
)

// payPage serves GET /pay/{token}: the customer's page behind the payment
// link. Unknown, draft and voided invoices get the same plain 404.
func (a *app) payPage(w http.ResponseWriter, r *http.Request) {
	inv, err := checkout.Find(r.Context(), a.db.Client, r.PathValue("token"))
	if ent.IsNotFound(err) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("This payment link is not valid. Ask the sender for a new one.\n"))
		return
	}
	if err != nil {
		a.internalError(w, r, "open payment link", err)
		return
	}
	page, err := checkout.Render(r.Context(), inv, a.cfg.BaseURL)
	if err != nil {
		a.internalError(w, r, "render payment page", err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer") // the token is in the URL
	w.Header().Set("X-Frame-Options", "DENY")
	_, _ = w.Write(page)
}
