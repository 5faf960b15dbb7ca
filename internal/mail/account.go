package mail

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/url"
	"time"

	"github.com/tally-invoicing/tally/ent"
	entemail "github.com/tally-invoicing/tally/ent/email"
)

// KindPasswordReset is a "forgot password" link to a user.
const KindPasswordReset = "PASSWORD_RESET"

// sentResetNotice replaces a reset email's body once a real provider has
// taken it.
const sentResetNotice = "This email carried a single-use password reset link. It was removed from Tally's copy after sending."

// ResetPath is the dashboard page a reset link opens.
const ResetPath = "/reset-password"

var resetHTML = template.Must(template.New("reset").Parse(`<!doctype html>
<html><body style="margin:0;padding:24px;background:#f6f7f9;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1a1b1e">
<div style="max-width:480px;margin:0 auto;background:#fff;border:1px solid #e3e5e8;border-radius:8px;padding:24px">
<p style="font-size:18px;font-weight:600;margin:0 0 16px">Reset your Tally password</p>
<p style="margin:0 0 16px;line-height:1.5">Someone (hopefully you) asked to reset the password of the Tally account {{.Email}}. The link works once, until {{.Expires}}.</p>
<p style="margin:0 0 24px"><a href="{{.Link}}" style="display:inline-block;background:#228be6;color:#fff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:600">Choose a new password</a></p>
<p style="margin:0 0 8px;font-size:13px;color:#5c5f66;line-height:1.5">Or open this address: <a href="{{.Link}}" style="color:#228be6;word-break:break-all">{{.Link}}</a></p>
<p style="margin:0;font-size:13px;color:#5c5f66;line-height:1.5">If you did not ask for this, ignore this email: your password stays as it is.</p>
</div></body></html>`))

// EnqueuePasswordReset writes a password reset email for the user at to
// (of merchantID) through tx, the transaction that stores the token, with
// a link to the dashboard's reset page carrying token.
func (o *Outbox) EnqueuePasswordReset(ctx context.Context, tx *ent.Client, merchantID, to, token string, expires time.Time) error {
	link := o.baseURL + ResetPath + "?token=" + url.QueryEscape(token)
	until := expires.UTC().Format("15:04 UTC on 2 January 2006")
	var html bytes.Buffer
	if err := resetHTML.Execute(&html, map[string]string{"Email": to, "Link": link, "Expires": until}); err != nil {
		return err
	}
	text := fmt.Sprintf("Reset your Tally password\n\nSomeone (hopefully you) asked to reset the password of the Tally account %s.\nChoose a new password here (the link works once, until %s):\n\n%s\n\nIf you did not ask for this, ignore this email: your password stays as it is.\n", to, until, link)
	_, err := tx.Email.Create().
		SetMerchantID(merchantID).
		SetKind(entemail.Kind(KindPasswordReset)).
		SetTo(to).
		SetSubject("Reset your Tally password").
		SetHTML(html.String()).
		SetText(text).
		SetNextAttemptAt(o.now()).
		SetProvider(o.sender.Name()).
		Save(ctx)
	return err
}
