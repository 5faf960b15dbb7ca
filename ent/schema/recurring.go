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

// RecurringSchedule issues a copy of one invoice every period: a monthly
// retainer typed once. Its rules live in internal/recurring; each run makes
// an invoice with its own number and reference, at most one per period.
type RecurringSchedule struct{ ent.Schema }

func (RecurringSchedule) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("rec"), timeMixin{}, tenantMixin{}}
}

func (RecurringSchedule) Fields() []ent.Field {
	return []ent.Field{
		field.String("customer_id").Validate(validate.SingleLine).
			Comment("The customer each run bills."),
		field.String("source_invoice_id").Validate(validate.SingleLine).Optional().Nillable().Immutable().
			Comment("The invoice or draft the schedule was made from; null if it was deleted since."),
		// The template each run copies, taken from the source when the
		// schedule was made: later edits of the source change nothing.
		field.String("currency").Validate(validate.SingleLine).MaxLen(3).Immutable().
			Comment("ISO 4217 code of every invoice the schedule makes."),
		field.JSON("items", []lineitem.Item{}).Annotations(entgql.Skip()),
		field.JSON("discount", &lineitem.Discount{}).Optional().Annotations(entgql.Skip()),
		field.Text("description").Validate(validate.MultiLine).Optional().Nillable().
			Comment("The payment description each invoice carries; null for none."),
		field.Strings("payment_methods").Annotations(entgql.Skip()),
		field.Int("payment_terms_days").Optional().Nillable().Range(0, 365).
			Comment("Each invoice is due this many days after it is issued; null for no due date."),
		field.Enum("interval").Values("DAY", "WEEK", "MONTH").
			Comment("The unit of the period.").
			Annotations(entgql.Type("RecurringInterval")),
		field.Int("interval_count").Range(1, 365).Default(1).
			Comment("How many intervals make one period: MONTH and 3 is quarterly."),
		field.Time("start_date").Immutable().
			Comment("When the first invoice is issued. Monthly schedules keep its day of the month; on the 29th to 31st a shorter month uses its last day."),
		field.Int("end_after_count").Optional().Nillable().Positive().
			Comment("Stop after this many invoices; null for no limit."),
		field.Time("end_date").Optional().Nillable().
			Comment("Issue nothing after this date; null for no end."),
		field.Bool("auto_send").Default(true).
			Comment("true: each invoice is issued and emailed; false: each run leaves a draft for the merchant to check and issue."),
		field.Enum("status").Values("ACTIVE", "PAUSED", "CANCELLED", "ENDED").Default("ACTIVE").
			Comment("ACTIVE runs on schedule; PAUSED skips periods until resumed (nothing is made up afterwards); CANCELLED stops for good; ENDED reached its count or end date.").
			Annotations(entgql.Type("RecurringStatus"), entgql.OrderField("STATUS")),
		field.Int("runs").Default(0).NonNegative().
			Comment("How many periods have been run (each made one invoice)."),
		field.Time("next_run_at").Optional().Nillable().
			Comment("When the next invoice is due to be made; null once cancelled or ended.").
			Annotations(entgql.OrderField("NEXT_RUN_AT")),
	}
}

func (RecurringSchedule) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("invoices", Invoice.Type).
			Comment("The invoices this schedule has made, oldest first.").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput)),
		edge.To("customer", Customer.Type).Field("customer_id").Unique().Required().
			Comment("The customer each run bills."),
	}
}

func (RecurringSchedule) Indexes() []ent.Index {
	return []ent.Index{index.Fields("status", "next_run_at")}
}

func (RecurringSchedule) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}
