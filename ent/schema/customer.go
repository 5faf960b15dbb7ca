package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tally-invoicing/tally/internal/party"
	"github.com/tally-invoicing/tally/internal/validate"
)

// Customer is someone a merchant invoices.
type Customer struct{ ent.Schema }

func (Customer) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("cus"), timeMixin{}, tenantMixin{}}
}

func (Customer) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Validate(validate.SingleLine).NotEmpty().MaxLen(200).
			Comment("Person or company name printed on invoices.").
			Annotations(entgql.OrderField("NAME")),
		field.String("email").Validate(validate.SingleLine).NotEmpty().MaxLen(254).
			Comment("Where invoices are sent; stored lower-cased, unique per merchant.").
			Annotations(entgql.OrderField("EMAIL")),
		field.JSON("postal_address", party.Address{}).Optional().
			Annotations(entgql.Skip()),
		field.String("tax_id").Validate(validate.SingleLine).Optional().Nillable().MaxLen(40).
			Comment("The customer's VAT or other tax number printed on invoices (EN 16931 BT-48); null when not given."),
		field.String("language").Validate(validate.SingleLine).Optional().Nillable().MaxLen(16).
			Comment("BCP 47 tag the customer's invoices, emails and payment page are in, one of Query.languages; null to use the merchant's language."),
		field.Bool("email_bouncing").Default(false).
			Comment("The mail provider reported a permanent failure delivering to this address."),
		field.String("portal_token").Validate(validate.SingleLine).Optional().Nillable().Unique().Sensitive().
			Comment("Secret in the customer's portal link (/portal/{token}); set on first use, replaced by revokeCustomerPortal.").
			Annotations(entgql.Skip()),
	}
}

func (Customer) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("merchant", Merchant.Type).Ref("customers").Field("merchant_id").
			Unique().Required().Immutable().Annotations(entgql.Skip()),
		edge.To("invoices", Invoice.Type).
			Comment("This customer's invoices, drafts included. Give first or last (at most 100); without orderBy they come oldest first.").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput)),
		edge.To("credits", CustomerCredit.Type).
			Comment("The customer's credit ledger, oldest first: credit notes and overpayments add, applications and refunds take away.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (Customer) Indexes() []ent.Index {
	return []ent.Index{index.Fields("merchant_id", "email").Unique()}
}

func (Customer) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}
