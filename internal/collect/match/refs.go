package match

import (
	"math/bits"

	"github.com/tally-invoicing/tally/internal/reference"
)

// refKey is a compact reference as a map key: comparing two needs no
// pointer to follow.
type refKey struct {
	n uint8
	b [maxRef]byte
}

func keyOf(b []byte) refKey {
	k := refKey{n: uint8(len(b))} //nolint:gosec // G115: references are at most maxRef bytes
	copy(k.b[:], b)
	return k
}

// packRef packs a compact reference whose characters after "RF" are at
// most 17 digits: their value, and their count above it.
func packRef(b []byte) (uint64, bool) {
	if len(b)-2 > 17 {
		return 0, false
	}
	var v uint64
	for _, c := range b[2:] {
		if c-'0' > 9 {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v | uint64(len(b)-2)<<57, true //nolint:gosec // G115: at most 17, checked above; 10^17 < 2^57
}

// ref returns the invoice carrying the compact reference b; its inv is
// -1 when several do.
func (ix *Index) ref(b []byte) (entry, bool) {
	if len(b) == ix.refSeqShape.n && string(b[4:4+headLen]) == ix.refSeqShape.head {
		if seq, ok := digitsValue(b[4+headLen:]); ok {
			s, ok := ix.refSeq.get(seq)
			if !ok || s.check != checkOf(b) {
				return entry{}, false
			}
			return s.entry(), true
		}
	}
	if k, ok := packRef(b); ok {
		e, ok := ix.byDigits[k]
		return e, ok
	}
	e, ok := ix.byChars[keyOf(b)]
	return e, ok
}

func (ix *Index) setRef(b []byte, e entry) {
	if k, ok := packRef(b); ok {
		ix.byDigits[k] = e
	} else {
		ix.byChars[keyOf(b)] = e
	}
}

// addRefs indexes the references: those of the most common shape by
// sequence number when they are dense enough, the others in maps.
func (ix *Index) addRefs(refs []string) {
	counts := map[refShape]int{}
	for _, r := range refs {
		if sh, _, ok := shapeOf([]byte(r)); ok {
			counts[sh]++
		}
	}
	var best refShape
	for sh, n := range counts {
		if n > counts[best] || n == counts[best] && sh.head < best.head {
			best = sh
		}
	}
	var seqs []uint64
	for _, r := range refs {
		if sh, seq, ok := shapeOf([]byte(r)); ok && sh == best {
			seqs = append(seqs, seq)
		}
	}
	if t, ok := newSeqTable(seqs); ok {
		ix.refSeq, ix.refSeqShape = t, best
	}
	for i, r := range refs {
		if r == "" {
			continue
		}
		b := []byte(r)
		if sh, seq, ok := shapeOf(b); ok && sh == ix.refSeqShape {
			ix.refLens |= 1 << len(b)
			if prev, taken := ix.refSeq.put(seq, ix.hot[i], checkOf(b)); taken {
				ix.addRefDup(keyOf(b), prev, int32(i))
			}
			continue
		}
		ix.addRef(b, int32(i))
	}
}

// addRefDup records that invoice i carries a reference prev already has
// (prev is -1 once the reference is known to be shared).
func (ix *Index) addRefDup(k refKey, prev, i int32) {
	if ix.refDups == nil {
		ix.refDups = map[refKey][]int32{}
	}
	if prev >= 0 {
		ix.refDups[k] = []int32{prev}
	}
	ix.refDups[k] = append(ix.refDups[k], i)
}

func (ix *Index) addRef(b []byte, i int32) {
	ix.refLens |= 1 << len(b)
	prev, ok := ix.ref(b)
	if !ok {
		ix.setRef(b, ix.hot[i])
		return
	}
	if prev.inv >= 0 {
		ix.setRef(b, entry{inv: -1})
	}
	ix.addRefDup(keyOf(b), prev.inv, i)
}

// hasRefLen reports whether some indexed reference is n characters long.
func (ix *Index) hasRefLen(n int) bool {
	return n >= 0 && n < 32 && ix.refLens&(1<<n) != 0
}

// validRef returns the compact form of s and whether its check digits are
// right.
func validRef(s string) (string, bool) {
	if !compact(s) {
		ref, err := reference.Normalize(s)
		return ref, err == nil
	}
	return s, checked(s)
}

// compact reports whether s is written as "RF", two digits, then upper-case
// letters and digits, nothing else.
func compact(s string) bool {
	if len(s) < 5 || len(s) > maxRef || s[0] != 'R' || s[1] != 'F' ||
		class[s[2]]&cDigit == 0 || class[s[3]]&cDigit == 0 {
		return false
	}
	for i := 4; i < len(s); i++ {
		if class[s[i]]&cDigit == 0 && (s[i] < 'A' || s[i] > 'Z') {
			return false
		}
	}
	return true
}

// checked reports whether a compact reference's check digits are right.
// reference.New computes the usual check digits (02 to 98) at little cost;
// only 00, 01 and 99, equal to 97, 98 and 02 modulo 97, are left to
// Normalize, which builds a character replacer on every call.
func checked(compact string) bool {
	if want, err := reference.New(compact[4:]); err == nil && want == compact {
		return true
	}
	switch compact[2:4] {
	case "00", "01", "99":
		_, err := reference.Normalize(compact)
		return err == nil
	}
	return false
}

// bloom is a blocked Bloom filter: three bits per key, all in one 64-byte
// block, 16 bits per key; about one absent key in 400 gets through. The
// variants of a mistyped reference are checked against it before the map,
// so that nearly all are rejected at the cost of one cache line each, from
// a bitmap small enough to stay in cache.
type bloom struct {
	blocks [][8]uint64
	mask   uint64
}

func newBloom(n int) bloom {
	size := 1 << max(0, bits.Len(uint(16*n/512)))
	return bloom{blocks: make([][8]uint64, size), mask: uint64(size - 1)} //nolint:gosec // G115: size is a positive power of two
}

func (f *bloom) add(h uint64) {
	h = mix(h)
	b := &f.blocks[h&f.mask]
	for _, bit := range [3]uint64{h >> 32 & 511, h >> 41 & 511, h >> 50 & 511} {
		b[bit/64] |= 1 << (bit % 64)
	}
}

func (f *bloom) has(h uint64) bool {
	h = mix(h)
	b := &f.blocks[h&f.mask]
	for _, bit := range [3]uint64{h >> 32 & 511, h >> 41 & 511, h >> 50 & 511} {
		if b[bit/64]&(1<<(bit%64)) == 0 {
			return false
		}
	}
	return true
}

// mix is MurmurHash3's finaliser: it spreads a polynomial hash over all bits.
func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	return h ^ h>>33
}

// polyHash is Σ b[i]·polyBase^(len-1-i), wrapping: changing one character
// changes it by a known amount, so a typo's variants hash in constant time.
func polyHash(b []byte) uint64 {
	var h uint64
	for _, c := range b {
		h = h*polyBase + uint64(c)
	}
	return h
}

const polyBase = 0x100000001b3 // the FNV prime: odd, so no power of it is zero

var polyPow = func() (p [maxRef + 2]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * polyBase
	}
	return p
}()
