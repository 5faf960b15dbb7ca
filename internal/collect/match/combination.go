package match

import (
	"math"
	"slices"
	"sync"
	"time"
)

// searcher finds a COMBINATION: the fewest of a customer's open invoices
// whose dues add up to exactly an amount. Sets are tried by size, and
// within a size in order of age (depth-first over invoices oldest first),
// so the first set found is the answer. What keeps it bounded:
//   - bounds: from each position on, the m smallest and the m largest dues
//     give the least and most m invoices can add up to; a branch whose
//     remainder falls outside is cut;
//   - equal dues: at one depth, a due that already failed fails again from
//     any later position, so it is tried once (hundreds of identical
//     subscription invoices cost one branch each);
//   - the last invoice of a set is found by binary search among the dues;
//   - a deadline, checked every 1024 steps.
//
// Searchers are pooled: a Match call borrows one, so the Index stays
// read-only and concurrent calls share nothing.
type searcher struct {
	ids   []int32 // invoices, oldest first
	dues  []int64
	order []int32 // positions sorted by due, then position
	rank  []int32 // each position's due numbered among the distinct dues
	// lo[p*(k+1)+m] is the sum of the m smallest dues from position p on
	// (math.MaxInt64 when there are fewer than m); hi the m largest (-1).
	lo, hi   []int64
	distinct int
	k        int
	// tried[m*distinct+rank] holds the call that last tried that due with
	// m invoices still to choose.
	tried []uint32
	call  uint32

	chosen   []int32
	steps    int
	deadline time.Time
	timedOut bool
}

var searchers = sync.Pool{New: func() any { return new(searcher) }}

func (s *searcher) reset() {
	s.ids, s.dues = s.ids[:0], s.dues[:0]
}

func (s *searcher) add(inv int32, due int64) {
	s.ids = append(s.ids, inv)
	s.dues = append(s.dues, due)
}

// search returns the invoices of the smallest set of 2 to k whose dues add
// up to amount, the oldest such set, or nil; timedOut when it gave up.
func (s *searcher) search(amount int64, k int, timeout time.Duration) (set []int32, timedOut bool) {
	n := len(s.dues)
	if n < 2 {
		return nil, false
	}
	s.prepare(min(k, n))
	s.deadline, s.timedOut, s.steps = time.Now().Add(timeout), false, 0
	for size := 2; size <= s.k; size++ {
		s.chosen = s.chosen[:0]
		if s.find(0, size, amount) {
			set = make([]int32, size)
			for j, p := range s.chosen {
				set[j] = s.ids[p]
			}
			return set, false
		}
		if s.timedOut {
			return nil, true
		}
	}
	return nil, false
}

func (s *searcher) prepare(k int) {
	n := len(s.dues)
	s.k = k
	s.order = s.order[:0]
	for p := range n {
		s.order = append(s.order, int32(p))
	}
	slices.SortFunc(s.order, func(a, b int32) int {
		if s.dues[a] != s.dues[b] {
			if s.dues[a] < s.dues[b] {
				return -1
			}
			return 1
		}
		return int(a - b)
	})
	s.rank = slices.Grow(s.rank[:0], n)[:n]
	s.distinct = 0
	for j, p := range s.order {
		if j > 0 && s.dues[p] != s.dues[s.order[j-1]] {
			s.distinct++
		}
		s.rank[p] = int32(s.distinct) //nolint:gosec // G115: at most the number of dues, which are invoice positions (int32)
	}
	s.distinct++

	w := k + 1
	s.lo = slices.Grow(s.lo[:0], (n+1)*w)[:(n+1)*w]
	s.hi = slices.Grow(s.hi[:0], (n+1)*w)[:(n+1)*w]
	var small, large [maxCombination]int64 // ascending smallest, descending largest
	have := 0
	for p := n; p >= 0; p-- {
		if p < n {
			insert(small[:k], min(have, k), s.dues[p], func(a, b int64) bool { return a < b })
			insert(large[:k], min(have, k), s.dues[p], func(a, b int64) bool { return a > b })
			have++
		}
		var sl, sh int64
		for m := range w {
			if m > have {
				s.lo[p*w+m], s.hi[p*w+m] = math.MaxInt64, -1
				continue
			}
			if m > 0 {
				sl, sh = addSat(sl, small[m-1]), addSat(sh, large[m-1]) //nolint:gosec // G602: m-1 < k, and prepare caps k at maxCombination
			}
			s.lo[p*w+m], s.hi[p*w+m] = sl, sh
		}
	}

	size := (k + 1) * s.distinct
	if cap(s.tried) < size {
		s.tried = make([]uint32, size)
		s.call = 0
	}
	s.tried = s.tried[:size]
}

// insert puts v into the first n entries of the sorted list a, dropping
// the last one when a is full.
func insert(a []int64, n int, v int64, before func(a, b int64) bool) {
	if n == len(a) && !before(v, a[n-1]) {
		return
	}
	k := min(n, len(a)-1)
	for k > 0 && before(v, a[k-1]) {
		a[k] = a[k-1]
		k--
	}
	a[k] = v
}

func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// find chooses need invoices from position start on whose dues add up to r,
// appending their positions to chosen.
func (s *searcher) find(start, need int, r int64) bool {
	w := s.k + 1
	if r < s.lo[start*w+need] || r > s.hi[start*w+need] {
		return false
	}
	if need == 1 {
		p := s.lookup(r, start)
		if p < 0 {
			return false
		}
		s.chosen = append(s.chosen, p)
		return true
	}
	s.call++
	if s.call == 0 { // wrapped: forget every stamp
		clear(s.tried)
		s.call = 1
	}
	call, tried := s.call, s.tried[need*s.distinct:(need+1)*s.distinct]
	for i := start; i <= len(s.dues)-need; i++ {
		if s.steps++; s.steps&1023 == 0 && time.Now().After(s.deadline) {
			s.timedOut = true
		}
		if s.timedOut {
			return false
		}
		v := s.dues[i]
		if v >= r || tried[s.rank[i]] == call {
			continue
		}
		tried[s.rank[i]] = call
		s.chosen = append(s.chosen, int32(i)) //nolint:gosec // G115: i indexes dues, at most the invoices of an Index (int32 positions)
		if s.find(i+1, need-1, r-v) {
			return true
		}
		s.chosen = s.chosen[:len(s.chosen)-1]
	}
	return false
}

// lookup returns the first position from start on whose due is r, or -1.
func (s *searcher) lookup(r int64, start int) int32 {
	lo, hi := 0, len(s.order)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		p := s.order[mid]
		if d := s.dues[p]; d < r || d == r && int(p) < start {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(s.order) && s.dues[s.order[lo]] == r {
		return s.order[lo]
	}
	return -1
}
