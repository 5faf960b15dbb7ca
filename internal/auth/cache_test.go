package auth

import (
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/tenant"
)

func TestTokenCache(t *testing.T) {
	now := time.Now()
	key := [32]byte{1}
	entry := cached{viewer: tenant.Viewer{MerchantID: "m", APIKeyID: "key_1"}, until: now.Add(time.Second)}

	c := newTokenCache()
	c.put(key, c.generation(), entry)
	if _, ok := c.get(key, now); !ok {
		t.Fatal("a fresh entry is not found")
	}
	if _, ok := c.get(key, now.Add(time.Second)); ok {
		t.Fatal("an entry is still found at its expiry (a session's expiry, or CacheTTL)")
	}

	// A lookup that read the database before a revocation was forgotten
	// must not store what it read.
	c = newTokenCache()
	gen := c.generation()
	c.forget("key_1") // the revocation lands while the lookup runs
	c.put(key, gen, entry)
	if _, ok := c.get(key, now); ok {
		t.Fatal("a lookup that raced a revocation was cached")
	}

	c = newTokenCache()
	other := [32]byte{2}
	c.put(key, c.generation(), entry)
	c.put(other, c.generation(), cached{viewer: tenant.Viewer{MerchantID: "m", SessionID: "ses_1"}, until: now.Add(time.Second)})
	c.forget("ses_1")
	if _, ok := c.get(other, now); ok {
		t.Fatal("a forgotten session is still cached")
	}
	if _, ok := c.get(key, now); !ok {
		t.Fatal("forgetting one credential dropped another")
	}
	c.forgetAll()
	if _, ok := c.get(key, now); ok {
		t.Fatal("forgetAll left an entry")
	}
}
