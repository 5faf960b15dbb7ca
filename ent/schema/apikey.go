// Package schema describes Tally's database entities for ent, one file per
// entity, with the mixins they share in mixin.go. The rest of ent/ and
// graph/ent.graphql are generated from it by `go generate .` (make generate).
package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/tally-invoicing/tally/internal/validate"
)

// APIKey lets a partner app act for a merchant. The secret is shown once at
// creation; only its hash and a short display prefix are kept.
type APIKey struct{ ent.Schema }

func (APIKey) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("key"), timeMixin{}, tenantMixin{}}
}

func (APIKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Validate(validate.SingleLine).NotEmpty().MaxLen(100).
			Comment("What the merchant called the key, e.g. \"Shop integration\"."),
		field.String("prefix").Validate(validate.SingleLine).Immutable().
			Comment("The start of the secret (tally_key_ and six more characters), to recognise a key without revealing it."),
		field.Bytes("token_hash").Sensitive().Unique().Immutable().
			Annotations(entgql.Skip()),
		field.Strings("scopes").Optional().
			Comment("What the key may do: \"read\" (queries and subscriptions) and/or \"write\" (mutations). Never more than the user or key that created it. Keys made before scopes existed have none stored and may do both.").
			Annotations(entgql.Skip()),
		field.String("created_by").Validate(validate.SingleLine).Immutable().
			Comment("Who created the key: the signed-in user's email, or \"API key <name>\" when another key created it."),
		field.Time("last_used_at").Optional().Nillable().
			Comment("When the key last authenticated a request, to within a minute; null if it never has."),
		field.Time("revoked_at").Optional().Nillable().
			Comment("When the key was revoked; null while it works. A revoked key authenticates nothing, and its open websockets are closed when it is revoked."),
	}
}

func (APIKey) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("merchant", Merchant.Type).Ref("api_keys").Field("merchant_id").
			Unique().Required().Immutable().Annotations(entgql.Skip()),
	}
}

// No API key list takes orderBy, so the API has no APIKeyOrder type.
func (APIKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Type("APIKey"), entgql.Skip(entgql.SkipOrderField)}
}
