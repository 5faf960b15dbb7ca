package main

import (
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/ent/passwordreset"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/tenant"
)

const (
	requestResetMutation = `mutation($e: String!) { requestPasswordReset(email: $e) }`
	resetMutation        = `mutation($t: String!, $p: String!) { resetPassword(input: {token: $t, password: $p}) { token viewer { user { email } } } }`
	expiredLinkMessage   = "this reset link has expired or was already used; ask for a new one"
)

var resetLink = regexp.MustCompile(`https?://[^"\s<]+/reset-password\?token=(tally_rst_[A-Za-z0-9_-]+)`)

// resetToken reads the newest reset link for the merchant from the dev
// mailbox, as the signed-in c sees it.
func resetToken(t *testing.T, c *client, ta *testApp) (link, token string) {
	t.Helper()
	ta.auth.Wait() // the request is stored after the answer
	var out struct {
		Emails struct {
			Edges []struct {
				Node struct {
					Kind, To, HTML string
					Invoice        *struct{ ID string }
				}
			}
		}
	}
	c.do(`{ emails(first: 5) { edges { node { kind to html invoice { id } } } } }`, nil, &out)
	for _, e := range out.Emails.Edges {
		if e.Node.Kind != "PASSWORD_RESET" {
			continue
		}
		if e.Node.Invoice != nil {
			t.Fatalf("a reset email carries invoice %+v", e.Node.Invoice)
		}
		m := resetLink.FindStringSubmatch(e.Node.HTML)
		if m == nil {
			t.Fatalf("no reset link in %q", e.Node.HTML)
		}
		return m[0], m[1]
	}
	t.Fatalf("no reset email in the dev mailbox: %+v", out)
	return "", ""
}

// TestPasswordReset: "forgot password" emails a single-use link (to the dev
// mailbox here) that sets a new password, signs the user in and ends every
// other session, websockets included; API keys keep working. Unknown
// addresses get the very same answer.
func TestPasswordReset(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		owner := ta.signUp(t, "Forgetful Shop")
		var me struct {
			Viewer struct{ User struct{ Email string } }
		}
		owner.do(`{ viewer { user { email } } }`, nil, &me)
		email := me.Viewer.User.Email
		var key struct{ CreateAPIKey struct{ Secret string } }
		owner.do(`mutation { createAPIKey(input: {name: "Shop sync"}) { secret } }`, nil, &key)
		ws := dialWS(t, ta.srv.URL, nil)
		ws.init(map[string]any{"token": owner.token})
		ws.subscribe("1", nil)
		waitSubscribers(t, ta, 1)

		anon := ta.anonymous(t)
		// No enumeration: a known and an unknown address get byte-for-byte
		// the same answer (the work happens after it).
		answers := map[string]int{}
		for _, e := range []string{"  " + strings.ToUpper(email) + " ", "nobody@nowhere.example"} {
			resp, r := anon.raw(requestResetMutation, map[string]any{"e": e})
			raw, _ := json.Marshal(r)
			answers[string(raw)+" "+resp.Status]++
		}
		if len(answers) != 1 {
			t.Fatalf("known and unknown addresses answered differently: %v", answers)
		}
		for a := range answers {
			if !strings.Contains(a, `"requestPasswordReset":true`) {
				t.Fatalf("answer %s", a)
			}
		}
		anon.expectCode("VALIDATION", "email", requestResetMutation, map[string]any{"e": "not an address"})

		link, token := resetToken(t, owner, ta)
		if want := ta.cfg.BaseURL + "/reset-password?token=" + url.QueryEscape(token); link != want {
			t.Fatalf("link %q, want %q", link, want)
		}
		// Only the token's hash is stored, once (nothing for the unknown address).
		sys := tenant.System(t.Context())
		resets, err := ta.db.Client.PasswordReset.Query().All(sys)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(token))
		if len(resets) != 1 || string(resets[0].TokenHash) != string(sum[:]) || resets[0].UsedAt != nil {
			t.Fatalf("stored resets %+v, want one with the token's SHA-256", resets)
		}
		if d := time.Until(resets[0].ExpiresAt); d < 59*time.Minute || d > time.Hour {
			t.Fatalf("the link expires in %v, want an hour", d)
		}
		// The dashboard serves the page the link opens (the SPA, or the
		// "not built" notice in a binary without it), never a 404.
		if resp, err := http.Get(link); err != nil || resp.StatusCode == http.StatusNotFound { //nolint:gosec // G107: the link from the test's own captured mail
			t.Fatalf("GET %s: %v %v", link, resp, err)
		} else {
			resp.Body.Close()
		}

		// The sign-up rules apply, and a refused password leaves the link usable.
		anon.expectCode("VALIDATION", "password", resetMutation, map[string]any{"t": token, "p": "short"})

		// Two uses at once: one wins.
		const newPassword = "a brand new passphrase"
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			won    []string
			errors []gqlError
		)
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := &caller{url: ta.srv.URL + "/query", hc: flooder}
				_, r, err := c.post(resetMutation, map[string]any{"t": token, "p": newPassword})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Errorf("resetPassword: %v", err)
					return
				}
				if len(r.Errors) > 0 {
					errors = append(errors, r.Errors...)
					return
				}
				var out struct{ ResetPassword struct{ Token string } }
				_ = json.Unmarshal(r.Data, &out)
				won = append(won, out.ResetPassword.Token)
			}()
		}
		wg.Wait()
		if len(won) != 1 || len(errors) != 1 || errors[0].Extensions["code"] != "VALIDATION" || errors[0].Extensions["field"] != "token" || !strings.HasSuffix(errors[0].Message, expiredLinkMessage) {
			t.Fatalf("two concurrent uses: %d won, errors %+v; want one each, the loser told %q", len(won), errors, expiredLinkMessage)
		}

		// Every session from before is over, its websocket too; the API
		// key and the session the reset opened work.
		ws.expectClose(4403)
		owner.expectCode("UNAUTHENTICATED", "", `{ apiKeys { id } }`, nil)
		(&client{t: t, url: owner.url, token: key.CreateAPIKey.Secret}).do(`{ viewer { merchant { name } } }`, nil, nil)
		fresh := &client{t: t, url: owner.url, token: won[0]}
		fresh.do(`{ apiKeys { id } }`, nil, nil)

		// The new password signs in; the old one does not.
		anon.do(`mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { token } }`, map[string]any{"e": email, "p": newPassword}, nil)
		anon.expectCode("UNAUTHENTICATED", "", `mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { token } }`, map[string]any{"e": email, "p": goodPassword})

		// Used, unknown and expired links all get the same clear answer.
		for name, tok := range map[string]string{"used": token, "unknown": "tally_rst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not a token": "hello"} {
			e := anon.expectCode("VALIDATION", "token", resetMutation, map[string]any{"t": tok, "p": newPassword})
			if !strings.HasSuffix(e.Message, expiredLinkMessage) {
				t.Errorf("%s link: %q, want %q", name, e.Message, expiredLinkMessage)
			}
		}
		anon.do(requestResetMutation, map[string]any{"e": email}, nil)
		_, second := resetToken(t, fresh, ta)
		if second == token {
			t.Fatal("the second request mailed the first token again")
		}
		// An hour later (expires_at is immutable: replace the row).
		pr, err := ta.db.Client.PasswordReset.Query().Where(passwordreset.UsedAtIsNil()).Only(sys)
		if err != nil {
			t.Fatal(err)
		}
		if err := ta.db.Client.PasswordReset.DeleteOne(pr).Exec(sys); err != nil {
			t.Fatal(err)
		}
		if err := ta.db.Client.PasswordReset.Create().SetMerchantID(pr.MerchantID).SetUserID(pr.UserID).
			SetTokenHash(pr.TokenHash).SetExpiresAt(time.Now().Add(-time.Second)).Exec(sys); err != nil {
			t.Fatal(err)
		}
		if e := anon.expectCode("VALIDATION", "token", resetMutation, map[string]any{"t": second, "p": newPassword}); !strings.HasSuffix(e.Message, expiredLinkMessage) {
			t.Errorf("expired link: %q", e.Message)
		}
	})
}

// TestPasswordResetLimits: with the production limits, asking for reset
// links is limited per address asked for (known or not: the limit tells
// nothing) and per client address.
func TestPasswordResetLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startAppWith(t, b.URL, productionLimits)
		ta.from("198.51.100.1").signUp(t, "known@reset.example")
		ask := func(c *caller, email string) (string, error) {
			resp, r, err := c.post(requestResetMutation, map[string]any{"e": email})
			if err != nil {
				return "", err
			}
			if len(r.Errors) == 0 {
				return "ok", nil
			}
			msg, err := rateLimited(resp, r)
			return msg[:max(0, strings.Index(msg, ";"))], err
		}
		for _, email := range []string{"known@reset.example", "unknown@reset.example"} {
			for i := range 4 {
				got, err := ask(ta.from("198.51.100."+string(rune('2'+i))), email)
				want := "ok"
				if i == 3 {
					want = "a reset link was asked for this address recently"
				}
				if err != nil || got != want {
					t.Fatalf("request %d for %s: %q %v, want %q", i+1, email, got, err, want)
				}
			}
		}
		from := ta.from("203.0.113.9")
		for i := range 11 {
			got, err := ask(from, "someone"+string(rune('a'+i))+"@reset.example")
			want := "ok"
			if i == 10 {
				want = "too many password reset requests from this address"
			}
			if err != nil || got != want {
				t.Fatalf("request %d from one address: %q %v, want %q", i+1, got, err, want)
			}
		}
		ta.auth.Wait()
	})
}

// TestPasswordResetThroughMailgun: with a real provider the reset email goes
// out from "Tally" with the link and no attachment, the merchant's emails
// list (readable by its API keys) never shows it, and the stored copy loses
// the link once sent.
func TestPasswordResetThroughMailgun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta, rec := startMailgunApp(t, b)
		c := ta.signUp(t, "Mailed Shop")
		var me struct {
			Viewer struct{ User struct{ Email string } }
		}
		c.do(`{ viewer { user { email } } }`, nil, &me)
		ta.anonymous(t).do(requestResetMutation, map[string]any{"e": me.Viewer.User.Email}, nil)
		ta.auth.Wait()
		if n := deliver(t, ta.outbox); n != 1 {
			t.Fatalf("delivered %d emails, want the reset email", n)
		}
		if len(rec.forms) != 1 {
			t.Fatalf("mailgun got %d messages", len(rec.forms))
		}
		f := rec.forms[0]
		if f.Value["to"][0] != me.Viewer.User.Email || !strings.Contains(f.Value["from"][0], "Tally") || len(f.File["attachment"]) != 0 {
			t.Errorf("to %q from %q attachments %d", f.Value["to"], f.Value["from"], len(f.File["attachment"]))
		}
		m := resetLink.FindStringSubmatch(f.Value["text"][0])
		if m == nil || !strings.Contains(f.Value["html"][0], m[0]) {
			t.Fatalf("no reset link in the message: %q", f.Value["text"])
		}

		var list struct{ Emails struct{ TotalCount int } }
		c.do(`{ emails(first: 10) { totalCount } }`, nil, &list)
		if list.Emails.TotalCount != 0 {
			t.Errorf("the emails list shows %d emails, want the reset email hidden", list.Emails.TotalCount)
		}
		stored, err := ta.db.Client.Email.Query().All(tenant.System(t.Context()))
		if err != nil || len(stored) != 1 {
			t.Fatalf("stored emails %d %v", len(stored), err)
		}
		if strings.Contains(stored[0].HTML, "tally_rst_") || strings.Contains(stored[0].Text, "tally_rst_") || stored[0].Status != "SENT" {
			t.Errorf("the stored copy still carries the link after sending (status %s)", stored[0].Status)
		}
		// The link itself works.
		ta.anonymous(t).do(resetMutation, map[string]any{"t": m[1], "p": "a brand new passphrase"}, nil)
	})
}
