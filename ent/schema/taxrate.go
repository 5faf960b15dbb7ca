package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tally-invoicing/tally/internal/validate"
)

// TaxRate is a tax a merchant charges (VAT 19 %, GST 10 %, Sales tax CA):
// Stripe's tax-rate model with EN 16931's VAT categories. Invoices copy the
// rates they use into their lines, so editing or archiving a rate never
// changes an invoice already written. The arithmetic is internal/tax.
type TaxRate struct{ ent.Schema }

func (TaxRate) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("txr"), timeMixin{}, tenantMixin{}}
}

func (TaxRate) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Validate(validate.SingleLine).NotEmpty().MaxLen(100).
			Comment("What the invoice calls the tax, e.g. \"VAT\", \"GST\", \"Sales tax CA\".").
			Annotations(entgql.OrderField("NAME")),
		field.String("percentage").Validate(validate.SingleLine).MaxLen(12).
			Comment("The rate in percent as canonical decimal text, e.g. \"19\" or \"8.875\" (0 to 100, at most 4 decimals).").
			Annotations(entgql.Skip()),
		field.Bool("inclusive").Default(false).
			Comment("true when prices already include this tax (it is extracted from them); false when it is added on top."),
		field.Enum("category").
			Values("STANDARD", "ZERO", "EXEMPT", "REVERSE_CHARGE", "INTRA_COMMUNITY", "EXPORT", "OUTSIDE_SCOPE").
			Default("STANDARD").
			Comment("The EN 16931 VAT category (BT-118/BT-151): what kind of tax this is, which decides the notes an invoice must carry.").
			Annotations(entgql.Type("TaxCategory")),
		field.String("country").Validate(validate.SingleLine).Optional().Nillable().MaxLen(2).
			Comment("ISO 3166-1 alpha-2 code of the country the tax belongs to, e.g. \"DE\"; null when not given."),
		field.Text("exemption_reason").Validate(validate.MultiLine).Optional().Nillable().
			Comment("Why no tax or a reduced one applies (EN 16931 BT-120), printed on invoices using the rate; null when none."),
		field.Time("archived_at").Optional().Nillable().
			Comment("When the rate was archived: it can no longer be put on new lines, and invoices that use it keep it. null while active."),
	}
}

func (TaxRate) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("merchant", Merchant.Type).Ref("tax_rates").Field("merchant_id").
			Unique().Required().Immutable().Annotations(entgql.Skip()),
	}
}

func (TaxRate) Indexes() []ent.Index {
	return []ent.Index{index.Fields("merchant_id", "archived_at")}
}

func (TaxRate) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Logo is a merchant's logo, already resized to print size. It is its own
// table so that the bytes are read only when a document is printed. The
// one-to-one edge makes merchant_id unique (one logo per merchant); a
// unique index of its own would share the name of tenantMixin's index
// (logo_merchant_id) and stop the migration.
type Logo struct{ ent.Schema }

func (Logo) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("lgo"), timeMixin{}, tenantMixin{}}
}

func (Logo) Fields() []ent.Field {
	return []ent.Field{
		field.String("content_type").Validate(validate.SingleLine).MaxLen(32).
			Comment("image/png or image/jpeg."),
		field.Bytes("data").MaxLen(1 << 20).Sensitive().
			Comment("The resized image."),
		field.Int("width").Positive().Comment("Width in pixels."),
		field.Int("height").Positive().Comment("Height in pixels."),
	}
}

func (Logo) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("merchant", Merchant.Type).Ref("logo").Field("merchant_id").
			Unique().Required().Immutable(),
	}
}

func (Logo) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
