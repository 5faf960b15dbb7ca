// Package ratelimit slows callers down before they can hurt Tally or its
// merchants: password guessing, account spam, floods of payment-page or
// webhook requests, and API clients that run away.
//
// A Limiter holds one token bucket per key (an email address, a client IP, an
// API key). The buckets are golang.org/x/time/rate limiters: that package is
// maintained by the Go team, is used throughout the ecosystem, handles the
// arithmetic of refills, fractional tokens and clock edge cases, and is
// cheap (one small struct and a mutex per bucket). Writing our own bucket
// would only add places for off-by-one bugs in security code. What this
// package adds on top is the keyed map, kept bounded in memory (see
// Limiter), the "check now, charge only on failure" Attempt that sign-in
// needs, the client-IP rules for trusted proxies (ClientIP), and the 429
// answers with Retry-After.
//
// # Limits are per process
//
// Buckets live in the memory of one tally process. With N processes behind
// a load balancer each keeps its own buckets, so the effective limit is up
// to N times the configured one (the balancer decides how a caller's
// requests spread). The numbers in Defaults were chosen so that even a few
// times them is still safe. A restart also forgets every bucket. When Tally
// runs on enough processes for that to matter, the next step is a shared
// store (a PostgreSQL table or Redis with an atomic "take a token" script)
// behind the same Limiter API; callers would not change.
package ratelimit
