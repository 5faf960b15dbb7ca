package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/tally-invoicing/tally/internal/checkout"
	"github.com/tally-invoicing/tally/internal/checkout/infini"
	"github.com/tally-invoicing/tally/internal/checkout/wallet"
	"github.com/tally-invoicing/tally/internal/event"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice"
)

// maxWebhookBody bounds what a webhook endpoint reads.
const maxWebhookBody = 1 << 20

// payPage serves GET /pay/{token}: the customer's page behind the payment
// link. Unknown, draft and voided invoices get the same plain 404.
// ?session= names the checkout the payer started or returns from; for a
// provider's checkout it first asks the provider for the order's state, in
// case its webhook is late or lost.
func (a *app) payPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, ok := a.openLink(w, r)
	if !ok {
		return
	}
	token := r.PathValue("token") // checked by openLink
	st := checkout.PageState{Failed: r.URL.Query().Get("failed") == "1", Nonce: newNonce()}
	if sess := a.checkout.SessionFor(ctx, v.Invoice, r.URL.Query().Get("session")); sess != nil {
		if sess.OrderID != nil {
			if err := a.checkout.Refresh(ctx, v.Invoice.ID); err != nil {
				slog.WarnContext(ctx, "checkout: refresh order on return", "session", sess.ID, "err", err)
			}
			var err error
			if v, err = a.checkout.Load(ctx, token); err != nil {
				a.internalError(w, r, "reload payment link", err)
				return
			}
			sess = a.checkout.SessionFor(ctx, v.Invoice, sess.ID)
		}
		st.Session = sess
	}
	page, err := a.checkout.Render(ctx, v, st)
	if err != nil {
		a.internalError(w, r, "render payment page", err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer") // the token is in the URL
	w.Header().Set("Content-Security-Policy", payPolicy(st.Nonce))
	_, _ = w.Write(page)
}

// payStart serves POST /pay/{token}/start, the payment page's method
// buttons: it opens a checkout session and sends the payer on, to the
// provider's hosted checkout or to the wallet instructions. Plain forms keep
// the page working without JavaScript on any phone.
func (a *app) payStart(w http.ResponseWriter, r *http.Request) {
	token, ok := pathKey(r, "token")
	if !ok {
		notFound(w)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	sess, err := a.checkout.Start(r.Context(), token, invoice.PaymentMethod(r.PostForm.Get("method")), r.PostForm.Get("network"), r.PostForm.Get("asset"))
	back := "/pay/" + url.PathEscape(token)
	switch {
	case errors.Is(err, fault.NotFound):
		notFound(w)
		return
	case err != nil:
		if _, ok := fault.As(err); !ok {
			a.internalError(w, r, "start checkout", err)
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

// payEvents serves GET /pay/{token}/events: a Server-Sent Events stream of
// the invoice's status changes, so the payment page turns PAID by itself.
func (a *app) payEvents(w http.ResponseWriter, r *http.Request) {
	v, ok := a.openLink(w, r)
	if !ok {
		return
	}
	rc := http.NewResponseController(w)
	id := v.Invoice.ID
	sub := a.events.Subscribe(v.Invoice.MerchantID, func(m event.Message) bool { return m.InvoiceID == id })
	defer sub.Close()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	// Tell a reconnecting browser to wait a little, then confirm the stream.
	fmt.Fprint(w, "retry: 2000\n\n")
	if err := rc.Flush(); err != nil {
		return
	}
	_ = event.Receive(r.Context(), sub, func(d event.Delivery[*invoice.Change]) bool {
		if d.Value == nil {
			return true
		}
		b, _ := json.Marshal(map[string]any{"status": d.Value.To, "version": d.Value.Version})
		fmt.Fprintf(w, "event: status\ndata: %s\n\n", b)
		return rc.Flush() == nil
	}, event.KeepAlive{Every: 25 * time.Second, Send: func() bool {
		fmt.Fprint(w, ": keep-alive\n\n")
		return rc.Flush() == nil
	}})
	// However it ended, the browser reconnects and reloads the state.
}

// infiniWebhook serves POST /webhooks/infini. Infini retries anything but a
// 200, so duplicates and events that are not ours are acknowledged; a bad
// signature is 401; a failure to store the effect is 500 and is retried.
func (a *app) infiniWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	err = a.checkout.HandleInfiniWebhook(r.Context(), r.Header, body)
	switch {
	case err == nil, checkout.IsDuplicate(err):
	case errors.Is(err, checkout.ErrUnknownOrder):
		slog.WarnContext(r.Context(), "infini webhook for an unknown order; acknowledged", "event", r.Header.Get(infini.HeaderEventID))
	case errors.Is(err, infini.ErrMalformedEvent):
		http.Error(w, "malformed event", http.StatusBadRequest)
		return
	case errors.Is(err, infini.ErrBadSignature), errors.Is(err, infini.ErrMissingSignature), errors.Is(err, infini.ErrStaleTimestamp):
		slog.WarnContext(r.Context(), "infini webhook refused", "err", err)
		http.Error(w, "signature verification failed", http.StatusUnauthorized)
		return
	default:
		a.internalError(w, r, "apply infini webhook", err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"received":true}`))
}

// cryptoWebhook serves POST /webhooks/crypto: transfers reported by an
// external chain watcher, signed with Tally-Signature.
func (a *app) cryptoWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if len(a.cfg.cryptoWebhookSecrets()) == 0 {
		http.Error(w, "chain watcher webhooks are not configured: set TALLY_CRYPTO_WEBHOOK_SECRETS", http.StatusNotFound)
		return
	}
	if err := wallet.VerifySignature(r.Header.Get(wallet.SignatureHeader), body, a.cfg.cryptoWebhookSecrets(), time.Now()); err != nil {
		slog.WarnContext(r.Context(), "crypto webhook refused", "err", err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	a.observeTransfer(w, r, body)
}

// sandboxTransfer serves POST /sandbox/crypto/transfers (development only):
// pretend a transfer was seen on chain.
func (a *app) sandboxTransfer(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	a.observeTransfer(w, r, body)
}

func (a *app) observeTransfer(w http.ResponseWriter, r *http.Request, body []byte) {
	t, err := wallet.DecodeTransfer(body)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
		return
	}
	res, err := a.checkout.ObserveTransfer(r.Context(), t)
	switch {
	case errors.Is(err, checkout.ErrNoSession):
		// Not to any merchant's wallet: acknowledged, and reported as such.
		writeJSON(w, http.StatusAccepted, map[string]any{"matched": false, "reason": "no merchant here receives at this address"})
	case err != nil:
		a.internalError(w, r, "observe transfer", err)
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
			"confirmed": t.Confirmed(), "status": a.checkout.SessionStatus(res.Session),
		})
	}
}

// openLink loads the invoice behind the request's payment link, answering
// 404 (the same for unknown, draft and voided links) or 500 itself.
func (a *app) openLink(w http.ResponseWriter, r *http.Request) (*checkout.View, bool) {
	token, ok := pathKey(r, "token")
	if !ok {
		notFound(w)
		return nil, false
	}
	v, err := a.checkout.Load(r.Context(), token)
	if errors.Is(err, fault.NotFound) {
		notFound(w)
		return nil, false
	}
	if err != nil {
		a.internalError(w, r, "open payment link", err)
		return nil, false
	}
	return v, true
}

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
