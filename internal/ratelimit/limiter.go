package ratelimit

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"hash/maphash"
	"log/slog"
	"math"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Rule is one limit: a bucket of Burst tokens per key, refilled at Rate.
// Each request (or failed attempt) takes a token; with none left it is
// refused until one has been refilled.
type Rule struct {
	// Name identifies the limit in logs and 429 bodies, e.g. "sign-in per
	// account".
	Name string
	// Message tells the caller what was refused, e.g. "too many sign-in
	// attempts for this account"; "; try again in N s" is appended.
	Message string
	// Rate is the sustained rate, e.g. rate.Every(20*time.Second).
	Rate rate.Limit
	// Burst is how many requests a quiet key may make at once. Zero (or
	// less) turns the rule off.
	Burst int
	// MaxKeys bounds the keys held in memory; zero means DefaultMaxKeys.
	MaxKeys int
}

// Off reports whether the rule limits nothing.
func (r Rule) Off() bool { return r.Burst <= 0 || r.Rate == rate.Inf }

// DefaultMaxKeys bounds each limiter's memory: a key costs about 300 bytes
// (bucket, map and list entries, the key itself), so about 20 MB at most.
const DefaultMaxKeys = 1 << 16

// maxKeyLen: longer keys (an email field stuffed with a megabyte) are kept
// as a hash, so a key costs a bounded amount of memory.
const maxKeyLen = 256

const numShards = 16

// sweepEvery is how often a shard drops the keys that have been quiet long
// enough to be full again.
const sweepEvery = time.Minute

// Limiter is a set of token buckets, one per key, for one Rule.
//
// Memory stays bounded under a flood of distinct keys: a key unused for
// long enough that its bucket has refilled completely is dropped (it would
// behave exactly like a new one, so nothing is lost), and past MaxKeys the
// least recently used key is dropped even if it is not full yet. That second
// case loses state (the key starts again with a full bucket); it is logged,
// and only happens when someone sends more distinct keys than MaxKeys within
// one refill period.
//
// A nil *Limiter allows everything: a rule that is off builds none.
type Limiter struct {
	rule Rule
	// idle is how long a key must be unused before its bucket is full.
	idle   time.Duration
	seed   maphash.Seed
	shards [numShards]shard
	now    func() time.Time // tests move time

	rejected atomic.Int64
	evicted  atomic.Int64 // keys dropped before their bucket was full
	lastWarn atomic.Int64 // unix nanoseconds of the last log line
}

type shard struct {
	mu        sync.Mutex
	keys      map[string]*list.Element // of *entry
	lru       list.List                // front: most recently used
	max       int
	lastSweep time.Time
}

type entry struct {
	key     string
	bucket  *rate.Limiter
	used    time.Time
	pending int // attempts begun and not yet ended
}

// New returns a Limiter for rule, or nil (which allows everything) if the
// rule is off.
func New(rule Rule) *Limiter {
	if rule.Off() {
		return nil
	}
	if rule.Rate <= 0 {
		// A bucket that never refills would lock a key out for good.
		panic("ratelimit: rule " + rule.Name + " has no refill rate")
	}
	if rule.MaxKeys <= 0 {
		rule.MaxKeys = DefaultMaxKeys
	}
	l := &Limiter{rule: rule, seed: maphash.MakeSeed(), now: time.Now}
	// From empty to full takes Burst/Rate; round up to whole seconds.
	l.idle = time.Duration(math.Ceil(float64(rule.Burst)/float64(rule.Rate))) * time.Second
	perShard := (rule.MaxKeys + numShards - 1) / numShards
	for i := range l.shards {
		l.shards[i].keys = make(map[string]*list.Element)
		l.shards[i].max = perShard
	}
	return l
}

// Rule returns the rule l enforces (the zero Rule for nil).
func (l *Limiter) Rule() Rule {
	if l == nil {
		return Rule{}
	}
	return l.rule
}

// Allow takes a token for key. If there is none it reports false and how
// long until there will be one; nothing is taken then, so a caller who keeps
// hammering is refused as cheaply as possible and not locked out for longer.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	if l == nil {
		return true, 0
	}
	s, e, now := l.lock(key)
	defer s.mu.Unlock()
	if wait := l.wait(e, now); wait > 0 {
		l.reject(key)
		return false, wait
	}
	e.bucket.ReserveN(now, 1)
	return true, 0
}

// Attempt is an action checked against the limit before it runs but
// charged only if it fails: a sign-in with the right password costs
// nothing. End it exactly once.
type Attempt struct {
	l    *Limiter
	e    *entry
	done atomic.Bool
}

// Begin starts an attempt for key. It is refused while the bucket has no
// token to spare for it, counting the attempts still running as if each
// will fail: so a thousand guesses sent at once get only as many tries as
// there are tokens, not a thousand. A nil Limiter begins a no-op attempt.
func (l *Limiter) Begin(key string) (a *Attempt, ok bool, retryAfter time.Duration) {
	if l == nil {
		return nil, true, 0
	}
	s, e, now := l.lock(key)
	defer s.mu.Unlock()
	if wait := l.wait(e, now); wait > 0 {
		l.reject(key)
		return nil, false, wait
	}
	e.pending++
	return &Attempt{l: l, e: e}, true, 0
}

// End finishes the attempt; failed charges it a token. Calling End on a nil
// Attempt, or a second time, does nothing.
func (a *Attempt) End(failed bool) {
	if a == nil || a.done.Swap(true) {
		return
	}
	l := a.l
	s := l.shard(a.e.key)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := l.now()
	a.e.pending--
	if failed {
		// Begin saw a token for this attempt, so this never waits; if the
		// key was evicted meanwhile the charge lands on the old bucket.
		a.e.bucket.ReserveN(now, 1)
	}
	a.e.used = now
}

// wait is how long until e has a token beyond those its pending attempts
// may take; zero if it has one now.
func (l *Limiter) wait(e *entry, now time.Time) time.Duration {
	need := float64(e.pending+1) - e.bucket.TokensAt(now)
	if need <= 0 {
		return 0
	}
	d := time.Duration(need / float64(l.rule.Rate) * float64(time.Second))
	if d <= 0 {
		d = time.Nanosecond
	}
	return d
}

// Len is how many keys l holds.
func (l *Limiter) Len() int {
	if l == nil {
		return 0
	}
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		n += len(s.keys)
		s.mu.Unlock()
	}
	return n
}

// Stats reports how many requests l refused and how many keys it had to drop
// before their bucket was full (because MaxKeys was reached).
func (l *Limiter) Stats() (rejected, evicted int64) {
	if l == nil {
		return 0, 0
	}
	return l.rejected.Load(), l.evicted.Load()
}

func (l *Limiter) shard(key string) *shard {
	return &l.shards[maphash.String(l.seed, key)%numShards]
}

// lock finds or makes key's entry, marks it used and returns it with its
// shard locked.
func (l *Limiter) lock(key string) (*shard, *entry, time.Time) {
	if len(key) > maxKeyLen {
		h := sha256.Sum256([]byte(key))
		key = "sha256:" + hex.EncodeToString(h[:])
	}
	s := l.shard(key)
	s.mu.Lock()
	now := l.now()
	if el, ok := s.keys[key]; ok {
		e := el.Value.(*entry)
		e.used = now
		s.lru.MoveToFront(el)
		return s, e, now
	}
	if now.Sub(s.lastSweep) >= sweepEvery || len(s.keys) >= s.max {
		l.sweep(s, now)
	}
	for len(s.keys) >= s.max {
		l.evict(s, s.lru.Back())
		l.evicted.Add(1)
		l.warn("rate limiter full: dropping keys that are still limited; raise MaxKeys if this is not an attack", "")
	}
	e := &entry{key: key, bucket: rate.NewLimiter(l.rule.Rate, l.rule.Burst), used: now}
	s.keys[key] = s.lru.PushFront(e)
	return s, e, now
}

// sweep drops the least recently used keys whose buckets are full again.
// They are at the back of the list, so it stops at the first that is not.
func (l *Limiter) sweep(s *shard, now time.Time) {
	s.lastSweep = now
	for el := s.lru.Back(); el != nil; {
		e := el.Value.(*entry)
		if e.pending > 0 || now.Sub(e.used) < l.idle {
			return
		}
		prev := el.Prev()
		l.evict(s, el)
		el = prev
	}
}

func (l *Limiter) evict(s *shard, el *list.Element) {
	delete(s.keys, el.Value.(*entry).key)
	s.lru.Remove(el)
}

func (l *Limiter) reject(key string) {
	l.rejected.Add(1)
	l.warn("rate limit reached", key)
}

// warn logs at most once a minute per limiter, so that a flood does not
// become a flood of log lines too.
func (l *Limiter) warn(msg, key string) {
	now := time.Now().UnixNano()
	last := l.lastWarn.Load()
	if now-last < int64(time.Minute) || !l.lastWarn.CompareAndSwap(last, now) {
		return
	}
	rejected, evicted := l.Stats()
	args := []any{"limit", l.rule.Name, "rejected_total", rejected, "evicted_total", evicted}
	// Only addresses are logged: an account key is whatever was typed in
	// the email field, sometimes a password.
	if _, err := netip.ParsePrefix(key); err == nil {
		args = append(args, "key", key)
	} else if _, err := netip.ParseAddr(key); err == nil {
		args = append(args, "key", key)
	}
	slog.Warn(msg, args...)
}
