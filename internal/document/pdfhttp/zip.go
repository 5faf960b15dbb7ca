package pdfhttp

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/tally-invoicing/tally/ent"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/internal/auth"
	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/pdf"
	"github.com/tally-invoicing/tally/internal/ratelimit"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/validate"
)

// MaxZip is how many invoices one GET /invoices/pdfs.zip prints: each is a
// render in the shared browser pool, so a download stays a few seconds.
const MaxZip = 50

// NewZipHandler returns the handler for GET /invoices/pdfs.zip?ids=a,b,c:
// the merchant's invoices (session or API key; auth's Middleware goes in
// front) printed one by one through the pool and streamed as a zip, one
// PDF per invoice in the order given.
func NewZipHandler(o Options) http.Handler {
	if o.Client == nil || o.PDF == nil || o.Renders == nil {
		panic("pdfhttp.NewZipHandler: Options.Client, PDF and Renders are required")
	}
	return &zipHandler{o}
}

type zipHandler struct{ o Options }

func (h *zipHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if tenant.FromContext(ctx) == nil {
		http.Error(w, auth.SignInRequiredSentence(), http.StatusUnauthorized)
		return
	}
	var ids []string
	seen := map[string]bool{}
	for _, part := range strings.Split(r.URL.Query().Get("ids"), ",") {
		if id := strings.TrimSpace(part); id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	switch {
	case len(ids) == 0:
		http.Error(w, "Give the invoices to download: ?ids=inv_...,inv_...", http.StatusBadRequest)
		return
	case len(ids) > MaxZip:
		http.Error(w, fmt.Sprintf("At most %d invoices per download (%d given); download them in smaller groups.", MaxZip, len(ids)), http.StatusBadRequest)
		return
	}
	for _, id := range ids {
		if !validate.Key(id) {
			http.Error(w, "No invoice "+id+".", http.StatusNotFound)
			return
		}
	}
	found, err := h.o.Client.Invoice.Query().Where(entinvoice.IDIn(ids...)).All(ctx)
	if err != nil {
		internalError(w, r, "load invoices for a zip", err)
		return
	}
	byID := make(map[string]*ent.Invoice, len(found))
	for _, inv := range found {
		byID[inv.ID] = inv
	}
	for _, id := range ids {
		if byID[id] == nil {
			http.Error(w, "No invoice "+id+".", http.StatusNotFound)
			return
		}
	}
	// The first PDF is printed before anything is written, so a busy
	// browser is still a clean 503; a failure after that cuts the
	// download short (an error the browser shows) rather than sending an
	// archive with a file missing.
	first, name, err := h.print(ctx, byID[ids[0]])
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="invoices-%s.zip"`, time.Now().UTC().Format("2006-01-02")))
	w.Header().Set("Cache-Control", "private, no-store")
	zw := zip.NewWriter(w)
	names := map[string]bool{}
	add := func(inv *ent.Invoice, name string, data []byte) error {
		if names[name] {
			name = strings.TrimSuffix(name, ".pdf") + "-" + inv.ID + ".pdf"
		}
		names[name] = true
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: time.Now().UTC()})
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	}
	if err := add(byID[ids[0]], name, first); err != nil {
		panic(http.ErrAbortHandler)
	}
	for _, id := range ids[1:] {
		data, name, err := h.print(ctx, byID[id])
		if err != nil {
			slog.WarnContext(ctx, "zip of invoice PDFs cut short", "invoice", id, "err", err)
			panic(http.ErrAbortHandler)
		}
		if err := add(byID[id], name, data); err != nil {
			panic(http.ErrAbortHandler)
		}
	}
	if err := zw.Close(); err != nil {
		panic(http.ErrAbortHandler)
	}
}

// print renders inv within the credential's render slots.
func (h *zipHandler) print(ctx context.Context, inv *ent.Invoice) ([]byte, string, error) {
	end, err := h.o.Renders.Begin(ctx, tenant.CredentialOf(ctx))
	if err != nil {
		return nil, "", err
	}
	defer end()
	snap, err := document.Load(ctx, inv, h.o.BaseURL)
	if err != nil {
		return nil, "", err
	}
	html, err := document.Render(snap)
	if err != nil {
		return nil, "", err
	}
	data, err := h.o.PDF.Render(ctx, pdf.Document{HTML: html, Paper: pdf.Paper(snap.Paper), Title: snap.Title(), Author: snap.MerchantName})
	return data, snap.FileName(), err
}

func (h *zipHandler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var limited *ratelimit.Error
	switch {
	case errors.As(err, &limited):
		ratelimit.WriteText(w, limited)
	case errors.Is(err, pdf.ErrBusy), errors.Is(err, pdf.ErrBrowser):
		w.Header().Set("Retry-After", "2")
		http.Error(w, userMessage(err), http.StatusServiceUnavailable)
	case errors.Is(err, pdf.ErrTimeout):
		http.Error(w, userMessage(err), http.StatusGatewayTimeout)
	case r.Context().Err() != nil:
	default:
		internalError(w, r, "render PDF for a zip", err)
	}
}
