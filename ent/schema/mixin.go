package schema

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"
	"github.com/oklog/ulid/v2"

	"github.com/tally-invoicing/tally/ent/intercept"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/validate"
)

// IDPrefixes maps the prefix of every public ID to its table, so that the
// GraphQL `node` query can tell an ID's type without a database round trip.
// IDs look like Stripe's: "inv_01JD3Q...", readable in logs and support mails.
var IDPrefixes = map[string]string{
	"mer": "merchants",
	"usr": "users",
	"ses": "sessions",
	"key": "api_keys",
	"cus": "customers",
	"inv": "invoices",
	"evt": "invoice_events",
	"eml": "emails",
	"whr": "webhook_receipts",
	"pay": "payments",
	"cks": "checkout_sessions",
	"wal": "crypto_wallets",
	"col": "collections",
	"idk": "idempotency_keys",
	"pwr": "password_resets",
	"srk": "server_keys",
	"txr": "tax_rates",
	"lgo": "logos",
	"pya": "payer_accounts",
	"rec": "recurring_schedules",
	"crn": "credit_notes",
	"ccr": "customer_credits",
	"whe": "webhook_endpoints",
	"wev": "webhook_events",
	"whd": "webhook_deliveries",
	"wha": "webhook_attempts",
}

// idMixin gives an entity a string primary key "<prefix>_<ULID>".
type idMixin struct {
	mixin.Schema
	prefix string
}

func withID(prefix string) idMixin {
	if _, ok := IDPrefixes[prefix]; !ok {
		panic("schema: ID prefix " + prefix + " is not in IDPrefixes")
	}
	return idMixin{prefix: prefix}
}

// NewID returns a fresh ID with the given prefix.
func NewID(prefix string) string {
	return prefix + "_" + strings.ToLower(ulid.MustNew(ulid.Now(), rand.Reader).String())
}

func (m idMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").Validate(validate.SingleLine).
			Comment("Opaque ID with a type prefix (inv_..., cus_..., pay_...). Store it as a string and pass it back as is, e.g. to node(id:); do not parse it.").
			Immutable().
			NotEmpty().
			MaxLen(40).
			DefaultFunc(func() string { return NewID(m.prefix) }),
	}
}

// timeMixin records when a row was created and last changed.
type timeMixin struct{ mixin.Schema }

func (timeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Comment("When the object was created (RFC 3339 timestamp).").
			Immutable().
			Default(func() time.Time { return time.Now().UTC() }).
			Annotations(entgql.OrderField("CREATED_AT")),
		field.Time("updated_at").
			Comment("When the object last changed (RFC 3339 timestamp).").
			Default(func() time.Time { return time.Now().UTC() }).
			UpdateDefault(func() time.Time { return time.Now().UTC() }),
	}
}

// tenantMixin marks a row as owned by one merchant. The merchant id is set
// from the viewer on create, can never change, and every query, traversal,
// update and delete is filtered by it, so one merchant's rows are invisible
// to another: a foreign id behaves exactly like an id that does not exist.
type tenantMixin struct{ mixin.Schema }

func (tenantMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("merchant_id").Validate(validate.SingleLine).
			Immutable().
			NotEmpty().
			Annotations(entgql.Skip()),
	}
}

func (tenantMixin) Indexes() []ent.Index {
	return []ent.Index{index.Fields("merchant_id")}
}

func (tenantMixin) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{filterByTenant("merchant_id")}
}

func (tenantMixin) Hooks() []ent.Hook {
	return []ent.Hook{guardTenantMutation("merchant_id")}
}

// wherer is implemented by every generated query and mutation.
type wherer interface {
	WhereP(...func(*sql.Selector))
}

// filterByTenant restricts reads (including edge traversals and eager
// loading) to the viewer's merchant. Column is "merchant_id" on owned rows
// and "id" on the merchants table itself.
//
// It uses the generated intercept package, as ent's multi-tenancy guide does;
// importing it from the schema is fine because ent/runtime, not ent itself,
// imports the schema.
func filterByTenant(column string) ent.Interceptor {
	return intercept.TraverseFunc(func(ctx context.Context, q intercept.Query) error {
		return restrict(ctx, q, column)
	})
}

func restrict(ctx context.Context, w wherer, column string) error {
	if tenant.IsSystem(ctx) {
		return nil
	}
	v := tenant.FromContext(ctx)
	if v == nil || v.MerchantID == "" {
		return tenant.ErrNoViewer
	}
	w.WhereP(sql.FieldEQ(column, v.MerchantID))
	return nil
}

func guardTenantMutation(column string) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if tenant.IsSystem(ctx) {
				return next.Mutate(ctx, m)
			}
			v := tenant.FromContext(ctx)
			if v == nil || v.MerchantID == "" {
				return nil, tenant.ErrNoViewer
			}
			if m.Op().Is(ent.OpCreate) {
				if got, ok := m.Field(column); ok && got != v.MerchantID {
					return nil, fmt.Errorf("%s: %w", m.Type(), tenant.ErrForeignMerchant)
				}
				if err := m.SetField(column, v.MerchantID); err != nil {
					return nil, err
				}
				return next.Mutate(ctx, m)
			}
			w, ok := m.(wherer)
			if !ok {
				return nil, fmt.Errorf("%s: mutation cannot be filtered by merchant", m.Type())
			}
			w.WhereP(sql.FieldEQ(column, v.MerchantID))
			return next.Mutate(ctx, m)
		})
	}
}
