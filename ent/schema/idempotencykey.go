package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tally-invoicing/tally/internal/validate"
)

// IdempotencyKey remembers a mutation sent with an Idempotency-Key header
// so that a retry of the same request replays the first response instead of
// doing its effect again (Stripe's semantics). Rows live 24 hours.
type IdempotencyKey struct{ ent.Schema }

func (IdempotencyKey) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("idk"), timeMixin{}, tenantMixin{}}
}

func (IdempotencyKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").Validate(validate.SingleLine).NotEmpty().MaxLen(255).Immutable().
			Comment("The client's Idempotency-Key header."),
		field.Bytes("request_hash").Immutable().
			Comment("SHA-256 of the operation, its name and its variables: the same key with another request is refused."),
		field.String("operation").Validate(validate.SingleLine).Optional().Immutable().
			Comment("The operation name, for support."),
		field.Time("locked_until").Optional().Nillable().
			Comment("Set while the first request runs; a retry before then waits. Cleared when the response is stored."),
		field.Bytes("response").Optional().Nillable().
			Comment("The first response's JSON, replayed for retries."),
		field.Time("expires_at").
			Comment("When the key may be used again for another request."),
	}
}

func (IdempotencyKey) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("merchant_id", "key").Unique(),
		index.Fields("expires_at"),
	}
}

func (IdempotencyKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}
