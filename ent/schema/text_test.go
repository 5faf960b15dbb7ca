package schema

import (
	"math"
	"testing"

	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

// Every text column refuses what PostgreSQL cannot store (NUL, invalid
// UTF-8) and control characters; String columns are one line, Text columns
// may span lines. A field added without its validator fails here.
func TestEveryTextFieldIsChecked(t *testing.T) {
	schemas := map[string]ent.Interface{
		"APIKey": APIKey{}, "Customer": Customer{}, "Email": Email{}, "IdempotencyKey": IdempotencyKey{},
		"Invoice": Invoice{}, "InvoiceEvent": InvoiceEvent{}, "Merchant": Merchant{}, "Payment": Payment{},
		"CheckoutSession": CheckoutSession{}, "CryptoWallet": CryptoWallet{}, "Collection": Collection{},
		"Session": Session{}, "User": User{}, "WebhookReceipt": WebhookReceipt{},
		"PasswordReset": PasswordReset{}, "ServerKey": ServerKey{}, "TaxRate": TaxRate{}, "Logo": Logo{}, "PayerAccount": PayerAccount{},
		"RecurringSchedule": RecurringSchedule{}, "CreditNote": CreditNote{}, "CustomerCredit": CustomerCredit{},
		"WebhookEndpoint": WebhookEndpoint{}, "WebhookEvent": WebhookEvent{}, "WebhookDelivery": WebhookDelivery{}, "WebhookAttempt": WebhookAttempt{},
	}
	if len(schemas) != len(IDPrefixes) {
		t.Fatalf("the test knows %d schemas, IDPrefixes %d: add the new schema here", len(schemas), len(IDPrefixes))
	}
	for name, s := range schemas {
		fields := s.Fields()
		for _, m := range s.Mixin() {
			fields = append(fields, m.Fields()...)
		}
		for _, f := range fields {
			d := f.Descriptor()
			if d.Info == nil || d.Info.Type != field.TypeString {
				continue
			}
			multi := d.Size == math.MaxInt32 // field.Text
			refuses := func(v string) bool {
				for _, fn := range d.Validators {
					if check, ok := fn.(func(string) error); ok && check(v) != nil {
						return true
					}
				}
				return false
			}
			for _, bad := range []string{"a\x00b", "a\xffb", "a\x1bb", "a\u0085b"} {
				if !refuses(bad) {
					t.Errorf("%s.%s accepts %q", name, d.Name, bad)
				}
			}
			if got := refuses("a\nb"); got != !multi {
				t.Errorf("%s.%s: refuses a line break = %v, want %v (String is one line, Text may span lines)", name, d.Name, got, !multi)
			}
		}
	}
}
