package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/tally-invoicing/tally/internal/validate"
)

// User is a person who signs in to a merchant's dashboard.
type User struct{ ent.Schema }

func (User) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("usr"), timeMixin{}, tenantMixin{}}
}

// There is no list of users, so the API has no UserOrder type.
func (User) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipOrderField)}
}

func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").Validate(validate.SingleLine).NotEmpty().MaxLen(254).Unique().
			Comment("Sign-in address, stored lower-cased; unique across Tally."),
		field.String("password_hash").Validate(validate.SingleLine).Sensitive().NotEmpty().
			Annotations(entgql.Skip()),
	}
}

func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("merchant", Merchant.Type).Ref("users").Field("merchant_id").
			Unique().Required().Immutable().Annotations(entgql.Skip()),
		edge.To("sessions", Session.Type).Annotations(entgql.Skip()),
		edge.To("password_resets", PasswordReset.Type).Annotations(entgql.Skip()),
	}
}
