package main

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// TestLockoutScenario replays issue #12's measurement in real time with the
// production limits: one wrong password every 2 s, alternating between two
// addresses, for 150 s, while the owner tries the right password 9 times
// from a browser that signed in before (device cookie), from a fresh
// address without cookies (an API client), and from one of the attacker's
// addresses. It prints how many guesses reached the password check and how
// often each owner got in. It takes 150 s, so it only runs with
// TALLY_LONG_TESTS=1.
func TestLockoutScenario(t *testing.T) {
	if os.Getenv("TALLY_LONG_TESTS") != "1" {
		t.Skip("150 s in real time; set TALLY_LONG_TESTS=1")
	}
	ta := startAppWith(t, dbtest.SQLite(t), productionLimits)
	ta.auth.BcryptCost = bcrypt.DefaultCost
	const victim = "owner@lockout.example"
	ta.from("198.51.100.1").signUp(t, victim)

	jar, _ := cookiejar.New(nil)
	browser := &caller{url: ta.srv.URL + "/query", xff: "198.51.100.10", hc: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	if _, r, err := browser.post(signInMutation, signInVars(victim, goodPassword)); err != nil || len(r.Errors) > 0 {
		t.Fatalf("the owner's first sign-in: %v %+v", err, r.Errors)
	}

	const window, every, ownerTries = 150 * time.Second, 2 * time.Second, 9
	attackers := []*caller{ta.from("203.0.113.1"), ta.from("203.0.113.2")}
	var guesses, checked atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		end := time.Now().Add(window)
		for i := 0; time.Now().Before(end); i++ {
			_, r, err := attackers[i%2].post(signInMutation, signInVars(victim, fmt.Sprintf("guess %d", i)))
			guesses.Add(1)
			if err == nil && len(r.Errors) == 1 && r.Errors[0].Extensions["code"] == "UNAUTHENTICATED" {
				checked.Add(1)
			}
			<-tick.C
		}
	}()
	owners := []struct {
		name string
		c    *caller
	}{
		{"browser with a device cookie", browser},
		{"fresh address, no cookies", ta.from("198.51.100.20")},
		{"an attacker's address, no cookies", ta.from("203.0.113.1")},
	}
	in := make([]int, len(owners))
	time.Sleep(every * 3 / 2)
	for range ownerTries {
		for i, o := range owners {
			if _, r, err := o.c.post(signInMutation, signInVars(victim, goodPassword)); err == nil && len(r.Errors) == 0 {
				in[i]++
			}
		}
		time.Sleep(window / ownerTries)
	}
	<-done
	t.Logf("%d wrong passwords in %v from 2 addresses: %d reached the password check", guesses.Load(), window, checked.Load())
	for i, o := range owners {
		t.Logf("owner, %s: signed in %d of %d", o.name, in[i], ownerTries)
	}
}
