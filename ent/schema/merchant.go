package schema

import (
	"context"
	"errors"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/tally-invoicing/tally/internal/collect/statement"
	"github.com/tally-invoicing/tally/internal/party"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/validate"
)

// Merchant is a business that sends invoices: the tenant every other row
// belongs to.
type Merchant struct{ ent.Schema }

func (Merchant) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("mer"), timeMixin{}}
}

// There is no list of merchants, so the API has no MerchantOrder type.
func (Merchant) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipOrderField)}
}

func (Merchant) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Validate(validate.SingleLine).NotEmpty().MaxLen(200).
			Comment("Trading name shown on invoices and emails."),
		field.String("default_currency").Validate(validate.SingleLine).Default("USD").MaxLen(3).
			Comment("ISO 4217 code new invoices start in."),
		field.Text("address").Validate(validate.MultiLine).Default("").
			Comment("The address as free text, for clients older than postalAddress: once postalAddress is set, its formatted form; writing it alone removes postalAddress. New clients use postalAddress."),
		field.String("legal_name").Validate(validate.SingleLine).Optional().Nillable().MaxLen(200).
			Comment("Registered legal name (EN 16931 BT-27), printed under the trading name when it differs; null when not given."),
		field.String("tax_id").Validate(validate.SingleLine).Optional().Nillable().MaxLen(40).
			Comment("VAT, GST or other tax registration number printed on invoices (EN 16931 BT-31), e.g. DE123456789; null when not given."),
		field.JSON("postal_address", party.Address{}).Optional().
			Annotations(entgql.Skip()),
		field.JSON("bank_account", party.BankAccount{}).Optional().
			Annotations(entgql.Skip()),
		field.Int("payment_terms_days").Optional().Nillable().Range(0, 365).
			Comment("Default payment terms of new invoices in days after issue: 0 is due on receipt, 30 is Net 30; null when the merchant has not chosen (no due date)."),
		field.Text("footer").Validate(validate.MultiLine).Default("").
			Comment("Printed at the bottom of every invoice: terms, late-fee note, registration details. Empty when none."),
		field.String("language").Validate(validate.SingleLine).Default("en").MaxLen(16).
			Comment("BCP 47 tag invoices are printed in when the customer has no language of their own, e.g. \"en\", \"de\", \"zh-Hant\"; one of Query.languages."),
		field.String("default_tax_rate_id").Validate(validate.SingleLine).Optional().Nillable().
			Comment("The tax rate put on new lines when a line gives no taxRateIDs.").
			Annotations(entgql.Skip()),
		field.Enum("paper_size").Values("A4", "LETTER").Default("A4").
			Comment("Sheet size of invoice PDFs.").
			Annotations(entgql.Type("PaperSize")),
		field.Int("reference_code").Unique().Immutable().
			Comment("Random number unique to the merchant that prefixes its payment references.").
			Annotations(entgql.Skip()),
		field.Int("invoice_seq").Default(0).NonNegative().
			Comment("Last invoice number handed out; numbers are gapless per merchant.").
			Annotations(entgql.Skip()),
		// Infini Payment API credentials. Without them a development server
		// uses its built-in Infini sandbox. Secrets are write-only.
		field.String("infini_key_id").Validate(validate.SingleLine).Optional().Annotations(entgql.Skip()),
		field.String("infini_secret").Validate(validate.SingleLine).Optional().Sensitive().Annotations(entgql.Skip()),
		field.String("infini_webhook_secret").Validate(validate.SingleLine).Optional().Sensitive().Annotations(entgql.Skip()),
		field.String("infini_base_url").Validate(validate.SingleLine).Optional().Annotations(entgql.Skip()),
		field.Int("auto_match_confidence").Default(90).Range(50, 100).
			Comment("Matches at least this sure (in percent) are applied by themselves; the rest wait in the review queue as proposals. 100: only a valid RF reference or the checkout; 95: also invoice numbers as printed; 90 (the default): also a learned or named payer paying exactly one invoice's amount; 50: every rule."),
		field.JSON("statement_mapping", &statement.Mapping{}).Optional().
			Comment("The column mapping of the merchant's bank CSV, saved at the last import.").
			Annotations(entgql.Skip()),
		// Getting paid on autopilot (internal/schedule, internal/reminder).
		field.Bool("reminders_enabled").Default(true).
			Comment("Whether open invoices are reminded by email on the reminderSchedule; an invoice can opt out with remind: false."),
		field.Ints("reminder_schedule").Optional().Default([]int{-3, 0, 7, 14}).
			Comment("When reminders go out, in days relative to the due date: -3 is three days before, 0 the due date, 7 a week after. Each step is sent at most once per invoice. Default [-3, 0, 7, 14]."),
		field.Bool("send_receipts").Default(true).
			Comment("Whether the customer is emailed a receipt (with a PDF) for each payment."),
		field.Bool("notify_payments").Default(true).
			Comment("Whether the merchant's owner is emailed \"you got paid\" for each payment."),
		field.Int("credit_note_seq").Default(0).NonNegative().
			Comment("Last credit note number handed out (CN-000001 ...); gapless per merchant.").
			Annotations(entgql.Skip()),
		field.Int64("test_clock_offset").Default(0).
			Comment("Seconds the merchant's test clock is ahead of real time; development only, always 0 in production.").
			Annotations(entgql.Skip()),
	}
}

func (Merchant) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("users", User.Type).Annotations(entgql.Skip()),
		edge.To("customers", Customer.Type).Annotations(entgql.Skip()),
		edge.To("invoices", Invoice.Type).Annotations(entgql.Skip()),
		edge.To("api_keys", APIKey.Type).Annotations(entgql.Skip()),
		edge.To("tax_rates", TaxRate.Type).Annotations(entgql.Skip()),
		edge.To("logo", Logo.Type).Unique().Annotations(entgql.Skip()),
	}
}

func (Merchant) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{filterByTenant("id")}
}

// Hooks: merchants are created only at sign-up (system context) and a viewer
// may change only its own merchant.
func (Merchant) Hooks() []ent.Hook {
	return []ent.Hook{func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if tenant.IsSystem(ctx) {
				return next.Mutate(ctx, m)
			}
			if m.Op().Is(ent.OpCreate) {
				return nil, errors.New("merchant: created only at sign-up")
			}
			if err := restrict(ctx, m.(wherer), "id"); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}}
}
