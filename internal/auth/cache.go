package auth

import (
	"sync"
	"time"

	"github.com/tally-invoicing/tally/internal/tenant"
)

// CacheTTL is how long Authenticate trusts a token it looked up. Within it a
// client's requests skip the database lookup (see bench/README.md for what
// that lookup cost).
//
// Ending a credential does not wait for the TTL: SignOut and RevokeAPIKey
// forget it in this process before they return, and other processes forget
// it when the revocation reaches them over the event bus (server/app.go
// wires Forget and ForgetAll to it). Only while a process's bus listener is
// disconnected can it go on accepting a credential revoked elsewhere, and
// then for at most CacheTTL: the cache is emptied when the listener drops
// and again when it reconnects.
var CacheTTL = 10 * time.Second

// maxCached bounds the cache; past it, the expired entries go, and if that
// frees nothing, everything does (a flood of distinct valid tokens is not
// something to optimise for).
const maxCached = 10_000

// tokenCache remembers recent token lookups by token hash.
type tokenCache struct {
	mu      sync.Mutex
	entries map[[32]byte]*cached
	// gen counts forgets. A lookup that started before a forget must not
	// store what it read: the credential may have ended after the read.
	gen uint64
}

type cached struct {
	viewer tenant.Viewer
	until  time.Time
	// lastUsed is when an API key's use was last written down (at most
	// once a minute, as without the cache).
	lastUsed time.Time
}

func newTokenCache() *tokenCache {
	return &tokenCache{entries: make(map[[32]byte]*cached)}
}

// get returns a copy of the entry for hash if it is still good at now.
func (c *tokenCache) get(hash [32]byte, now time.Time) (cached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || !now.Before(e.until) {
		return cached{}, false
	}
	return *e, true
}

// generation is read before a lookup and passed to put.
func (c *tokenCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put stores a lookup's result unless something was forgotten since gen.
func (c *tokenCache) put(hash [32]byte, gen uint64, e cached) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.entries) >= maxCached {
		now := time.Now()
		for k, old := range c.entries {
			if !now.Before(old.until) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxCached {
			clear(c.entries)
		}
	}
	c.entries[hash] = &e
}

// touched records that an API key's use was written down at t.
func (c *tokenCache) touched(hash [32]byte, t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[hash]; ok {
		e.lastUsed = t
	}
}

// forget drops every entry of a session or API key.
func (c *tokenCache) forget(credentialID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k, e := range c.entries {
		if e.viewer.SessionID == credentialID || e.viewer.APIKeyID == credentialID {
			delete(c.entries, k)
		}
	}
}

// forgetAll drops everything.
func (c *tokenCache) forgetAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
}
