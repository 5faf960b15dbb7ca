package infini

// Account is one Infini API account that orders are created in: a
// merchant's own keys, or the built-in sandbox's.
type Account struct {
	BaseURL       string
	KeyID         string
	Secret        string
	WebhookSecret string
	// Sandbox is true for the built-in sandbox and Infini's own sandbox.
	Sandbox bool
	// Own is true when the merchant entered its own keys.
	Own bool
}

// ID names the account: order ids are unique only within it. Key ids are
// the provider's and are not secret, so the base URL is part of the name.
func (a Account) ID() string { return a.KeyID + "@" + a.BaseURL }
