package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/ent/cryptowallet"
	"github.com/tally-invoicing/tally/internal/checkout/infini"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/tenant"
)

const setWallets = `mutation($w: [CryptoWalletInput!]!) { setCryptoWallets(wallets: $w) { id } }`

func wallets(ws ...[3]string) map[string]any {
	var list []map[string]any
	for _, w := range ws {
		list = append(list, map[string]any{"network": w[0], "asset": w[1], "address": w[2]})
	}
	return map[string]any{"w": list}
}

// An address on a network belongs to one merchant: a second merchant is
// refused, whatever the address's letter case on EVM networks, even when
// both save at once; the first keeps its wallets and may reuse one address
// for both stablecoins.
func TestWalletAddressBelongsToOneMerchant(t *testing.T) {
	const evm = "0x52908400098527886E0F7030069857D2E4169EE7" // EIP-55 checksummed
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		m1 := ta.signUp(t, "Owner Shop")
		m1.do(setWallets, wallets([3]string{"TRON", "USDT", tronAddress},
			[3]string{"ETHEREUM", "USDT", evm}, [3]string{"ETHEREUM", "USDC", strings.ToLower(evm)}), nil)
		// Saving again (the settings page does on every change) is no conflict with itself.
		m1.do(setWallets, wallets([3]string{"TRON", "USDT", tronAddress},
			[3]string{"ETHEREUM", "USDT", evm}, [3]string{"ETHEREUM", "USDC", evm}), nil)

		m2 := ta.signUp(t, "Copycat Shop")
		m2.expectCode("VALIDATION", "wallets[0].address", setWallets, wallets([3]string{"TRON", "USDT", tronAddress}))
		m2.expectCode("VALIDATION", "wallets[1].address", setWallets, wallets(
			[3]string{"POLYGON", "USDT", evm}, // another network: a different account there
			[3]string{"ETHEREUM", "USDC", "0x" + strings.ToUpper(evm[2:])}))
		m2.do(setWallets, wallets([3]string{"POLYGON", "USDT", evm}), nil)

		// Two merchants saving one new address at once: one gets it, the
		// other a VALIDATION error, never INTERNAL.
		for round := range 4 {
			addr := []string{"0x1111111111111111111111111111111111111111", "0x2222222222222222222222222222222222222222",
				"0x3333333333333333333333333333333333333333", "0x4444444444444444444444444444444444444444"}[round]
			a, c := ta.signUp(t, "Racer A"), ta.signUp(t, "Racer B")
			var wg sync.WaitGroup
			errs := make([]*gqlError, 2)
			for i, cl := range []*client{a, c} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, r := cl.raw(setWallets, wallets([3]string{"BSC", "USDT", addr}))
					if len(r.Errors) > 0 {
						errs[i] = &r.Errors[0]
					}
				}()
			}
			wg.Wait()
			failed := 0
			for _, e := range errs {
				if e == nil {
					continue
				}
				failed++
				if e.Extensions["code"] != "VALIDATION" || e.Extensions["field"] != "wallets[0].address" {
					t.Fatalf("round %d: the loser got %v (field %v): %s; want VALIDATION on wallets[0].address", round, e.Extensions["code"], e.Extensions["field"], e.Message)
				}
			}
			if failed != 1 {
				t.Fatalf("round %d: %d of 2 merchants were refused, want exactly 1", round, failed)
			}
		}
	})
}

// Databases from before addresses were claimed may hold one address for
// two merchants: at start-up the first to register it keeps it.
func TestStartUpSettlesWalletsSharedBeforeClaims(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		first, second := ta.signUp(t, "First Shop"), ta.signUp(t, "Second Shop")
		ids := map[*client]string{}
		for _, c := range []*client{first, second} {
			var me struct {
				Viewer struct{ Merchant struct{ ID string } }
			}
			c.do(`{ viewer { merchant { id } } }`, nil, &me)
			ids[c] = me.Viewer.Merchant.ID
		}
		// Rows as an older Tally wrote them: no claim.
		ctx := tenant.System(context.Background())
		for _, c := range []*client{first, second} {
			ta.db.Client.CryptoWallet.Create().SetMerchantID(ids[c]).SetNetwork("TRON").SetAsset("USDT").SetAddress(tronAddress).ExecX(ctx)
			time.Sleep(10 * time.Millisecond) // distinct created_at
		}
		again := startAppAt(t, b.URL) // the start-up of the upgraded server
		rows := again.db.Client.CryptoWallet.Query().Where(cryptowallet.Address(tronAddress)).AllX(ctx)
		if len(rows) != 1 || rows[0].MerchantID != ids[first] || rows[0].Claim == nil {
			t.Fatalf("after start-up: %d rows for the address, want one, claimed, of the first merchant", len(rows))
		}
		second.expectCode("VALIDATION", "wallets[0].address", setWallets, wallets([3]string{"TRON", "USDT", tronAddress}))
	})
}

// fakeInfini answers every new order with the same order id, as a
// merchant's own "Infini" may, and every read with a pending order.
func fakeInfini(t *testing.T, orderID string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"code": 0, "data": map[string]any{
			"order_id": orderID, "checkout_url": "https://checkout.example/pay/" + orderID, "status": "pending",
			"amount": "10", "currency": "USD", "amount_confirmed": "0"}})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func signedEvent(secret, eventID, orderID, amount string) (http.Header, []byte) {
	at := time.Now()
	body, _ := json.Marshal(map[string]any{"event": "order.completed", "order_id": orderID, "client_reference": "x", "amount": amount,
		"currency": "USD", "status": "paid", "amount_confirmed": amount, "amount_confirming": "0",
		"created_at": at.Unix(), "updated_at": at.Unix()})
	ts := strconv.FormatInt(at.Unix(), 10)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set(infini.HeaderTimestamp, ts)
	h.Set(infini.HeaderEventID, eventID)
	h.Set(infini.HeaderSignature, infini.SignWebhook(secret, ts, eventID, body))
	return h, body
}

const setInfiniMutation = `mutation($in: InfiniCredentialsInput!) { setInfiniCredentials(input: $in) { id } }`

// An order id means something only in the provider account it was made
// in. A merchant whose provider answers with another merchant's order id
// cannot make that merchant's genuine webhook fail or pay the wrong invoice.
func TestInfiniOrderIDsAreScopedToTheAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		const shared = "4a0d3c7e-0000-4000-8000-00000000beef"
		base := fakeInfini(t, shared)
		hook := ta.srv.URL + "/webhooks/infini"

		m1 := ta.signUp(t, "Genuine Shop")
		m1.do(setInfiniMutation, map[string]any{"in": map[string]any{"keyID": "key-m1", "secret": "s1", "webhookSecret": "whsec-m1", "baseURL": base}}, nil)
		inv1, tok1 := m1.payable("10.00", "USD", "INFINI_CARD")
		if s := ta.startCheckout(t, tok1, "INFINI_CARD", "", ""); orderOf(s) != shared {
			t.Fatalf("M1's order is %s, want %s", orderOf(s), shared)
		}

		// M2's "Infini", in an account of its own, answers with M1's order id.
		m2 := ta.signUp(t, "Copycat Shop")
		m2.do(setInfiniMutation, map[string]any{"in": map[string]any{"keyID": "key-m2", "secret": "s2", "webhookSecret": "whsec-m2", "baseURL": base}}, nil) //nolint:gosec // G101: made-up secrets of a test merchant
		inv2, tok2 := m2.payable("10.00", "USD", "INFINI_CARD")
		ta.startCheckout(t, tok2, "INFINI_CARD", "", "")

		// M1's genuine webhook still pays M1's invoice, and only it.
		h, body := signedEvent("whsec-m1", "evt-m1-paid", shared, "10")
		if code := postWebhook(t, hook, h, body); code != http.StatusOK {
			t.Fatalf("M1's genuine webhook: HTTP %d, want 200", code)
		}
		if st := m1.invoiceState(inv1); st.Status != "PAID" {
			t.Fatalf("M1's invoice is %s after its webhook, want PAID", st.Status)
		}
		if st := m2.invoiceState(inv2); st.Status != "OPEN" || len(st.Payments) != 0 {
			t.Fatalf("M2's invoice is %s with %d payments after M1's webhook, want OPEN with none", st.Status, len(st.Payments))
		}
		// M2's own webhook for "its" order reaches M2 only.
		h, body = signedEvent("whsec-m2", "evt-m2-paid", shared, "10")
		if code := postWebhook(t, hook, h, body); code != http.StatusOK {
			t.Fatalf("M2's webhook: HTTP %d, want 200", code)
		}
		if st := m1.invoiceState(inv1); len(st.Payments) != 1 {
			t.Fatalf("M1's invoice has %d payments after M2's webhook, want still 1", len(st.Payments))
		}
		if st := m2.invoiceState(inv2); st.Status != "PAID" {
			t.Fatalf("M2's invoice is %s after its own webhook, want PAID", st.Status)
		}

		// M3 names M1's account (key id and URL are not secret) with its own
		// webhook secret: the order id is taken in that account, so M3's
		// checkout fails plainly and M1's order is not M3's to settle.
		m3 := ta.signUp(t, "Impostor Shop")
		m3.do(setInfiniMutation, map[string]any{"in": map[string]any{"keyID": "key-m1", "secret": "guess", "webhookSecret": "whsec-m3", "baseURL": base}}, nil)
		_, tok3 := m3.payable("10.00", "USD", "INFINI_CARD")
		e := ta.anonymous(t).expectCode("UNAVAILABLE", "", `mutation($t: String!) { startCheckout(token: $t, method: INFINI_CARD) { id } }`, map[string]any{"t": tok3})
		if !strings.Contains(e.Message, "another checkout") {
			t.Fatalf("message = %q, want it to say the provider's order belongs to another checkout", e.Message)
		}
		h, body = signedEvent("whsec-m3", "evt-m3", shared, "10")
		if code := postWebhook(t, hook, h, body); code != http.StatusUnauthorized {
			t.Fatalf("a webhook signed with M3's secret for M1's order: HTTP %d, want 401", code)
		}
	})
}
