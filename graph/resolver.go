// Package graph translates GraphQL into calls on the domain packages. Every
// resolver is one ent query or one domain call; business rules live in
// internal/. NewSchema is what graph/transport serves.
package graph

import (
	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/auth"
	"github.com/tally-invoicing/tally/internal/checkout"
	"github.com/tally-invoicing/tally/internal/collect"
	"github.com/tally-invoicing/tally/internal/creditnote"
	"github.com/tally-invoicing/tally/internal/customer"
	"github.com/tally-invoicing/tally/internal/event"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/merchant"
	"github.com/tally-invoicing/tally/internal/ratelimit"
	"github.com/tally-invoicing/tally/internal/recurring"
	"github.com/tally-invoicing/tally/internal/schedule"
	"github.com/tally-invoicing/tally/internal/tax/rates"
	"github.com/tally-invoicing/tally/internal/webhook"
)

// Resolver is the root resolver: the one place dependencies are injected.
type Resolver struct {
	// BaseURL is Tally's public URL, for links in documents and the API.
	BaseURL         string
	Client          *ent.Client
	AuthService     *auth.Service
	CustomerService *customer.Service
	// TaxRateService keeps the merchant's tax rates and default rate.
	TaxRateService  *rates.Service
	InvoiceService  *invoice.Service
	CheckoutService *checkout.Service
	CollectService  *collect.Service
	// Events delivers committed invoice status changes to subscriptions.
	Events *event.Bus[*invoice.Change]
	// MailProvider names where email goes: "mailgun" or "dev-mailbox".
	MailProvider string
	// Renders bounds document renders per credential; nil bounds none.
	Renders *ratelimit.Renders
	// Payments answers which payment methods a merchant can offer and
	// stores its Infini keys.
	Payments *merchant.Payments
	// Scheduler runs time-based work (overdue, reminders, recurring,
	// webhook retries) and owns the merchants' clocks (Scheduler.Clock()).
	Scheduler *schedule.Scheduler
	// #16's services are added below, one line each.
	Recurring         *recurring.Service // recurring invoice schedules
	CreditNoteService *creditnote.Service
	Webhooks          *webhook.Worker    // posts events; resends deliveries
	WebhookEndpoints  *webhook.Endpoints // the merchant's endpoints
}
