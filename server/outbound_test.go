package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tally-invoicing/tally/internal/checkout/infini"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// startProduction starts an app configured as production (no sandboxes).
func startProduction(t *testing.T, b dbtest.Backend) *testApp {
	t.Helper()
	return startAppWith(t, b.URL, func(c *config) {
		c.Env = "production"
		c.BaseURL = "https://billing.example.com"
		c.MailgunAPIKey, c.MailgunDomain, c.MailgunSigningKey = "key-test", "mg.example.com", "signing-test"
		c.CryptoWebhookSecrets = strings.Repeat("s", 32)
	})
}

// insideListener is a server inside Tally's own network (on loopback) that
// counts the connections it accepts.
func insideListener(t *testing.T) (port string, accepted *atomic.Int64) {
	t.Helper()
	accepted = new(atomic.Int64)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"code":0,"data":{"order_id":"internal-secret","checkout_url":"http://inside/"}}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			accepted.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	_, port, _ = net.SplitHostPort(srv.Listener.Addr().String())
	return port, accepted
}

const setInfini = `mutation($in: InfiniCredentialsInput!) { setInfiniCredentials(input: $in) { infini { baseURL sandbox } } }`

func infiniInput(baseURL string) map[string]any {
	return map[string]any{"in": map[string]any{"keyID": "key_1", "secret": "secret_1", "baseURL": baseURL}}
}

// A production server sends a merchant's signed Infini requests, started by
// anonymous payers, only to Infini's own API hosts.
func TestProductionInfiniBaseURLIsInfinis(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startProduction(t, b)
		c := ta.signUp(t, "Careful Shop")
		port, accepted := insideListener(t)
		for _, base := range []string{
			"https://169.254.169.254/latest/meta-data",
			"https://10.0.0.1:8443",
			"https://metadata.google.internal",
			"http://127.0.0.1:" + port + "/internal/admin?x=",
			"https://localhost:" + port,
			"https://[::ffff:127.0.0.1]",
			"https://openapi.infini.money.attacker.example",
			"http://openapi.infini.money",
		} {
			e := c.expectCode("VALIDATION", "baseURL", setInfini, infiniInput(base))
			if !strings.Contains(e.Message, "https://openapi.infini.money") {
				t.Errorf("%s: message %q does not say which base URL to use", base, e.Message)
			}
		}
		for _, base := range []string{"", "https://openapi.infini.money", "https://openapi-sandbox.infini.money/"} {
			var out struct {
				SetInfiniCredentials struct{ Infini struct{ BaseURL string } }
			}
			c.do(setInfini, infiniInput(base), &out)
			if got := out.SetInfiniCredentials.Infini.BaseURL; !strings.HasPrefix(got, "https://openapi") {
				t.Errorf("base URL %q stored as %q", base, got)
			}
		}
		if n := accepted.Load(); n != 0 {
			t.Errorf("the inside server saw %d connections, want 0", n)
		}

		// Development keeps the local sandbox and test servers working.
		dev := startApp(t, b).signUp(t, "Developer Shop")
		var out struct {
			SetInfiniCredentials struct{ Infini struct{ BaseURL string } }
		}
		dev.do(setInfini, infiniInput("http://127.0.0.1:"+port+"/sandbox/infini"), &out)
		if got := out.SetInfiniCredentials.Infini.BaseURL; got != "http://127.0.0.1:"+port+"/sandbox/infini" {
			t.Errorf("development: base URL stored as %q", got)
		}
	})
}

// Even a base URL that got past validation (stored before it was checked,
// or a name whose DNS now points inside) does not make a production server
// connect into its own network when a payer starts a checkout; the payer
// learns nothing about why.
func TestProductionCheckoutNeverConnectsInside(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startProduction(t, b)
		c := ta.signUp(t, "Rebound Shop")
		port, accepted := insideListener(t)
		var v struct {
			Viewer struct{ Merchant struct{ ID string } }
		}
		c.do(`{ viewer { merchant { id } } }`, nil, &v)
		// The invoice is issued while the account is Infini's own, then the
		// stored row is pointed inside, as a row saved before base URLs
		// were checked would be.
		c.do(setInfini, infiniInput(infini.ProductionURL), nil)
		_, token := c.payable("25.00", "USD", "INFINI_CARD")
		base := "http://localhost:" + port + "/internal/admin"
		if err := ta.db.Client.Merchant.UpdateOneID(v.Viewer.Merchant.ID).
			SetInfiniKeyID("key_1").SetInfiniSecret("secret_1").SetInfiniBaseURL(base).
			Exec(tenant.System(context.Background())); err != nil {
			t.Fatal(err)
		}

		// The payer is told the shop does not take this method (it cannot,
		// until the merchant enters an allowed base URL again).
		e := ta.anonymous(t).expectCode("VALIDATION", "method", `mutation($t: String!) { startCheckout(token: $t, method: INFINI_CARD) { id redirectURL } }`,
			map[string]any{"t": token})
		for _, secret := range []string{"localhost", "127.0.0.1", port, "loopback", "internal"} {
			if strings.Contains(e.Message, secret) {
				t.Errorf("the payer's error %q reveals %q", e.Message, secret)
			}
		}
		if n := accepted.Load(); n != 0 {
			t.Fatalf("the server inside the network saw %d connections, want 0", n)
		}
	})
}
