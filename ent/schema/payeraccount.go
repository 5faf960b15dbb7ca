package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tally-invoicing/tally/internal/validate"
)

// PayerAccount is a bank account Tally has learned belongs to a customer:
// once money from it is allocated to one of the customer's invoices (by a
// rule or by hand), later money from the same account is that customer's,
// so the amount rules work on statement lines that do not name anyone.
type PayerAccount struct{ ent.Schema }

func (PayerAccount) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("pya"), timeMixin{}, tenantMixin{}}
}

func (PayerAccount) Fields() []ent.Field {
	return []ent.Field{
		field.String("account").Validate(validate.SingleLine).NotEmpty().MaxLen(100).Immutable().
			Comment("The account as the matcher compares it: an IBAN or account number, upper case, without spaces or punctuation."),
		field.String("customer_id").Validate(validate.SingleLine).NotEmpty().
			Comment("The customer whose invoices money from this account pays."),
		field.String("collection_id").Validate(validate.SingleLine).Optional().
			Comment("The collection it was learned from, most recently."),
		field.Bool("manual").Default(false).
			Comment("true when a person chose the customer (allocateCollection, acceptProposedAllocations): a rule never overrides it, another person's choice does."),
	}
}

func (PayerAccount) Indexes() []ent.Index {
	return []ent.Index{index.Fields("merchant_id", "account").Unique()}
}

func (PayerAccount) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
