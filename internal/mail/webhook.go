package mail

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/customer"
	entemail "github.com/tally-invoicing/tally/ent/email"
	"github.com/tally-invoicing/tally/ent/invoiceevent"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/validate"
)

// MaxWebhookAge is how old a Mailgun webhook's signed timestamp may be.
const MaxWebhookAge = 5 * time.Minute

// Webhook handles Mailgun's event webhooks (POST /webhooks/mailgun):
// delivered, failed and complained events update the email's status. Each
// request is verified: HMAC-SHA256 of timestamp+token with the signing key,
// a timestamp no older than MaxWebhookAge, and a token never seen before.
type Webhook struct {
	client     *ent.Client
	signingKey string
	now        func() time.Time
}

// NewWebhook returns the handler; with no signing key it refuses everything.
func NewWebhook(client *ent.Client, signingKey string) *Webhook {
	return &Webhook{client: client, signingKey: signingKey, now: time.Now}
}

type mailgunWebhook struct {
	Signature struct {
		Timestamp string `json:"timestamp"`
		Token     string `json:"token"`
		Signature string `json:"signature"`
	} `json:"signature"`
	EventData struct {
		Event         string            `json:"event"`
		Severity      string            `json:"severity"`
		Recipient     string            `json:"recipient"`
		UserVariables map[string]string `json:"user-variables"`
		Message       struct {
			Headers struct {
				MessageID string `json:"message-id"`
			} `json:"headers"`
		} `json:"message"`
		DeliveryStatus struct {
			Description string `json:"description"`
			Message     string `json:"message"`
		} `json:"delivery-status"`
	} `json:"event-data"`
}

// Mailgun stops retrying on 406 Not Acceptable; a bad signature will not
// get better, so that is the answer to it.
func reject(w http.ResponseWriter, msg string) {
	http.Error(w, msg, http.StatusNotAcceptable)
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.signingKey == "" {
		reject(w, "Mailgun webhooks are not configured on this server (TALLY_MAILGUN_WEBHOOK_SIGNING_KEY)")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "could not read the body", http.StatusBadRequest)
		return
	}
	var hook mailgunWebhook
	if err := json.Unmarshal(body, &hook); err != nil || hook.Signature.Token == "" || hook.EventData.Event == "" {
		reject(w, "not a Mailgun event webhook: expected JSON with signature and event-data")
		return
	}
	if !h.verify(hook.Signature.Timestamp, hook.Signature.Token, hook.Signature.Signature) {
		reject(w, "signature does not match")
		return
	}
	ts, _ := strconv.ParseInt(hook.Signature.Timestamp, 10, 64)
	if age := h.now().Sub(time.Unix(ts, 0)); age > MaxWebhookAge || age < -MaxWebhookAge {
		reject(w, "timestamp too old or in the future")
		return
	}
	ctx := tenant.System(r.Context())
	err = h.apply(ctx, hook)
	switch {
	case errors.Is(err, errReplayed):
		reject(w, "this webhook token was already used")
	case err != nil:
		slog.ErrorContext(ctx, "mailgun webhook", "err", err)
		http.Error(w, "could not record the event; retry later", http.StatusInternalServerError) // Mailgun retries
	default:
		w.WriteHeader(http.StatusOK)
	}
}

func (h *Webhook) verify(timestamp, token, signature string) bool {
	mac := hmac.New(sha256.New, []byte(h.signingKey))
	mac.Write([]byte(timestamp + token))
	want := mac.Sum(nil)
	got, err := hex.DecodeString(signature)
	return err == nil && hmac.Equal(got, want)
}

var errReplayed = errors.New("webhook token already used")

// apply records the token and the event's effect in one transaction.
func (h *Webhook) apply(ctx context.Context, hook mailgunWebhook) error {
	return database.InTx(ctx, h.client, func(ctx context.Context, c *ent.Client) error {
		return h.record(ctx, c, hook)
	})
}

// record stores the token, then the event's effect, in the caller's transaction.
func (h *Webhook) record(ctx context.Context, c *ent.Client, hook mailgunWebhook) error {
	if err := c.WebhookReceipt.Create().SetProvider("mailgun").SetEventID(hook.Signature.Token).Exec(ctx); err != nil {
		if ent.IsConstraintError(err) {
			return errReplayed
		}
		return err
	}
	q := c.Email.Query().WithInvoice()
	if id := hook.EventData.UserVariables["tally_email_id"]; id != "" {
		q.Where(entemail.ID(id))
	} else if mid := hook.EventData.Message.Headers.MessageID; mid != "" {
		q.Where(entemail.Or(entemail.ProviderMessageID(mid), entemail.ProviderMessageID("<"+mid+">")))
	} else {
		return nil // nothing to match: accepted and ignored
	}
	e, err := q.Only(ctx)
	if ent.IsNotFound(err) {
		return nil // not ours (another app on the same domain)
	}
	if err != nil {
		return err
	}
	now := h.now().UTC()
	detail := hook.EventData.DeliveryStatus.Description
	if detail == "" {
		detail = hook.EventData.DeliveryStatus.Message
	}
	switch ev := hook.EventData.Event; {
	case ev == "delivered":
		if e.Status == entemail.StatusSENT || e.Status == entemail.StatusQUEUED {
			if err := c.Email.UpdateOne(e).SetStatus(entemail.StatusDELIVERED).SetDeliveredAt(now).Exec(ctx); err != nil {
				return err
			}
		}
		err = event(ctx, c, e.Edges.Invoice, invoiceevent.TypeEMAIL_DELIVERED, now, "to "+e.To)
	case ev == "failed" && hook.EventData.Severity == "permanent":
		if err := c.Email.UpdateOne(e).SetStatus(entemail.StatusBOUNCED).SetLastError(validate.Clean("bounced: " + detail)).Exec(ctx); err != nil {
			return err
		}
		if inv := e.Edges.Invoice; inv != nil {
			if err := c.Customer.Update().Where(customer.ID(inv.CustomerID), customer.Email(e.To)).SetEmailBouncing(true).Exec(ctx); err != nil {
				return err
			}
		}
		err = event(ctx, c, e.Edges.Invoice, invoiceevent.TypeEMAIL_BOUNCED, now, e.To+" bounced: "+detail)
	case ev == "failed":
		err = event(ctx, c, e.Edges.Invoice, invoiceevent.TypeEMAIL_FAILED, now, "temporary failure, the provider retries: "+detail)
	case ev == "complained":
		err = event(ctx, c, e.Edges.Invoice, invoiceevent.TypeEMAIL_FAILED, now, e.To+" marked the email as spam")
	}
	return err
}
