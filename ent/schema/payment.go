package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tally-invoicing/tally/internal/collect/match"
	"github.com/tally-invoicing/tally/internal/validate"
)

// Payment is money applied to one invoice: an allocation of a Collection.
// Every change of an invoice's amount paid is a Payment row, so a Paid
// invoice always says why it is paid, and by which matching rule.
type Payment struct{ ent.Schema }

func (Payment) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("pay"), tenantMixin{}}
}

func (Payment) Fields() []ent.Field {
	return []ent.Field{
		field.String("invoice_id").Validate(validate.SingleLine).Immutable().Comment("ID of the invoice the money was applied to."),
		field.String("collection_id").Validate(validate.SingleLine).Optional().Nillable().Immutable().
			Comment("ID of the money received (Collection) that this payment is part of; one collection can pay several invoices."),
		field.String("checkout_session_id").Validate(validate.SingleLine).Optional().Nillable().Immutable().
			Annotations(entgql.Skip()),
		field.Enum("rule").Values("REFERENCE", "CHECKOUT", "AMOUNT", "COMBINATION", "MANUAL").Default("MANUAL").Immutable().
			Comment("Why the money went to this invoice.").
			Annotations(entgql.Type("AllocationRule")),
		field.Int("confidence").Default(100).Min(0).Max(100).Immutable().
			Comment("How sure the rule was, in percent."),
		field.Time("undone_at").Optional().Nillable().
			Comment("When the allocation was undone; it no longer counts towards the invoice."),
		field.String("undone_by").Validate(validate.SingleLine).Optional().Nillable().
			Annotations(entgql.Skip()),
		field.Int64("amount_minor").Positive().Immutable().
			Annotations(entgql.Skip()),
		field.String("currency").Validate(validate.SingleLine).MaxLen(3).Immutable().
			Comment("ISO 4217 code; always the invoice's currency."),
		field.Enum("channel").
			Values("CHECKOUT_CRYPTO", "CHECKOUT_CARD", "BANK_TRANSFER", "CASH", "OTHER", "CUSTOMER_CREDIT").
			Immutable().
			Comment("How the money arrived.").
			Annotations(entgql.Type("PaymentChannel")),
		field.String("provider").Validate(validate.SingleLine).Immutable().
			Comment("Who reported it: infini (Infini's checkout), wallet (a stablecoin transfer to the merchant's wallet), manual (markInvoicePaid) or matched (allocated from money recorded with recordCollection or a statement, by a rule or by hand)."),
		field.String("external_id").Validate(validate.SingleLine).Optional().Nillable().Immutable().MaxLen(200).
			Comment("The provider's order id, the transaction hash, or the merchant's own reference."),
		field.Text("note").Validate(validate.MultiLine).Optional().Immutable().
			Comment("The note given with markInvoicePaid; empty when there is none."),
		field.Time("received_at").Immutable().
			Comment("When the money arrived, as the provider, the statement or the merchant reported it."),
		field.String("recorded_by").Validate(validate.SingleLine).Immutable().
			Comment("Who recorded it: a user's email, an API key, or \"system\" for providers."),
		field.Bool("late").Default(false).Immutable().
			Comment("The money arrived after the checkout session had expired; it still counts."),
		field.String("dedupe_key").Validate(validate.SingleLine).Optional().Nillable().Unique().Immutable().
			Comment("Set for money that must be counted once, e.g. wallet:TRON:<tx hash>.").
			Annotations(entgql.Skip()),
		field.Time("created_at").Immutable().Default(func() time.Time { return time.Now().UTC() }).
			Annotations(entgql.Skip()),
	}
}

func (Payment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("invoice", Invoice.Type).Ref("payments").Field("invoice_id").
			Comment("The invoice the money was applied to.").
			Unique().Required().Immutable(),
		edge.From("collection", Collection.Type).Ref("payments").Field("collection_id").
			Comment("The money received that this payment is part of; null when collectionID is.").
			Unique().Immutable(),
	}
}

func (Payment) Indexes() []ent.Index {
	return []ent.Index{index.Fields("invoice_id"), index.Fields("collection_id"),
		// Query.receivables' paid-in-the-last-30-days reads a window of
		// one merchant's payments.
		index.Fields("merchant_id", "received_at")}
}

func (Payment) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput)}
}

// CheckoutSession is one attempt by a customer to pay an invoice: an order
// at a payment provider, or instructions to transfer stablecoins to one of
// the merchant's wallets with an amount unique to this session.
type CheckoutSession struct{ ent.Schema }

func (CheckoutSession) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("cks"), timeMixin{}, tenantMixin{}}
}

func (CheckoutSession) Fields() []ent.Field {
	return []ent.Field{
		field.String("invoice_id").Validate(validate.SingleLine).Immutable(),
		field.Enum("method").Values("CRYPTO", "INFINI_CARD").Immutable(),
		field.Enum("provider").Values("INFINI", "WALLET").Immutable(),
		field.Enum("status").Values("NEW", "PROCESSING", "SETTLED", "EXPIRED", "FAILED").Default("NEW"),
		field.Int64("amount_minor").Positive().Immutable().
			Comment("What the session asks for, in the invoice's currency.").
			Annotations(entgql.Skip()),
		field.String("currency").Validate(validate.SingleLine).MaxLen(3).Immutable(),
		field.Int64("confirmed_minor").Default(0).
			Comment("What the provider has confirmed so far (cumulative).").
			Annotations(entgql.Skip()),
		field.Time("expires_at"),
		field.String("request_id").Validate(validate.SingleLine).Optional().Immutable().
			Comment("Idempotency key sent to the provider; reused on retries.").
			Annotations(entgql.Skip()),
		field.String("order_id").Validate(validate.SingleLine).Optional().Nillable().
			Comment("The provider's order id."),
		field.String("provider_account").Validate(validate.SingleLine).Optional().Nillable().Immutable().
			Comment("The provider account the order was created in (Infini: key id @ base URL); an order id means something only within its account.").
			Annotations(entgql.Skip()),
		field.String("client_reference").Validate(validate.SingleLine).Optional().Immutable().
			Comment("What the provider echoes back: the invoice's payment reference."),
		field.String("redirect_url").Validate(validate.SingleLine).Optional().MaxLen(2000).
			Annotations(entgql.Skip()),
		field.String("network").Validate(validate.SingleLine).Optional().Immutable(),
		field.String("asset").Validate(validate.SingleLine).Optional().Immutable(),
		field.String("address").Validate(validate.SingleLine).Optional().Immutable(),
		field.String("amount_units").Validate(validate.SingleLine).Optional().Immutable().
			Comment("The exact token amount to send, in the token's base units (may exceed int64).").
			Annotations(entgql.Skip()),
		field.String("open_key").Validate(validate.SingleLine).Optional().Nillable().Unique().
			Comment("network:asset:address:units while the session is open; unique, so two open sessions never share an amount.").
			Annotations(entgql.Skip()),
		field.Strings("exception_tags").Optional().
			Comment("The provider's anomaly markers, e.g. underpaid, late.").
			Annotations(entgql.Skip()),
	}
}

func (CheckoutSession) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("invoice", Invoice.Type).Ref("checkout_sessions").Field("invoice_id").
			Unique().Required().Immutable(),
	}
}

func (CheckoutSession) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("invoice_id"),
		index.Fields("order_id"),
		// Order ids are the provider's and unique only within one account:
		// another merchant's provider cannot make one name two sessions.
		index.Fields("provider_account", "order_id").Unique(),
		index.Fields("network", "asset", "address"),
	}
}

// The public GraphQL type CheckoutSession is written by hand in
// graph/checkout.graphqls: payers must see only checkout-safe fields.
func (CheckoutSession) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// CryptoWallet is one of a merchant's own receiving addresses for a
// stablecoin on one network (self-custody: no provider holds the money).
type CryptoWallet struct{ ent.Schema }

func (CryptoWallet) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("wal"), timeMixin{}, tenantMixin{}}
}

func (CryptoWallet) Fields() []ent.Field {
	return []ent.Field{
		field.String("network").Validate(validate.SingleLine).Comment("ETHEREUM, TRON, POLYGON, BSC or SOLANA."),
		field.String("asset").Validate(validate.SingleLine).Comment("USDT or USDC."),
		field.String("address").Validate(validate.SingleLine).Comment("Checksummed where the network has a checksum."),
		// One row per network and asset, but an address usually receives
		// both USDT and USDC: the claim sits on one of a merchant's rows for
		// the address, and its uniqueness keeps the address with one merchant.
		field.String("claim").Validate(validate.SingleLine).Optional().Nillable().Unique().
			Comment("NETWORK:address (lower-case on EVM networks) on one of the merchant's rows for that address; null on its others.").
			Annotations(entgql.Skip()),
	}
}

func (CryptoWallet) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("merchant_id", "network", "asset").Unique(),
		index.Fields("network", "address"),
	}
}

func (CryptoWallet) Annotations() []schema.Annotation {
	// No wallet list takes orderBy: no CryptoWalletOrder type in the API.
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput | entgql.SkipOrderField)}
}

// Collection is money received: from a checkout, a bank statement line, a
// wallet transfer or the merchant's own record. It is allocated to invoices
// as Payments; what is left is unallocated (the customer's credit, or money
// waiting in the review queue).
type Collection struct{ ent.Schema }

func (Collection) Mixin() []ent.Mixin {
	return []ent.Mixin{withID("col"), timeMixin{}, tenantMixin{}}
}

func (Collection) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("amount_minor").Positive().Immutable().Annotations(entgql.Skip()),
		field.String("currency").Validate(validate.SingleLine).MaxLen(3).Immutable().
			Comment("ISO 4217 code of the money received; amount and unallocated are in it."),
		field.Enum("channel").
			Values("CHECKOUT_CRYPTO", "CHECKOUT_CARD", "BANK_TRANSFER", "CASH", "OTHER", "CUSTOMER_CREDIT").
			Immutable().
			Comment("How the money arrived.").
			Annotations(entgql.Type("PaymentChannel")),
		field.Time("received_at").Immutable().
			Comment("When the money arrived.").
			Annotations(entgql.OrderField("RECEIVED_AT")),
		field.String("payer_name").Validate(validate.SingleLine).Optional().Immutable().MaxLen(300).
			Comment("Who sent it, as the bank or the caller named them; empty when unknown."),
		field.String("payer_account").Validate(validate.SingleLine).Optional().Immutable().MaxLen(100).
			Comment("The sender's account (an IBAN or other account number) as given; empty when unknown."),
		field.Text("text").Validate(validate.MultiLine).Optional().Immutable().
			Comment("What came with the money: memo, remittance information, on-chain reference."),
		field.String("external_id").Validate(validate.SingleLine).Optional().Nillable().Immutable().MaxLen(200).
			Comment("The sender's id for it (bank transaction id, order id); the same id is recorded once."),
		field.String("customer_id").Validate(validate.SingleLine).Optional().Nillable().
			Comment("ID of the paying customer, when known; null otherwise."),
		field.Enum("status").Values("UNMATCHED", "PARTIAL", "MATCHED", "SET_ASIDE").
			Comment("MATCHED: all of it went to invoices; PARTIAL: some is left unallocated (the customer's credit, or to allocate by hand); UNMATCHED: nothing matched yet; SET_ASIDE: a person decided what is left pays no invoice (see setAsideReason). UNMATCHED and PARTIAL form the review queue.").
			Annotations(entgql.Type("CollectionStatus"), entgql.OrderField("STATUS")),
		field.Int64("unallocated_minor").Default(0).Annotations(entgql.Skip()),
		field.Text("review_reason").Validate(validate.MultiLine).Optional().
			Comment("Why it was not (fully) matched, in a sentence."),
		field.String("flag").Validate(validate.SingleLine).Optional().
			Comment("REFERENCE_MISTYPED, CURRENCY_MISMATCH, ...: what a person should look at."),
		field.Strings("suggested_invoice_ids").Optional().Annotations(entgql.Skip()),
		field.String("statement").Validate(validate.SingleLine).Optional().Immutable().
			Comment("The imported statement file it came from, if any."),
		field.JSON("proposed_allocations", []match.Allocation{}).Optional().
			Comment("Matches found below the merchant's autoMatchConfidence, waiting for a person to accept them.").
			Annotations(entgql.Skip()),
		field.Enum("set_aside_reason").Values("NOT_INVOICE_PAYMENT", "REFUNDED", "CUSTOMER_CREDIT").Optional().Nillable().
			Comment("Why what is left of it pays no invoice: NOT_INVOICE_PAYMENT (a loan, a transfer between own accounts, a payment for something Tally does not invoice), REFUNDED (sent back to the payer), CUSTOMER_CREDIT (kept as the customer's credit for later invoices). null unless status is SET_ASIDE.").
			Annotations(entgql.Type("SetAsideReason")),
		field.Text("set_aside_note").Validate(validate.MultiLine).Optional().
			Comment("What the person who set it aside wrote, e.g. how and when a refund was sent."),
		field.Time("set_aside_at").Optional().Nillable().
			Comment("When it was set aside; null unless status is SET_ASIDE."),
	}
}

func (Collection) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("payments", Payment.Type).
			Comment("Its allocations to invoices, undone ones included; the same list as allocations, in no particular order.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (Collection) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("merchant_id", "external_id").Unique(),
		index.Fields("merchant_id", "status"),
		// The review queue: a merchant's waiting collections, newest first.
		index.Fields("merchant_id", "status", "received_at"),
	}
}

func (Collection) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput)}
}
