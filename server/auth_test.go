package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/auth"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

const viewerQuery = `{ viewer { user { email } merchant { name defaultCurrency } apiKey { name } } }`

type viewerData struct {
	Viewer *struct {
		User     *struct{ Email string }
		Merchant struct{ Name, DefaultCurrency string }
		APIKey   *struct{ Name string }
	}
}

func TestAccountsSessionsAndAPIKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		anon := ta.anonymous(t)
		signUp := `mutation($in: SignUpInput!) { signUp(input: $in) { token viewer { user { email } merchant { name defaultCurrency } } } }`

		// Bad sign-ups name the field to fix.
		for _, tc := range []struct{ field, name, email, password string }{
			{"merchantName", " ", "a@b.example", "long enough pw"},
			{"email", "Shop", "not-an-email", "long enough pw"},
			{"password", "Shop", "a@b.example", "short"},
		} {
			anon.expectCode("VALIDATION", tc.field, signUp, map[string]any{"in": map[string]any{
				"merchantName": tc.name, "email": tc.email, "password": tc.password}})
		}

		resp, r := anon.raw(signUp, map[string]any{"in": map[string]any{
			"merchantName": "Lumen Studio", "email": "Ana@Lumen.Example", "password": "correct horse battery", "defaultCurrency": "eur"}})
		if len(r.Errors) > 0 {
			t.Fatalf("signUp: %+v", r.Errors)
		}
		var cookie *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == auth.CookieName {
				cookie = c
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.Value == "" {
			t.Fatalf("signUp must set an HttpOnly session cookie, got %+v", resp.Cookies())
		}
		if !strings.Contains(string(r.Data), `"email":"ana@lumen.example"`) || !strings.Contains(string(r.Data), `"defaultCurrency":"EUR"`) {
			t.Fatalf("signUp viewer = %s", r.Data)
		}

		anon.expectCode("VALIDATION", "email", signUp, map[string]any{"in": map[string]any{
			"merchantName": "Copycat", "email": "ana@lumen.example", "password": "correct horse battery"}})

		signIn := `mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { token } }`
		anon.expectCode("UNAUTHENTICATED", "", signIn, map[string]any{"e": "ana@lumen.example", "p": "wrong password"})
		anon.expectCode("UNAUTHENTICATED", "", signIn, map[string]any{"e": "nobody@lumen.example", "p": "correct horse battery"})
		var in struct{ SignIn struct{ Token string } }
		anon.do(signIn, map[string]any{"e": " ANA@lumen.example ", "p": "correct horse battery"}, &in)
		user := ta.anonymous(t)
		user.token = in.SignIn.Token

		var v viewerData
		user.do(viewerQuery, nil, &v)
		if v.Viewer == nil || v.Viewer.User.Email != "ana@lumen.example" || v.Viewer.Merchant.Name != "Lumen Studio" {
			t.Fatalf("viewer = %+v", v.Viewer)
		}
		var none viewerData
		anon.do(viewerQuery, nil, &none)
		if none.Viewer != nil {
			t.Fatalf("anonymous viewer = %+v, want null", none.Viewer)
		}
		anon.expectCode("UNAUTHENTICATED", "", `{ customers(first: 1) { totalCount } }`, nil)
		anon.expectCode("UNAUTHENTICATED", "", `mutation { createCustomer(input: {name: "X", email: "x@y.example"}) { id } }`, nil)

		// API keys: the secret once, then only a prefix; usable as a bearer token.
		var created struct {
			CreateAPIKey struct {
				Secret string
				APIKey struct{ ID, Name, Prefix, CreatedBy string }
			}
		}
		user.expectCode("VALIDATION", "name", `mutation { createAPIKey(input: {name: "  "}) { secret } }`, nil)
		user.do(`mutation { createAPIKey(input: {name: "Shop integration"}) { secret apiKey { id name prefix createdBy } } }`, nil, &created)
		key := created.CreateAPIKey
		if !strings.HasPrefix(key.Secret, key.APIKey.Prefix) || len(key.Secret) < 40 || key.APIKey.CreatedBy != "ana@lumen.example" {
			t.Fatalf("createAPIKey = %+v", key)
		}
		partner := ta.anonymous(t)
		partner.token = key.Secret
		var pv viewerData
		partner.do(viewerQuery, nil, &pv)
		if pv.Viewer == nil || pv.Viewer.APIKey == nil || pv.Viewer.APIKey.Name != "Shop integration" || pv.Viewer.User != nil {
			t.Fatalf("viewer through API key = %+v", pv.Viewer)
		}
		partner.createCustomer("Partner-made", "made@partner.example")

		var keys struct {
			APIKeys []struct {
				Name       string
				LastUsedAt *string
			}
		}
		user.do(`{ apiKeys { name lastUsedAt } }`, nil, &keys)
		if len(keys.APIKeys) != 1 || keys.APIKeys[0].LastUsedAt == nil {
			t.Fatalf("apiKeys = %+v, want one key with lastUsedAt", keys.APIKeys)
		}
		user.do(`mutation($id: ID!) { revokeAPIKey(id: $id) { revokedAt } }`, map[string]any{"id": key.APIKey.ID}, nil)
		partner.expectCode("UNAUTHENTICATED", "", `{ customers(first: 1) { totalCount } }`, nil)

		// Signing out ends that session only.
		var out struct{ SignOut bool }
		user.do(`mutation { signOut }`, nil, &out)
		if !out.SignOut {
			t.Fatal("signOut = false, want true")
		}
		user.expectCode("UNAUTHENTICATED", "", `{ customers(first: 1) { totalCount } }`, nil)
	})
}

func TestSessionCookieAuthenticates(t *testing.T) {
	ta := startApp(t, dbtest.Backend{Name: "sqlite", URL: dbtest.SQLite(t)})
	c := ta.signUp(t, "Cookie Shop")
	req, _ := http.NewRequest(http.MethodPost, ta.srv.URL+"/query", strings.NewReader(`{"query":"{ viewer { merchant { name } } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: c.token}) //nolint:gosec // G124: a cookie the test client sends; its attributes are the server's to set
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), "Cookie Shop") {
		t.Fatalf("viewer by cookie = %s", body)
	}
}

// Two tally processes on one PostgreSQL. Each remembers the tokens it has
// looked up for a few seconds, yet a key revoked or a session ended through
// one stops working in the other at once (the revocation reaches it over the
// event bus), not when its cache entry would have expired.
func TestRevocationReachesOtherProcesses(t *testing.T) {
	url := dbtest.Postgres(t)
	one, two := startAppAt(t, url), startAppAt(t, url)
	owner := one.signUp(t, "Two Process Shop")
	var key struct {
		CreateAPIKey struct {
			Secret string
			APIKey struct{ ID string }
		}
	}
	owner.do(`mutation { createAPIKey(input: {name: "Partner app"}) { secret apiKey { id } } }`, nil, &key)

	viaTwo := func(token string) *client { return &client{t: t, url: two.srv.URL + "/query", token: token} }
	// A query that needs a viewer: it answers, or says UNAUTHENTICATED.
	works := func(c *client) bool {
		_, r := c.send(nil, `{ customers(first: 1) { totalCount } }`, nil)
		if len(r.Errors) > 0 {
			if r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
				t.Fatalf("customers: %+v, want data or UNAUTHENTICATED", r.Errors)
			}
			return false
		}
		return true
	}
	stopsWorking := func(what string, c *client) {
		t.Helper()
		deadline := time.Now().Add(auth.CacheTTL / 4)
		for works(c) {
			if time.Now().After(deadline) {
				t.Fatalf("%s still works in the other process %s later", what, auth.CacheTTL/4)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	partner, session := viaTwo(key.CreateAPIKey.Secret), viaTwo(owner.token)
	if !works(partner) || !works(session) {
		t.Fatal("the key and the session should work in the second process")
	}
	owner.do(`mutation($id: ID!) { revokeAPIKey(id: $id) { id } }`, map[string]any{"id": key.CreateAPIKey.APIKey.ID}, nil)
	stopsWorking("a revoked API key", partner)
	if !works(session) {
		t.Fatal("revoking a key ended the owner's session in the other process")
	}
	owner.do(`mutation { signOut }`, nil, nil)
	stopsWorking("a signed-out session", session)
}
