package mail

import (
	"bytes"
	"context"
	"fmt"
	"html/template"

	"github.com/tally-invoicing/tally/ent"
	entemail "github.com/tally-invoicing/tally/ent/email"
	"github.com/tally-invoicing/tally/ent/user"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// KindWebhookDisabled tells a merchant's owner that Tally stopped posting
// to one of its webhook endpoints.
const KindWebhookDisabled = "WEBHOOK_DISABLED"

// WebhooksPath is the dashboard page listing webhook endpoints.
const WebhooksPath = "/developers/webhooks"

var webhookDisabledHTML = template.Must(template.New("webhook-disabled").Parse(`<!doctype html>
<html><body style="margin:0;padding:24px;background:#f6f7f9;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1a1b1e">
<div style="max-width:520px;margin:0 auto;background:#fff;border:1px solid #e3e5e8;border-radius:8px;padding:24px">
<p style="font-size:18px;font-weight:600;margin:0 0 16px">A webhook endpoint was disabled</p>
<p style="margin:0 0 12px;line-height:1.5">Tally stopped posting events to <strong style="word-break:break-all">{{.URL}}</strong>{{if .Description}} ({{.Description}}){{end}}.</p>
<p style="margin:0 0 16px;line-height:1.5">{{.Reason}}</p>
<p style="margin:0 0 24px"><a href="{{.Link}}" style="display:inline-block;background:#228be6;color:#fff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:600">Open Developers → Webhooks</a></p>
<p style="margin:0;font-size:13px;color:#5c5f66;line-height:1.5">Events that happen while it is disabled are not queued for it. Deliveries that were waiting were marked failed; you can resend any of them once the endpoint works.</p>
</div></body></html>`))

// EndpointDisabled queues the email telling the merchant's owner (its
// first user) that ep was disabled, through tx, the transaction that
// disabled it. It implements webhook.Notifier.
func (o *Outbox) EndpointDisabled(ctx context.Context, tx *ent.Client, ep *ent.WebhookEndpoint, reason string) error {
	sys := tenant.System(ctx)
	owner, err := tx.User.Query().Where(user.MerchantID(ep.MerchantID)).Order(ent.Asc(user.FieldCreatedAt)).First(sys)
	if ent.IsNotFound(err) {
		return nil // no one to tell
	}
	if err != nil {
		return fmt.Errorf("find the merchant's owner: %w", err)
	}
	link := o.baseURL + WebhooksPath
	var html bytes.Buffer
	if err := webhookDisabledHTML.Execute(&html, map[string]string{"URL": ep.URL, "Description": ep.Description, "Reason": reason, "Link": link}); err != nil {
		return err
	}
	text := fmt.Sprintf("A webhook endpoint was disabled\n\nTally stopped posting events to %s.\n%s\n\nSee the deliveries, fix the endpoint and enable it again: %s\n", ep.URL, reason, link)
	return tx.Email.Create().
		SetMerchantID(ep.MerchantID).
		SetKind(entemail.Kind(KindWebhookDisabled)).
		SetTo(owner.Email).
		SetSubject("Tally: a webhook endpoint was disabled").
		SetHTML(html.String()).
		SetText(text).
		SetNextAttemptAt(o.now()).
		SetProvider(o.sender.Name()).
		Exec(sys)
}
