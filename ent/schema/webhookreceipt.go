package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tally-invoicing/tally/internal/validate"
)

// WebhookReceipt remembers each webhook event (or signature token) a
// provider sent, so that a delivery retried or replayed takes effect once.
// It is written in the same transaction as the event's effect.
type WebhookReceipt struct{ ent.Schema }

func (WebhookReceipt) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("whr")}
}

func (WebhookReceipt) Fields() []ent.Field {
	return []ent.Field{
		field.String("provider").Validate(validate.SingleLine).Immutable(),
		field.String("event_id").Validate(validate.SingleLine).Immutable().MaxLen(200),
		field.Time("received_at").Immutable().Default(func() time.Time { return time.Now().UTC() }),
	}
}

func (WebhookReceipt) Indexes() []ent.Index {
	return []ent.Index{index.Fields("provider", "event_id").Unique()}
}

func (WebhookReceipt) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
