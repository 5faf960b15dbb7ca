package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tally-invoicing/tally/internal/validate"
)

// Email is one message to a customer, and its row in the outbox: it is
// written in the same transaction as what caused it (issuing, a reminder),
// and internal/mail's worker delivers it, retrying with backoff. Tally's
// own emails to a user about their account (a password reset link) go
// through the same outbox; they carry no invoice.
type Email struct{ ent.Schema }

func (Email) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("eml"), timeMixin{}, tenantMixin{}}
}

func (Email) Fields() []ent.Field {
	return []ent.Field{
		field.String("invoice_id").Optional().Nillable().Validate(validate.SingleLine).Immutable().
			Comment("ID of the invoice this email carries; null for an email to a user about their account."),
		field.Enum("kind").Values("INVOICE", "REMINDER", "PASSWORD_RESET", "RECEIPT", "PAYMENT_NOTICE", "CREDIT_NOTE", "WEBHOOK_DISABLED").Immutable().
			Comment("INVOICE until an email of the invoice has been sent, REMINDER after that (by hand or on the reminder schedule). RECEIPT: to the customer for a payment; PAYMENT_NOTICE: \"you got paid\" to the merchant; CREDIT_NOTE: a credit note to the customer; WEBHOOK_DISABLED: to the merchant when a webhook endpoint was disabled. PASSWORD_RESET: a \"forgot password\" link to one of the merchant's users, listed only by the development mailbox.").
			Annotations(entgql.Type("EmailKind")),
		field.String("to").Validate(validate.SingleLine).Immutable().Comment("The recipient's address."),
		field.String("reply_to").Validate(validate.SingleLine).Immutable().Default("").Annotations(entgql.Skip()),
		field.String("subject").Validate(validate.SingleLine).Immutable().Comment("The subject line as sent."),
		// Not immutable: once a reset link has left through a real
		// provider, the stored copy of it is blanked.
		field.Text("html").Validate(validate.MultiLine).
			Comment("The HTML body exactly as sent: the invoice document."),
		field.Text("text").Validate(validate.MultiLine).Annotations(entgql.Skip()),
		field.Enum("status").Values("QUEUED", "SENT", "DELIVERED", "FAILED", "BOUNCED").Default("QUEUED").
			Comment("QUEUED: in the outbox, retried with backoff; SENT: the provider accepted it; DELIVERED: the recipient's server accepted it; FAILED: given up (see lastError); BOUNCED: refused for good, and the customer is marked emailBouncing.").
			Annotations(entgql.Type("EmailStatus"), entgql.OrderField("STATUS")),
		field.Int("attempts").Default(0).Comment("Delivery attempts made so far."),
		field.Text("last_error").Validate(validate.MultiLine).Optional().Nillable().Comment("Why the last attempt failed, if it did."),
		field.String("provider").Validate(validate.SingleLine).Default("").Comment("mailgun, or dev-mailbox when nothing leaves the machine."),
		field.String("provider_message_id").Validate(validate.SingleLine).Optional().Nillable().
			Comment("The provider's id for the message, e.g. Mailgun's <...@domain>."),
		field.String("dedupe_key").Validate(validate.SingleLine).Optional().Nillable().Unique().Immutable().
			Comment("Makes an automatic email exist at most once, whatever processes race or crash: e.g. reminder/<invoice>/<step>, receipt/<payment>.").
			Annotations(entgql.Skip()),
		field.String("payment_id").Validate(validate.SingleLine).Optional().Nillable().Immutable().
			Comment("The payment a RECEIPT or PAYMENT_NOTICE is about; null otherwise."),
		field.String("credit_note_id").Validate(validate.SingleLine).Optional().Nillable().Immutable().
			Comment("The credit note a CREDIT_NOTE email carries; null otherwise."),
		field.Time("next_attempt_at").Annotations(entgql.Skip()),
		field.String("lease_owner").Validate(validate.SingleLine).Optional().Nillable().Annotations(entgql.Skip()),
		field.Time("lease_until").Optional().Nillable().Annotations(entgql.Skip()),
		field.Time("sent_at").Optional().Nillable().Comment("When the provider accepted it."),
		field.Time("delivered_at").Optional().Nillable().Comment("When the recipient's server accepted it."),
	}
}

func (Email) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("invoice", Invoice.Type).Ref("emails").Field("invoice_id").
			Comment("The invoice this email carries; null for an email about the user's account.").
			Unique().Immutable(),
	}
}

func (Email) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status", "next_attempt_at"),
		index.Fields("provider_message_id"),
	}
}

// The emails connection takes no orderBy (it is newest first), so the API
// has no EmailOrder type; the Go ordering it uses stays.
func (Email) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipOrderField)}
}
