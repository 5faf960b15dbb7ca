package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/tally-invoicing/tally/internal/validate"
)

// ServerKey is a secret every tally process shares, made on first use and
// kept in the database so that a restart or another process accepts what
// this one signed (device cookies).
type ServerKey struct{ ent.Schema }

func (ServerKey) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("srk")}
}

func (ServerKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Unique().Immutable().MaxLen(100).Validate(validate.SingleLine),
		field.Bytes("secret").Sensitive().Immutable(),
		field.Time("created_at").Immutable().Default(func() time.Time { return time.Now().UTC() }),
	}
}

func (ServerKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
