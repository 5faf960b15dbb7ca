package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
	"github.com/tally-invoicing/tally/internal/validate"
)

// CreditNote corrects an issued invoice (EN 16931 type 381): it lowers what
// the customer owes. Its rules live in internal/creditnote.
type CreditNote struct{ ent.Schema }

func (CreditNote) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("crn"), timeMixin{}, tenantMixin{}}
}

func (CreditNote) Fields() []ent.Field {
	return []ent.Field{
		field.String("invoice_id").Validate(validate.SingleLine).Immutable().
			Comment("The invoice this credit note corrects."),
		field.String("customer_id").Validate(validate.SingleLine).Immutable().
			Comment("The customer credited (the invoice's)."),
		field.String("number").Validate(validate.SingleLine).MaxLen(32).Immutable().
			Comment("CN-000001 and up, per merchant and without gaps, in their own series.").
			Annotations(entgql.OrderField("NUMBER")),
		field.String("currency").Validate(validate.SingleLine).MaxLen(3).Immutable().
			Comment("The invoice's currency."),
		field.Text("reason").Validate(validate.MultiLine).Immutable().
			Comment("Why the invoice is credited, printed on the credit note."),
		field.JSON("items", []lineitem.Item{}).Immutable().Annotations(entgql.Skip()),
		field.JSON("tax_breakdown", []lineitem.TaxAmount{}).Optional().Immutable().Annotations(entgql.Skip()),
		field.Int64("subtotal_minor").Immutable().Annotations(entgql.Skip()),
		field.Int64("tax_minor").Immutable().Annotations(entgql.Skip()),
		field.Int64("total_minor").Immutable().Annotations(entgql.Skip(entgql.SkipType), entgql.OrderField("TOTAL")),
		field.Int64("credit_minor").Default(0).Immutable().
			Comment("Of the total, what was paid beyond the invoice's new total and became the customer's credit.").
			Annotations(entgql.Skip()),
		field.Time("issued_at").Immutable().Comment("When the credit note was issued."),
	}
}

func (CreditNote) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("invoice", Invoice.Type).Ref("credit_notes").Field("invoice_id").
			Comment("The invoice this credit note corrects.").
			Unique().Required().Immutable(),
	}
}

func (CreditNote) Indexes() []ent.Index {
	return []ent.Index{index.Fields("merchant_id", "number").Unique()}
}

func (CreditNote) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// CustomerCredit is one line of a customer's credit ledger, in one
// currency: money the merchant owes back. Credit notes and overpayments add
// to it; applying it to an invoice or refunding it takes from it. The
// balance is the sum of a customer's lines per currency.
type CustomerCredit struct{ ent.Schema }

func (CustomerCredit) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("ccr"), timeMixin{}, tenantMixin{}}
}

func (CustomerCredit) Fields() []ent.Field {
	return []ent.Field{
		field.String("customer_id").Validate(validate.SingleLine).Immutable().
			Comment("Whose credit this is."),
		field.String("currency").Validate(validate.SingleLine).MaxLen(3).Immutable().
			Comment("ISO 4217 code; balances are kept per currency."),
		field.Int64("amount_minor").Immutable().Annotations(entgql.Skip()),
		field.Enum("kind").Values("CREDIT_NOTE", "OVERPAYMENT", "APPLIED", "REFUNDED").Immutable().
			Comment("CREDIT_NOTE and OVERPAYMENT add credit; APPLIED (to an invoice) and REFUNDED take it away.").
			Annotations(entgql.Type("CustomerCreditKind")),
		field.String("credit_note_id").Validate(validate.SingleLine).Optional().Nillable().Immutable().
			Comment("The credit note that made this credit; null otherwise."),
		field.String("invoice_id").Validate(validate.SingleLine).Optional().Nillable().Immutable().
			Comment("The invoice the credit came from (OVERPAYMENT, CREDIT_NOTE) or was applied to (APPLIED); null for a refund."),
		field.String("payment_id").Validate(validate.SingleLine).Optional().Nillable().Immutable().
			Comment("The payment an APPLIED line made on its invoice; null otherwise."),
		field.Enum("refund_channel").Values("BANK_TRANSFER", "CASH", "CRYPTO", "CARD", "OTHER").Optional().Nillable().Immutable().
			Comment("How a refund was paid back (a record: Tally moves no money); null unless REFUNDED.").
			Annotations(entgql.Type("RefundChannel")),
		field.Text("note").Validate(validate.MultiLine).Default("").Immutable().
			Comment("Detail in words, e.g. the refund's bank reference; empty when none."),
		field.Time("at").Immutable().Comment("When the credit was made, applied or refunded."),
		field.String("recorded_by").Validate(validate.SingleLine).Immutable().
			Comment("Who recorded it: a user's email, an API key, or \"system\"."),
	}
}

func (CustomerCredit) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("credits").Field("customer_id").
			Unique().Required().Immutable().Annotations(entgql.Skip()),
	}
}

// The credits edge is a plain list, oldest first.
func (CustomerCredit) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipOrderField, entgql.SkipWhereInput)}
}

func (CustomerCredit) Indexes() []ent.Index {
	return []ent.Index{index.Fields("customer_id", "currency")}
}
