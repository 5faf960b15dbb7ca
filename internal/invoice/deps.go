package invoice

import (
	"context"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/event"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice/paymethod"
)

// Stand-ins for tools and benchmarks that run the lifecycle without a part
// of the server; the server itself wires the real ones.
var (
	// NoMail refuses to queue email.
	NoMail Mailer = noMail{}
	// AnyMethod accepts every payment method for every merchant.
	AnyMethod MethodChecker = anyMethod{}
	// NoEvents announces nothing.
	NoEvents Publisher = noEvents{}
	// RealTime is real time for every merchant: no test clocks.
	RealTime Clock = realTime{}
)

type realTime struct{}

func (realTime) Now(string) time.Time { return time.Now().UTC() }

type noMail struct{}

func (noMail) Enqueue(context.Context, *ent.Client, *ent.Invoice, string, string) (*ent.Email, error) {
	return nil, fault.New(fault.CodeInternal, "sending email is not set up on this server")
}

func (noMail) Wake() {}

// PaymentEmails queues nothing: a tool without email still records money.
func (noMail) PaymentEmails(context.Context, *ent.Client, []*ent.Payment) error { return nil }

type anyMethod struct{}

func (anyMethod) CheckMethods(context.Context, *ent.Client, string, string, []paymethod.Method) error {
	return nil
}

type noEvents struct{}

func (noEvents) Publish(context.Context, event.Message) error      { return nil }
func (noEvents) PublishAll(context.Context, []event.Message) error { return nil }

// ChangeLoader returns Service.LoadChanges over client for the event bus,
// which is built before the Service that publishes to it: reading changes
// needs the database only.
func ChangeLoader(client *ent.Client) func(context.Context, []event.Message) (map[event.Message]*Change, error) {
	return (&Service{client: client, clock: RealTime}).LoadChanges
}
