package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/tally-invoicing/tally/internal/validate"
)

// PasswordReset is a "forgot password" link that was emailed. Only a hash
// of its token is stored; it works once, until expires_at.
type PasswordReset struct{ ent.Schema }

func (PasswordReset) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("pwr"), timeMixin{}, tenantMixin{}}
}

func (PasswordReset) Fields() []ent.Field {
	return []ent.Field{
		field.String("user_id").Validate(validate.SingleLine).Immutable(),
		field.Bytes("token_hash").Sensitive().Unique().Immutable(),
		field.Time("expires_at").Immutable(),
		// Set when the link is used, or when another reset of the same
		// user made it pointless.
		field.Time("used_at").Optional().Nillable(),
	}
}

func (PasswordReset) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("password_resets").Field("user_id").
			Unique().Required().Immutable(),
	}
}

func (PasswordReset) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
