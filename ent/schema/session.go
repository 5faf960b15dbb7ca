package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/tally-invoicing/tally/internal/validate"
)

// Session is a signed-in browser or client. Only a hash of its token is
// stored, so a leaked database does not leak live sessions.
type Session struct{ ent.Schema }

func (Session) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("ses"), timeMixin{}, tenantMixin{}}
}

func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.String("user_id").Validate(validate.SingleLine).Immutable(),
		field.Bytes("token_hash").Sensitive().Unique().Immutable(),
		field.Time("expires_at"),
	}
}

func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("sessions").Field("user_id").
			Unique().Required().Immutable(),
	}
}

func (Session) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
