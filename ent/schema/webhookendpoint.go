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

// WebhookEndpoint is a partner app's URL that Tally posts signed events to
// (internal/webhook). Not to be confused with WebhookReceipt, which records
// webhooks Tally receives.
type WebhookEndpoint struct{ ent.Schema }

func (WebhookEndpoint) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("whe"), timeMixin{}, tenantMixin{}}
}

func (WebhookEndpoint) Fields() []ent.Field {
	return []ent.Field{
		field.String("url").Validate(validate.SingleLine).MaxLen(2048).
			Comment("Where events are posted (https in production)."),
		field.String("description").Validate(validate.SingleLine).Default("").MaxLen(500).
			Comment("The merchant's note on what the endpoint is for; empty when none."),
		field.Strings("events").
			Comment("The event types posted to this endpoint, e.g. [\"invoice.paid\"]; [\"*\"] for all."),
		field.String("secret").Validate(validate.SingleLine).Sensitive().Annotations(entgql.Skip()),
		field.String("previous_secret").Validate(validate.SingleLine).Optional().Nillable().Sensitive().Annotations(entgql.Skip()),
		field.Time("previous_secret_expires_at").Optional().Nillable().
			Comment("Until when the secret replaced by the last rotation still signs (both signatures are sent); null when there is none."),
		field.Enum("status").Values("ENABLED", "DISABLED").Default("ENABLED").
			Comment("ENABLED endpoints receive events; DISABLED ones (by the merchant, or after failing for 3 days) receive none until enabled.").
			Annotations(entgql.Type("WebhookEndpointStatus")),
		field.String("disabled_reason").Validate(validate.SingleLine).Optional().Nillable().
			Comment("Why the endpoint is disabled; null when enabled."),
		field.Time("failing_since").Optional().Nillable().
			Comment("The first failed delivery since the last success; null when the last delivery succeeded."),
	}
}

func (WebhookEndpoint) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", WebhookDelivery.Type).
			Comment("Deliveries to this endpoint, oldest first unless orderBy says otherwise: {field: CREATED_AT, direction: DESC} lists the newest first, as the dashboard does.").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (WebhookEndpoint) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipOrderField, entgql.SkipWhereInput)}
}

// WebhookEvent is something that happened, as posted to endpoints: written
// in the same transaction as the change it reports, with its payload fixed
// then ({id, type, createdAt, data}).
type WebhookEvent struct{ ent.Schema }

func (WebhookEvent) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("wev"), timeMixin{}, tenantMixin{}}
}

func (WebhookEvent) Fields() []ent.Field {
	return []ent.Field{
		field.String("type").Validate(validate.SingleLine).Immutable().
			Comment("The event type, e.g. invoice.paid."),
		field.Text("payload").Validate(validate.MultiLine).Immutable().
			Comment("The JSON body posted, exactly: {\"id\", \"type\", \"createdAt\", \"data\"}."),
		field.String("object_id").Validate(validate.SingleLine).Default("").Immutable().
			Comment("The id of the object in data (inv_..., pay_..., col_..., crn_...)."),
	}
}

func (WebhookEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", WebhookDelivery.Type).
			Comment("One delivery per endpoint subscribed to the event.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (WebhookEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("merchant_id", "created_at")}
}

func (WebhookEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipOrderField, entgql.SkipWhereInput)}
}

// WebhookDelivery is one event on its way to one endpoint, and its row in
// the webhook outbox: retried with exponential backoff for 3 days.
type WebhookDelivery struct{ ent.Schema }

func (WebhookDelivery) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("whd"), timeMixin{}, tenantMixin{}}
}

func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.String("event_id").Validate(validate.SingleLine).Immutable().Comment("The event delivered."),
		field.String("endpoint_id").Validate(validate.SingleLine).Immutable().Comment("Where it is delivered."),
		field.Enum("status").Values("PENDING", "SUCCEEDED", "FAILED").Default("PENDING").
			Comment("PENDING: waiting for its next attempt; SUCCEEDED: the endpoint answered 2xx; FAILED: given up after 3 days of failures, or its endpoint was disabled.").
			Annotations(entgql.Type("WebhookDeliveryStatus")),
		field.Int("attempts").Default(0).Comment("Attempts made so far."),
		field.Time("next_attempt_at").Optional().Nillable().
			Comment("When the next attempt is due; null once SUCCEEDED or FAILED."),
		field.String("lease_owner").Validate(validate.SingleLine).Optional().Nillable().Annotations(entgql.Skip()),
		field.Time("lease_until").Optional().Nillable().Annotations(entgql.Skip()),
		field.Int("last_status_code").Optional().Nillable().
			Comment("The HTTP status of the last attempt; null when it got no answer (timeout, refused)."),
		field.Text("last_error").Validate(validate.MultiLine).Optional().Nillable().
			Comment("Why the last attempt failed; null when it succeeded."),
		field.Time("delivered_at").Optional().Nillable().Comment("When an attempt succeeded."),
	}
}

func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("event", WebhookEvent.Type).Ref("deliveries").Field("event_id").
			Comment("The event delivered.").
			Unique().Required().Immutable(),
		edge.From("endpoint", WebhookEndpoint.Type).Ref("deliveries").Field("endpoint_id").
			Comment("Where it is delivered.").
			Unique().Required().Immutable(),
		edge.To("attempts_made", WebhookAttempt.Type).
			Comment("Every attempt, oldest first.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{index.Fields("status", "next_attempt_at"), index.Fields("endpoint_id", "created_at")}
}

func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput)}
}

// WebhookAttempt is one POST of a delivery and what came back.
type WebhookAttempt struct{ ent.Schema }

func (WebhookAttempt) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("wha"), tenantMixin{}}
}

func (WebhookAttempt) Fields() []ent.Field {
	return []ent.Field{
		field.String("delivery_id").Validate(validate.SingleLine).Immutable().Comment("The delivery attempted."),
		field.Time("at").Immutable().Comment("When the request was sent."),
		field.Int("status_code").Optional().Nillable().Immutable().
			Comment("The HTTP status answered; null when there was no answer (timeout, connection refused)."),
		field.Int("duration_ms").Immutable().Comment("How long the endpoint took to answer, in milliseconds."),
		field.Text("error").Validate(validate.MultiLine).Default("").Immutable().
			Comment("Why the attempt failed, in words; empty when it succeeded."),
		field.Text("response_body").Validate(validate.MultiLine).Default("").Immutable().
			Comment("The start of the endpoint's answer (at most 1 KB, as text)."),
		field.Bool("manual").Default(false).Immutable().
			Comment("true when the merchant asked for this attempt (resend)."),
	}
}

func (WebhookAttempt) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("delivery", WebhookDelivery.Type).Ref("attempts_made").Field("delivery_id").
			Unique().Required().Immutable().Annotations(entgql.Skip()),
	}
}
