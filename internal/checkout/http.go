package checkout

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/tally-invoicing/tally/internal/checkout/infini"
	"github.com/tally-invoicing/tally/internal/checkout/wallet"
	"github.com/tally-invoicing/tally/internal/event"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/invoice/paymethod"
	"github.com/tally-invoicing/tally/internal/validate"
)

// maxWebhookBody bounds what a webhook endpoint reads.
const maxWebhookBody = 1 << 20

// HandlerOptions are what the server decides about the checkout's URLs.
type HandlerOptions struct {
	// Events carries committed invoice status changes to the payment page.
	Events *event.Bus[*invoice.Change]
	// CryptoWebhookSecrets verify the external chain watcher's reports;
	// none means POST /webhooks/crypto answers 404.
	CryptoWebhookSecrets []string
	// SandboxTransfers serves POST /sandbox/crypto/transfers, which
	// pretends a transfer was seen on chain: development only.
	SandboxTransfers bool
}

// Handler serves the checkout's public URLs: the payment page behind the
// link, its method buttons and live status, and the reports of payment
// providers and the chain watcher.
type Handler struct {
	s    *Service
	opts HandlerOptions
	mux  *http.ServeMux
}

// NewHandler returns the checkout's HTTP surface over s. The caller mounts
// it under the same patterns (wrapped in its rate limits):
//
//	GET  /pay/{token}              the payment page
//	POST /pay/{token}/start        a method button: opens a checkout session
//	GET  /pay/{token}/events       the page's live status (Server-Sent Events)
//	POST /webhooks/infini          Infini's order webhooks
//	POST /webhooks/crypto          the chain watcher's signed transfers
//	POST /sandbox/crypto/transfers with SandboxTransfers only
func NewHandler(s *Service, opts HandlerOptions) *Handler {
	if opts.Events == nil {
		panic("checkout.NewHandler: HandlerOptions.Events is required")
	}
	h := &Handler{s: s, opts: opts, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /pay/{token}", h.page)
	h.mux.HandleFunc("POST /pay/{token}/start", h.start)
	h.mux.HandleFunc("GET /pay/{token}/events", h.events)
	h.mux.HandleFunc("POST /webhooks/infini", h.infiniWebhook)
	h.mux.HandleFunc("POST /webhooks/crypto", h.cryptoWebhook)
	if opts.SandboxTransfers {
		h.mux.HandleFunc("POST /sandbox/crypto/transfers", h.sandboxTransfer)
	}
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// page serves GET /pay/{token}: the customer's page behind the payment
// link. Unknown, draft and voided invoices get the same plain 404.
// ?session= names the checkout the payer started or returns from; for a
// provider's checkout it first asks the provider for the order's state, in
// case its webhook is late or lost.
func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, ok := h.openLink(w, r)
	if !ok {
		return
	}
	token := r.PathValue("token") // checked by openLink
	st := PageState{Failed: r.URL.Query().Get("failed") == "1", Nonce: newNonce()}
	if sess := h.s.SessionFor(ctx, v.Invoice, r.URL.Query().Get("session")); sess != nil {
		if sess.OrderID != nil {
			if err := h.s.Refresh(ctx, v.Invoice.ID); err != nil {
				slog.WarnContext(ctx, "checkout: refresh order on return", "session", sess.ID, "err", err)
			}
			var err error
			if v, err = h.s.Load(ctx, token); err != nil {
				internalError(w, r, "reload payment link", err)
				return
			}
			sess = h.s.SessionFor(ctx, v.Invoice, sess.ID)
		}
		st.Session = sess
	}
	page, err := h.s.Render(ctx, v, st)
	if err != nil {
		internalError(w, r, "render payment page", err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer") // the token is in the URL
	w.Header().Set("Content-Security-Policy", pagePolicy(st.Nonce))
	_, _ = w.Write(page) //nolint:gosec // G705: page is html/template output, escaped as it was rendered
}

// start serves POST /pay/{token}/start, the payment page's method
// buttons: it opens a checkout session and sends the payer on, to the
// provider's hosted checkout or to the wallet instructions. Plain forms keep
// the page working without JavaScript on any phone.
func (h *Handler) start(w http.ResponseWriter, r *http.Request) {
	token, ok := pathKey(r, "token")
	if !ok {
		notFound(w)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	sess, err := h.s.Start(r.Context(), token, paymethod.Method(r.PostForm.Get("method")), r.PostForm.Get("network"), r.PostForm.Get("asset"))
	back := "/pay/" + url.PathEscape(token)
	switch {
	case errors.Is(err, fault.NotFound):
		notFound(w)
		return
	case err != nil:
		if _, ok := fault.As(err); !ok {
			internalError(w, r, "start checkout", err)
			return
		}
		// A payer-facing reason (already paid, provider down): back to the
		// page, which shows the current state.
		slog.InfoContext(r.Context(), "checkout not started", "err", err)
		http.Redirect(w, r, back+"?failed=1", http.StatusSeeOther)
		return
	case sess.RedirectURL != "":
		http.Redirect(w, r, sess.RedirectURL, http.StatusSeeOther)
	default:
		http.Redirect(w, r, back+"?session="+url.QueryEscape(sess.ID), http.StatusSeeOther)
	}
}

// events serves GET /pay/{token}/events: a Server-Sent Events stream of
// the invoice's status changes, so the payment page turns PAID by itself.
func (h *Handler) events(w http.ResponseWriter, r *http.Request) {
	v, ok := h.openLink(w, r)
	if !ok {
		return
	}
	rc := http.NewResponseController(w)
	id := v.Invoice.ID
	sub := h.opts.Events.Subscribe(v.Invoice.MerchantID, func(m event.Message) bool { return m.InvoiceID == id })
	defer sub.Close()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	// Tell a reconnecting browser to wait a little, then confirm the stream.
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return // the browser has gone
	}
	if err := rc.Flush(); err != nil {
		return
	}
	_ = event.Receive(r.Context(), sub, func(d event.Delivery[*invoice.Change]) bool {
		if d.Value == nil {
			return true
		}
		b, _ := json.Marshal(map[string]any{"status": d.Value.To, "version": d.Value.Version})
		if _, err := fmt.Fprintf(w, "event: status\ndata: %s\n\n", b); err != nil {
			return false // the browser has gone
		}
		return rc.Flush() == nil
	}, event.KeepAlive{Every: 25 * time.Second, Send: func() bool {
		if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
			return false
		}
		return rc.Flush() == nil
	}})
	// However it ended, the browser reconnects and reloads the state.
}

// infiniWebhook serves POST /webhooks/infini. Infini retries anything but a
// 200, so duplicates and events that are not ours are acknowledged; a bad
// signature is 401; a failure to store the effect is 500 and is retried.
func (h *Handler) infiniWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	err = h.s.HandleInfiniWebhook(r.Context(), r.Header, body)
	switch {
	case err == nil, IsDuplicate(err):
	case errors.Is(err, ErrUnknownOrder):
		slog.WarnContext(r.Context(), "infini webhook for an unknown order; acknowledged", "event", r.Header.Get(infini.HeaderEventID))
	case errors.Is(err, infini.ErrMalformedEvent):
		http.Error(w, "malformed event", http.StatusBadRequest)
		return
	case errors.Is(err, infini.ErrBadSignature), errors.Is(err, infini.ErrMissingSignature), errors.Is(err, infini.ErrStaleTimestamp):
		slog.WarnContext(r.Context(), "infini webhook refused", "err", err)
		http.Error(w, "signature verification failed", http.StatusUnauthorized)
		return
	default:
		internalError(w, r, "apply infini webhook", err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"received":true}`))
}

// cryptoWebhook serves POST /webhooks/crypto: transfers reported by an
// external chain watcher, signed with Tally-Signature.
func (h *Handler) cryptoWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if len(h.opts.CryptoWebhookSecrets) == 0 {
		http.Error(w, "chain watcher webhooks are not configured: set TALLY_CRYPTO_WEBHOOK_SECRETS", http.StatusNotFound)
		return
	}
	if err := wallet.VerifySignature(r.Header.Get(wallet.SignatureHeader), body, h.opts.CryptoWebhookSecrets, time.Now()); err != nil {
		slog.WarnContext(r.Context(), "crypto webhook refused", "err", err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	h.observeTransfer(w, r, body)
}

// sandboxTransfer serves POST /sandbox/crypto/transfers (development only):
// pretend a transfer was seen on chain.
func (h *Handler) sandboxTransfer(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	h.observeTransfer(w, r, body)
}

func (h *Handler) observeTransfer(w http.ResponseWriter, r *http.Request, body []byte) {
	t, err := wallet.DecodeTransfer(body)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
		return
	}
	res, err := h.s.ObserveTransfer(r.Context(), t)
	switch {
	case errors.Is(err, ErrNoSession):
		// Not to any merchant's wallet: acknowledged, and reported as such.
		writeJSON(w, http.StatusAccepted, map[string]any{"matched": false, "reason": "no merchant here receives at this address"})
	case err != nil:
		internalError(w, r, "observe transfer", err)
	case res.Session == nil && res.Collection == nil:
		// To a merchant's wallet, for no session, not yet confirmed.
		writeJSON(w, http.StatusAccepted, map[string]any{"matched": false, "confirmed": false, "reason": "recorded once it has enough confirmations"})
	case res.Session == nil:
		// No session asked for it: recorded as a collection, matched by
		// its memo if it can be, else waiting in the review queue.
		writeJSON(w, http.StatusOK, map[string]any{
			"matched": false, "collection": res.Collection.ID, "collectionStatus": res.Collection.Status, "applied": res.Applied,
		})
	default:
		writeJSON(w, http.StatusOK, map[string]any{
			"matched": true, "session": res.Session.ID, "applied": res.Applied, "late": res.Late,
			"confirmed": t.Confirmed(), "status": h.s.SessionStatus(res.Session),
		})
	}
}

// openLink loads the invoice behind the request's payment link, answering
// 404 (the same for unknown, draft and voided links) or 500 itself.
func (h *Handler) openLink(w http.ResponseWriter, r *http.Request) (*View, bool) {
	token, ok := pathKey(r, "token")
	if !ok {
		notFound(w)
		return nil, false
	}
	v, err := h.s.Load(r.Context(), token)
	if errors.Is(err, fault.NotFound) {
		notFound(w)
		return nil, false
	}
	if err != nil {
		internalError(w, r, "open payment link", err)
		return nil, false
	}
	return v, true
}

// pathKey returns the token in the request path's {name}, and false when
// it is not shaped like one Tally hands out: such a key cannot exist, so
// the handler answers 404 without asking the database.
func pathKey(r *http.Request, name string) (string, bool) {
	v := r.PathValue(name)
	return v, validate.Key(v)
}

// pagePolicy is the payment page's Content-Security-Policy: its one inline
// script runs by nonce; its forms post to Tally, which redirects to the
// provider's hosted checkout (browsers apply form-action to that redirect,
// hence https:).
func pagePolicy(nonce string) string {
	return "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'unsafe-inline'; " +
		"img-src 'self' data:; connect-src 'self'; frame-src 'self'; " +
		"form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'"
}

// newNonce returns a fresh CSP nonce (base32 is within CSP's base64-value
// alphabet).
func newNonce() string { return rand.Text() }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte("This payment link is not valid. Ask the sender for a new one.\n"))
}

// internalError logs err and tells the client only that it was logged.
func internalError(w http.ResponseWriter, r *http.Request, what string, err error) {
	slog.ErrorContext(r.Context(), what, "path", r.URL.Path, "err", err)
	http.Error(w, "Something went wrong on our side; it has been logged.", http.StatusInternalServerError)
}
