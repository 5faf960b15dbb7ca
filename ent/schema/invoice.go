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
	"github.com/tally-invoicing/tally/internal/validate"
)

// Invoice is a request for payment. Its lifecycle rules live in
// internal/invoice; the schema only keeps field invariants.
type Invoice struct{ ent.Schema }

func (Invoice) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("inv"), timeMixin{}, tenantMixin{}}
}

func (Invoice) Fields() []ent.Field {
	return []ent.Field{
		field.String("customer_id").Validate(validate.SingleLine).
			Comment("ID of the customer billed; it can change only while the invoice is a draft (updateInvoiceDraft)."),
		field.String("number").Validate(validate.SingleLine).Optional().Nillable().MaxLen(32).
			Comment("INV-000001 and up, per merchant and without gaps, assigned when the invoice is issued; null while a draft.").
			Annotations(entgql.OrderField("NUMBER")),
		field.String("reference").Validate(validate.SingleLine).Optional().Nillable().Unique().MaxLen(25).
			Comment("ISO 11649 creditor reference, compact (no spaces), e.g. RF9248217330000001: RF, two check digits, up to 21 characters. Unique across Tally and assigned on issue; null while a draft. Payers quote it with their payment, and incoming money is matched to the invoice by it."),
		field.Enum("status").
			GoType(status.Status("")).
			Default(string(status.Draft)).
			Comment("DRAFT while being written; issuing makes it OPEN; money moves it to PARTIALLY_PAID and PAID; VOID (cancelled) and UNCOLLECTIBLE (written off) come from OPEN or PARTIALLY_PAID. It only moves forward (undoAllocation excepted), and every change is pushed to invoiceStatusChanged.").
			Annotations(entgql.OrderField("STATUS"), entgql.Type("InvoiceStatus")),
		field.Enum("draft_step").
			Values("CUSTOMER", "ITEMS", "DESCRIPTION", "PAYMENT_METHODS", "CONFIRM").
			Default("ITEMS").
			Comment("The wizard step a draft resumes at: ITEMS after createInvoiceDraft, then DESCRIPTION, PAYMENT_METHODS and CONFIRM as each step is saved. Of no use once issued.").
			Annotations(entgql.Type("InvoiceDraftStep")),
		field.String("currency").Validate(validate.SingleLine).MaxLen(3).
			Comment("ISO 4217 code, e.g. USD. Every amount of the invoice is in this currency, with its minor unit (USD 2 decimals, JPY 0, KWD 3)."),
		field.JSON("items", []lineitem.Item{}).Optional().
			Annotations(entgql.Skip()),
		field.Text("description").Validate(validate.MultiLine).Optional().Nillable().
			Comment("Optional payment description printed on the invoice (wizard step 3); null when there is none."),
		field.Strings("payment_methods").Optional().
			Annotations(entgql.Skip()),
		field.JSON("discount", &lineitem.Discount{}).Optional().
			Comment("The discount on the whole document (EN 16931 BG-20), as given; null when none.").
			Annotations(entgql.Skip()),
		field.JSON("tax_breakdown", []lineitem.TaxAmount{}).Optional().
			Comment("Tax per rate (EN 16931 BG-23), computed with the items.").
			Annotations(entgql.Skip()),
		field.Int64("discount_minor").Default(0).Annotations(entgql.Skip()),
		field.Int64("tax_minor").Default(0).Annotations(entgql.Skip()),
		field.Int("payment_terms_days").Optional().Nillable().Range(0, 365).
			Comment("Payment terms in days after issue (0: due on receipt); on issue the due date becomes the issue date plus these days unless a due date was set. null when the invoice has an explicit due date or none."),
		field.Int64("subtotal_minor").Default(0).Annotations(entgql.Skip()),
		field.Int64("total_minor").Default(0).
			Annotations(entgql.Skip(entgql.SkipType), entgql.OrderField("TOTAL")),
		field.Int64("amount_paid_minor").Default(0).Annotations(entgql.Skip()),
		field.Time("due_date").Optional().Nillable().
			Comment("When payment is due; null when no due date was set. An OPEN or PARTIALLY_PAID invoice past it is overdue.").
			Annotations(entgql.OrderField("DUE_DATE")),
		field.Time("issued_at").Optional().Nillable().
			Comment("When the invoice was issued (left DRAFT); null while a draft.").
			Annotations(entgql.OrderField("ISSUED_AT")),
		field.String("checkout_token").Validate(validate.SingleLine).Optional().Nillable().Unique().Sensitive().
			Comment("Secret in the customer's payment link (/pay/{token}); set on issue.").
			Annotations(entgql.Skip()),
		field.Bool("send_requested").Default(false).
			Comment("true when the invoice was issued with send: true (\"Create and send\"), false for \"Create only\"."),
		field.Text("void_reason").Validate(validate.MultiLine).Optional().Nillable().
			Comment("The reason given to voidInvoice; null unless the invoice was voided with a reason."),
		field.Time("sent_at").Optional().Nillable().
			Comment("When an email of this invoice was first accepted by the mail provider; null until then."),
		field.Bool("remind").Default(true).
			Comment("false: no automatic reminders for this invoice (\"don't remind\"); manual sends still work."),
		field.Time("overdue_at").Optional().Nillable().
			Comment("When the invoice was first found unpaid past its due date (the OVERDUE event); null until then.").
			Annotations(entgql.Skip()),
		field.Int64("credited_minor").Default(0).Annotations(entgql.Skip()),
		field.String("recurring_schedule_id").Validate(validate.SingleLine).Optional().Nillable().Immutable().
			Comment("The recurring schedule that made this invoice; null for an invoice made by hand."),
		field.Int("recurring_period").Optional().Nillable().Immutable().
			Comment("Which run of its schedule made this invoice: 1 for the first. null for an invoice made by hand.").
			Annotations(entgql.Skip()),
		field.String("duplicated_from_id").Validate(validate.SingleLine).Optional().Nillable().Immutable().
			Comment("The invoice this draft was duplicated from; null otherwise."),
		field.Int("version").Default(1).
			Comment("1 for a new draft, one more on every change. InvoiceStatusEvent.version carries it, so live updates can be applied in order and stale ones ignored."),
	}
}

func (Invoice) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("merchant", Merchant.Type).Ref("invoices").Field("merchant_id").
			Unique().Required().Immutable().Annotations(entgql.Skip()),
		edge.From("customer", Customer.Type).Ref("invoices").Field("customer_id").
			Comment("The customer billed.").
			Unique().Required().
			Annotations(entgql.OrderField("CUSTOMER_NAME")),
		edge.To("events", InvoiceEvent.Type).
			Comment("The invoice's timeline: creation, issue, status changes, payments and emails. Sort by invoiceVersion or at to show it in order.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("emails", Email.Type).
			Comment("Every email of this invoice: the first one and each reminder.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("payments", Payment.Type).
			Comment("Money applied to this invoice, in its currency. Undone allocations stay listed with undoneAt set and no longer count.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("checkout_sessions", CheckoutSession.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.From("recurring_schedule", RecurringSchedule.Type).Ref("invoices").Field("recurring_schedule_id").
			Comment("The schedule that made this invoice; null for one made by hand.").
			Unique().Immutable(),
		edge.To("credit_notes", CreditNote.Type).
			Comment("Credit notes issued against this invoice, oldest first.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (Invoice) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("merchant_id", "number").Unique(),
		index.Fields("merchant_id", "status"),
		index.Fields("merchant_id", "created_at"),
		// One invoice per schedule and period, whatever races.
		index.Fields("recurring_schedule_id", "recurring_period").Unique(),
		// The scheduler's pass: open invoices by due date.
		index.Fields("status", "due_date"),
		// Query.receivables sums every owed invoice of a merchant; with
		// every column it reads in the index, PostgreSQL answers from the
		// index alone instead of reading the wide rows (bench/README.md,
		// TestReceivables).
		index.Fields("merchant_id", "status", "currency", "due_date", "total_minor", "credited_minor", "amount_paid_minor"),
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
		field.String("invoice_id").Validate(validate.SingleLine).Immutable().Comment("ID of the invoice this event belongs to."),
		field.Enum("type").
			Values("CREATED", "UPDATED", "ISSUED", "VOIDED", "MARKED_UNCOLLECTIBLE", "PAYMENT_RECEIVED", "PAYMENT_UNDONE",
				"EMAIL_QUEUED", "EMAIL_SENT", "EMAIL_FAILED", "EMAIL_DELIVERED", "EMAIL_BOUNCED",
				"OVERDUE", "CREDIT_NOTE_CREATED", "CREDIT_APPLIED", "REFUND_RECORDED").
			Immutable().
			Comment("What happened.").
			Annotations(entgql.Type("InvoiceEventType")),
		field.Time("at").Immutable().Comment("When it happened."),
		field.String("actor").Validate(validate.SingleLine).Immutable().
			Comment("Who caused the event: a user's email, an API key, or \"system\"."),
		field.Enum("from_status").GoType(status.Status("")).
			Optional().Nillable().Immutable().
			Comment("The status before the event; null when the event is not a status change (CREATED, EMAIL_SENT, ...).").
			Annotations(entgql.Type("InvoiceStatus")),
		field.Enum("to_status").GoType(status.Status("")).
			Optional().Nillable().Immutable().
			Comment("The status after the event; null when the event is not a status change.").
			Annotations(entgql.Type("InvoiceStatus")),
		field.Text("note").Validate(validate.MultiLine).Optional().Immutable().
			Comment("Detail in words, e.g. the void reason or who an email went to; empty when there is none."),
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
