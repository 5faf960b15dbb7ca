package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
	"github.com/tally-invoicing/tally/internal/invoice/status"
)

// Invoice is a request for payment. Its lifecycle rules live in
// internal/invoice; the schema only keeps field invariants.
type Invoice struct{ ent.Schema }

func (Invoice) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("inv"), timeMixin{}, tenantMixin{}}
}

func (Invoice) Fields() []ent.Field {
	return []ent.Field{
		field.String("customer_id").
			Comment("Who is billed; can change only while the invoice is a draft."),
		field.String("number").Optional().Nillable().MaxLen(32).
			Comment("INV-000001, assigned when the invoice leaves DRAFT; null while a draft.").
			Annotations(entgql.OrderField("NUMBER")),
		field.String("reference").Optional().Nillable().Unique().MaxLen(25).
			Comment("ISO 11649 creditor reference (RF...) that identifies payments for this invoice; assigned on issue."),
		field.Enum("status").
			GoType(status.Status("")).
			Default(string(status.Draft)).
			Annotations(entgql.OrderField("STATUS"), entgql.Type("InvoiceStatus")),
		field.Enum("draft_step").
			Values("CUSTOMER", "ITEMS", "DESCRIPTION", "PAYMENT_METHODS", "CONFIRM").
			Default("ITEMS").
			Comment("The wizard step a draft resumes at.").
			Annotations(entgql.Type("InvoiceDraftStep")),
		field.String("currency").MaxLen(3).
			Comment("ISO 4217 code, e.g. USD."),
		field.JSON("items", []lineitem.Item{}).Optional().
			Annotations(entgql.Skip()),
		field.Text("description").Optional().Nillable().
			Comment("Optional payment description printed on the invoice."),
		field.Strings("payment_methods").Optional().
			Annotations(entgql.Skip()),
		field.Int64("subtotal_minor").Default(0).Annotations(entgql.Skip()),
		field.Int64("total_minor").Default(0).
			Annotations(entgql.Skip(entgql.SkipType), entgql.OrderField("TOTAL")),
		field.Int64("amount_paid_minor").Default(0).Annotations(entgql.Skip()),
		field.Time("due_date").Optional().Nillable().
			Comment("When payment is due; an open invoice past it is overdue.").
			Annotations(entgql.OrderField("DUE_DATE")),
		field.Time("issued_at").Optional().Nillable().
			Comment("When the invoice left DRAFT.").
			Annotations(entgql.OrderField("ISSUED_AT")),
		field.String("checkout_token").Optional().Nillable().Unique().Sensitive().
			Comment("Secret in the customer's payment link (/pay/{token}); set on issue.").
			Annotations(entgql.Skip()),
		field.Bool("send_requested").Default(false).
			Comment("Whether the merchant chose \"Create and send\"."),
		field.Text("void_reason").Optional().Nillable(),
		field.Time("sent_at").Optional().Nillable().
			Comment("When an email of this invoice was first accepted by the mail provider."),
		field.Int("version").Default(1).
			Comment("Bumped on every change; lets clients order live updates."),
	}
}

func (Invoice) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("merchant", Merchant.Type).Ref("invoices").Field("merchant_id").
			Unique().Required().Immutable().Annotations(entgql.Skip()),
		edge.From("customer", Customer.Type).Ref("invoices").Field("customer_id").
			Unique().Required(),
		edge.To("events", InvoiceEvent.Type).
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("emails", Email.Type).
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("payments", Payment.Type).
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("checkout_sessions", CheckoutSession.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (Invoice) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("merchant_id", "number").Unique(),
		index.Fields("merchant_id", "status"),
		index.Fields("merchant_id", "created_at"),
	}
}

func (Invoice) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// InvoiceEvent is one line of an invoice's timeline. Every status change
// appends one in the same transaction.
type InvoiceEvent struct{ ent.Schema }

func (InvoiceEvent) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("evt"), tenantMixin{}}
}

func (InvoiceEvent) Fields() []ent.Field {
	return []ent.Field{
		field.String("invoice_id").Immutable(),
		field.Enum("type").
			Values("CREATED", "UPDATED", "ISSUED", "VOIDED", "MARKED_UNCOLLECTIBLE", "PAYMENT_RECEIVED", "PAYMENT_UNDONE",
				"EMAIL_QUEUED", "EMAIL_SENT", "EMAIL_FAILED", "EMAIL_DELIVERED", "EMAIL_BOUNCED").
			Immutable().
			Annotations(entgql.Type("InvoiceEventType")),
		field.Time("at").Immutable(),
		field.String("actor").Immutable().
			Comment("Who caused the event: a user's email, an API key, or \"system\"."),
		field.Enum("from_status").GoType(status.Status("")).
			Optional().Nillable().Immutable().
			Annotations(entgql.Type("InvoiceStatus")),
		field.Enum("to_status").GoType(status.Status("")).
			Optional().Nillable().Immutable().
			Annotations(entgql.Type("InvoiceStatus")),
		field.Text("note").Optional().Immutable(),
		field.Int("invoice_version").Optional().Immutable().
			Comment("The invoice's version after this event."),
	}
}

func (InvoiceEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("invoice", Invoice.Type).Ref("events").Field("invoice_id").
			Unique().Required().Immutable().Annotations(entgql.Skip()),
	}
}
