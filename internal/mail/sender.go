package mail

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/mailgun/mailgun-go/v4"

	"github.com/tally-invoicing/tally/internal/outbound"
	"github.com/tally-invoicing/tally/internal/validate"
)

// Message is one email as handed to a provider.
type Message struct {
	// ID is Tally's email id; providers echo it back in delivery events.
	ID          string
	From        string
	ReplyTo     string
	To          string
	Subject     string
	HTML        string
	Text        string
	Attachments []Attachment
}

// Attachment is a file sent with a message.
type Attachment struct {
	Name string
	Data []byte
}

// Sender hands a message to a mail provider and returns the provider's id
// for it.
type Sender interface {
	Send(ctx context.Context, m Message) (providerID string, err error)
	// Name is what the emails table records as the provider.
	Name() string
}

// ErrPermanent marks a failure that retrying cannot fix (a rejected address,
// bad credentials); the email fails at once instead of retrying.
var ErrPermanent = errors.New("mail: permanent failure")

// MailgunConfig configures delivery through Mailgun.
type MailgunConfig struct {
	APIKey string
	Domain string
	// APIBase is mailgun.APIBaseUS (default) or mailgun.APIBaseEU, or a test server.
	APIBase string
	// WebhookSigningKey verifies Mailgun's event webhooks.
	WebhookSigningKey string
	// HTTPClient sends to Mailgun: an outbound client, whose policy decides
	// which addresses may be called. nil means the production policy.
	HTTPClient *http.Client
}

// Configured reports whether Mailgun settings were given.
func (c MailgunConfig) Configured() bool { return c.APIKey != "" && c.Domain != "" }

// Mailgun sends through Mailgun's API with mailgun-go.
type Mailgun struct{ mg *mailgun.MailgunImpl }

// NewMailgun returns a Sender for c.
func NewMailgun(c MailgunConfig) *Mailgun {
	mg := mailgun.NewMailgun(c.Domain, c.APIKey)
	if c.APIBase != "" {
		mg.SetAPIBase(c.APIBase)
	}
	if c.WebhookSigningKey != "" {
		mg.SetWebhookSigningKey(c.WebhookSigningKey)
	}
	// mailgun-go would use http.DefaultClient: no address policy, and it
	// follows redirects.
	hc := c.HTTPClient
	if hc == nil {
		hc = outbound.New(outbound.Policy{})
	}
	mg.SetClient(hc)
	return &Mailgun{mg: mg}
}

// Name implements Sender.
func (*Mailgun) Name() string { return "mailgun" }

// Send implements Sender.
func (g *Mailgun) Send(ctx context.Context, m Message) (string, error) {
	// Mailgun writes these into the message's headers: a line break in one
	// would start a header of the sender's choosing.
	msg := mailgun.NewMessage(HeaderText(m.From), HeaderText(m.Subject), m.Text, HeaderText(m.To))
	msg.SetHTML(m.HTML)
	if m.ReplyTo != "" {
		msg.SetReplyTo(HeaderText(m.ReplyTo))
	}
	for _, a := range m.Attachments {
		msg.AddBufferAttachment(a.Name, a.Data)
	}
	// Delivery events carry it back, so a webhook finds its email.
	if err := msg.AddVariable("tally_email_id", m.ID); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, id, err := g.mg.Send(ctx, msg)
	if err != nil {
		var ue *mailgun.UnexpectedResponseError
		if errors.As(err, &ue) && ue.Actual >= 400 && ue.Actual < 500 && ue.Actual != 429 {
			return "", fmt.Errorf("%w: mailgun answered %d: %w", ErrPermanent, ue.Actual, err)
		}
		return "", fmt.Errorf("mailgun: %w", err)
	}
	return id, nil
}

// HeaderText returns s fit for one header line: every control character
// (CR and LF above all) becomes a space. Input is validated to be single-line
// where it is entered; this guards rows stored before that, and any path
// that forgets.
func HeaderText(s string) string { return validate.Flatten(s) }

// DevMailbox keeps emails on this machine: the outbox row is the mailbox,
// and the dashboard shows it. Nothing is sent anywhere.
type DevMailbox struct{}

// DevMailboxName is the dev mailbox's Sender name.
const DevMailboxName = "dev-mailbox"

// Name implements Sender.
func (DevMailbox) Name() string { return DevMailboxName }

// Send implements Sender.
func (DevMailbox) Send(_ context.Context, m Message) (string, error) {
	return "<" + m.ID + "@dev-mailbox.tally>", nil
}
