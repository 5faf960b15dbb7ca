package match

import (
	"math/bits"
	"slices"
	"strings"

	"github.com/tally-invoicing/tally/internal/reference"
)

// The text is read once, with a class table: a hand scanner keeps the rules
// (where a token may start and end, what may separate its groups) in one
// readable place, and costs a fraction of a regular expression.
const (
	cDigit  uint8 = 1 << iota
	cLetter       // ASCII letters
	cRefSep       // may separate the groups of a printed reference
	cNumSep       // may separate an invoice number's prefix from its digits
	cSpace
)

var class = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] |= cDigit
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] |= cLetter
		t[c+'a'-'A'] |= cLetter
	}
	for _, c := range " \t\r\n-." {
		t[c] |= cRefSep
	}
	for _, c := range " \t-#.:_/" {
		t[c] |= cNumSep
	}
	for _, c := range " \t\r\n\v\f" {
		t[c] |= cSpace
	}
	return t
}()

const (
	cAlnum = cDigit | cLetter
	// maxSep is the longest run of separators inside one token: "INV - 1"
	// still is one, a reference split over lines ("RF18 5390\r\n 0754") too.
	maxSep = 3
	// maxRef is the longest compact reference ISO 11649 allows.
	maxRef = 4 + reference.MaxBody
	// maxDigits keeps an invoice number's value in 57 bits (numberKey).
	maxDigits = 17
)

// scan finds the invoices the text names, in order of appearance, and flags
// the tokens that look like references but name none. It stops only at a
// letter that may start a token ("R", "I", the first letters of the
// number prefixes) at the start of a word.
func (m *matcher) scan(s string) {
	for i := 0; ; {
		if i = m.ix.nextStart(s, i); i < 0 {
			return
		}
		if i > 0 && class[s[i-1]]&cAlnum != 0 {
			i++ // inside a word or glued to a number ("12INV-3")
			continue
		}
		j := i + 1
		for j < len(s) && class[s[j]]&cLetter != 0 {
			j++
		}
		next := j
		if j-i == 2 && s[i+1]|0x20 == 'f' && s[i]|0x20 == 'r' {
			next = m.reference(s, i, j)
		} else if p, ok := m.ix.numberWord(s[i:j]); ok {
			next = m.number(s, i, j, p)
		}
		i = next
	}
}

// nextStart returns the first position from i on of a letter that may
// start a token, or -1. It reads eight bytes at a time: a memo is mostly
// letters, digits and spaces that start nothing, and a branch per byte is
// what costs most when every statement line is different.
func (ix *Index) nextStart(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		v := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		v |= 0x2020202020202020 // lower case; no other byte becomes a letter
		var found uint64
		for _, w := range ix.startWords {
			found |= zeroBytes(v ^ w)
		}
		if found != 0 {
			return i + bits.TrailingZeros64(found)/8
		}
	}
	for ; i < len(s); i++ {
		if ix.starts[s[i]] {
			return i
		}
	}
	return -1
}

// zeroBytes sets the high bit of each byte of x that is zero, and no other.
func zeroBytes(x uint64) uint64 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	return ^((x&low7 + low7) | x | low7)
}

// cut is a place where a reference may end: the end of a group of
// characters, or a change between digits and letters ("...7034thanks").
// Never inside a run of digits.
type cut struct {
	end int32 // offset in the text
	n   uint8 // characters of the compact form before the cut
}

// maxCuts bounds the places a reference may end; past them the token is
// not one.
const maxCuts = 12

// reference reads the reference starting with the "RF" at s[i:j] and
// returns where scanning resumes. The groups that follow are collected up
// to one character more than the longest indexed reference; the longest
// prefix, ending at a cut, that is an indexed reference wins, so words or
// numbers written after the reference do not hide it.
func (m *matcher) reference(s string, i, j int) int {
	if m.ix.refLens == 0 {
		return j
	}
	var buf [maxRef]byte
	var cuts [maxCuts]cut
	buf[0], buf[1] = 'R', 'F'
	// One flat loop with few branches: statement lines differ from one to
	// the next, and a mispredicted branch costs more than the work.
	limit := min(bits.Len32(m.ix.refLens), maxRef)
	n, nc, seps := 2, 0, 0
	var prev uint8 // class of the group's last character; 0 between groups
	k := j
	for ; k < len(s) && nc < maxCuts; k++ {
		cl := class[s[k]]
		if cl&cAlnum == 0 {
			if cl&cRefSep == 0 || seps == maxSep {
				break
			}
			if prev != 0 {
				cuts[nc] = cut{int32(k), uint8(n)} //nolint:gosec // G115: k < len(s), a statement line; n <= limit, a reference's length
				nc++
			}
			prev, seps = 0, seps+1
			continue
		}
		if n == limit {
			prev = 0 // the group goes on past any reference: it does not end one
			break
		}
		if prev != 0 && n >= 4 && (cl^prev)&cDigit != 0 {
			cuts[nc] = cut{int32(k), uint8(n)} //nolint:gosec // G115: k < len(s), a statement line; n <= limit, a reference's length
			nc++
		}
		buf[n] = s[k] &^ (cl & cLetter << 4) // upper case
		n++
		prev, seps = cl, 0
	}
	if prev != 0 && nc < maxCuts {
		cuts[nc] = cut{int32(k), uint8(n)} //nolint:gosec // G115: k < len(s), a statement line; n <= limit, a reference's length
		nc++
	}
	if n < 5 || class[buf[2]]&cDigit == 0 || class[buf[3]]&cDigit == 0 {
		return j // "RFID", "rf 1": not shaped like a reference
	}
	for c := nc - 1; c >= 0 && cuts[c].n >= 5; c-- {
		cn, end := int(cuts[c].n), int(cuts[c].end)
		if !m.ix.hasRefLen(cn) {
			continue
		}
		e, ok := m.ix.ref(buf[:cn])
		if !ok {
			continue
		}
		text := s[i:end]
		if e.inv >= 0 {
			m.hits.add(hit{e, confReference, text})
		} else {
			m.ambiguous(text, m.ix.refDups[keyOf(buf[:cn])])
		}
		return end
	}
	m.nearMiss(s, i, buf[:], cuts[:nc])
	return j
}

// nearMiss handles a reference that names no indexed invoice. Only tokens
// as long as this merchant's references, give or take a character, are
// considered: "RF12 units" is not worth a flag.
func (m *matcher) nearMiss(s string, i int, buf []byte, cuts []cut) {
	ix := m.ix
	plausible := func(n int) bool { return n >= 5 && (ix.hasRefLen(n-1) || ix.hasRefLen(n) || ix.hasRefLen(n+1)) }
	text := ""
	for c := len(cuts) - 1; c >= 0; c-- {
		if !plausible(int(cuts[c].n)) {
			continue
		}
		if text == "" {
			text = s[i:int(cuts[c].end)]
		}
		if checked(string(buf[:int(cuts[c].n)])) {
			m.flag(FlagReferenceUnknown, s[i:int(cuts[c].end)], nil,
				"No open invoice carries the reference "+s[i:int(cuts[c].end)]+
					": it may be paid already, cancelled, or another merchant's.")
			return
		}
	}
	if text == "" {
		return
	}
	var cs candidates
	for c := len(cuts) - 1; c >= 0; c-- {
		if plausible(int(cuts[c].n)) {
			ix.typos(buf[:int(cuts[c].n)], func(inv int32, edit int) { cs.add(m, inv, edit) })
		}
	}
	ids := cs.ids(ix)
	for _, k := range cs.list {
		m.near.add(k.inv)
	}
	m.mistyped = true
	// Constant reasons: the flag carries the token and the candidates.
	reason := "This reference fails its check digits, so it was not used; no invoice's reference is one typo away."
	if len(ids) > 0 {
		reason = "This reference fails its check digits, so it was not used; " +
			"the candidates' references are one typo away from it, the likeliest first."
	}
	m.flag(FlagReferenceMistyped, text, ids, reason)
}

// Kinds of typo, most likely first.
const (
	editSwap  = iota // two neighbouring characters swapped
	editSubst        // one character wrong
	editIndel        // one character missing or doubled
)

// typos calls found for each indexed reference one typo away from tok:
// swapped neighbours, one character substituted, dropped or added. It
// generates the variants and looks each one up, so its cost does not grow
// with the number of invoices: about 160 variants for an 18-character
// reference, each hashed in constant time from tok's hash and nearly all
// rejected by the index's filter before the map.
func (ix *Index) typos(tok []byte, found func(inv int32, edit int)) {
	look := func(v []byte, h uint64, edit int) {
		if !ix.refFilter.has(h) {
			return
		}
		e, ok := ix.ref(v)
		switch {
		case !ok:
		case e.inv >= 0:
			found(e.inv, edit)
		default:
			for _, d := range ix.refDups[keyOf(v)] {
				found(d, edit)
			}
		}
	}
	var b [maxRef + 1]byte
	n := len(tok)
	if ix.hasRefLen(n) {
		h := polyHash(tok)
		copy(b[:], tok)
		for p := 2; p+1 < n; p++ {
			x, y := uint64(tok[p]), uint64(tok[p+1])
			if x == y {
				continue
			}
			b[p], b[p+1] = tok[p+1], tok[p]
			look(b[:n], h+(y-x)*polyPow[n-1-p]+(x-y)*polyPow[n-2-p], editSwap)
			b[p], b[p+1] = tok[p], tok[p+1]
		}
		for p := 2; p < n; p++ {
			for _, c := range ix.refABC {
				if c != tok[p] {
					b[p] = c
					look(b[:n], h+(uint64(c)-uint64(tok[p]))*polyPow[n-1-p], editSubst)
				}
			}
			b[p] = tok[p]
		}
	}
	if ix.hasRefLen(n - 1) {
		for p := 2; p < n; p++ {
			copy(b[:], tok[:p])
			copy(b[p:], tok[p+1:])
			look(b[:n-1], polyHash(b[:n-1]), editIndel)
		}
	}
	if ix.hasRefLen(n+1) && n+1 <= maxRef {
		for p := 2; p <= n; p++ {
			copy(b[:], tok[:p])
			copy(b[p+1:], tok[p:])
			for _, c := range ix.refABC {
				b[p] = c
				look(b[:n+1], polyHash(b[:n+1]), editIndel)
			}
		}
	}
}

// candidates ranks the invoices a mistyped reference may have meant.
type candidates struct {
	list []candidate
}

type candidate struct {
	inv  int32
	rank int
}

// add ranks inv: an open invoice for exactly this amount first, then one of
// the known payer, then one the amount pays part of (instalments are more
// common than overpayments), then by how common the typo is.
func (cs *candidates) add(m *matcher, inv int32, edit int) {
	in := &m.ix.invoices[inv]
	rank := edit
	if in.Due <= 0 {
		rank += 100
	}
	if in.Due != m.c.Amount || m.ix.hot[inv].cur != m.cur {
		rank += 20
	}
	if m.c.CustomerID == "" || in.CustomerID != m.c.CustomerID {
		rank += 10
	}
	if in.Due < m.c.Amount {
		rank += 5
	}
	for k := range cs.list {
		if cs.list[k].inv == inv {
			cs.list[k].rank = min(cs.list[k].rank, rank)
			return
		}
	}
	cs.list = append(cs.list, candidate{inv, rank})
}

func (cs *candidates) ids(ix *Index) []string {
	slices.SortStableFunc(cs.list, func(a, b candidate) int { return a.rank - b.rank })
	if len(cs.list) > maxSuggestions {
		cs.list = cs.list[:maxSuggestions]
	}
	if len(cs.list) == 0 {
		return nil
	}
	ids := make([]string, len(cs.list))
	for k, c := range cs.list {
		ids[k] = ix.invoices[c.inv].ID
	}
	return ids
}

// numberWord reports whether word introduces an invoice number: one of the
// merchant's prefixes (p >= 0) or the word "invoice" (p < 0).
func (ix *Index) numberWord(word string) (p int, ok bool) {
	for p, pre := range ix.prefixes {
		if len(pre) == len(word) && strings.EqualFold(pre, word) {
			return p, true
		}
	}
	if len(ix.prefixes) > 0 && len(word) == len("invoice") && strings.EqualFold(word, "invoice") {
		return -1, true
	}
	return 0, false
}

// number reads the invoice number after the word at s[i:j] and returns
// where scanning resumes. After the word "invoice" one or two digits are
// ignored: "invoice 2 of 3" counts more often than it names.
func (m *matcher) number(s string, i, j, p int) int {
	pos := j
	// "invoice no. 123", "INV nr 123"
	q := pos
	for q < len(s) && q-pos < maxSep && class[s[q]]&cNumSep != 0 {
		q++
	}
	w := q
	for w < len(s) && class[s[w]]&cLetter != 0 {
		w++
	}
	if numberAbbrev(s[q:w]) {
		pos = w
	}
	k := pos
	for k < len(s) && k-pos < maxSep && class[s[k]]&cNumSep != 0 {
		k++
	}
	e := k
	var value uint64
	for e < len(s) && class[s[e]]&cDigit != 0 {
		if e-k < maxDigits {
			value = value*10 + uint64(s[e]-'0')
		}
		e++
	}
	width := e - k
	switch {
	case width == 0:
		return j
	case e < len(s) && class[s[e]]&cLetter != 0:
		return e // "INV-123A" is another token
	case e+1 < len(s) && strings.IndexByte(".,-/", s[e]) >= 0 && class[s[e+1]]&cDigit != 0:
		return e // "INV 12.50", "INV-123-4": a longer number
	case width > maxDigits, p < 0 && width < 3:
		return e
	}
	text := s[i:e]
	found := entry{inv: -1}
	var dups []int32
	lo, hi := p, p+1
	if p < 0 {
		lo, hi = 0, len(m.ix.prefixes)
	}
	for pp := lo; pp < hi; pp++ {
		key := numberKey(uint8(pp), value)
		en, ok := m.ix.number(uint8(pp), value)
		switch {
		case !ok:
		case en.inv >= 0 && found.inv < 0 && dups == nil:
			found = en
		case en.inv >= 0:
			dups = append(dups, en.inv)
		default:
			dups = append(dups, m.ix.numberDups[key]...)
		}
	}
	if dups != nil {
		if found.inv >= 0 {
			dups = append(dups, found.inv)
		}
		// The number as printed, zero padding included, settles it.
		found = entry{inv: -1}
		for _, d := range dups {
			if p >= 0 && int(m.ix.numWidth[d]) == width {
				if found.inv >= 0 {
					found = entry{inv: -1}
					break
				}
				found = m.ix.hot[d]
			}
		}
		if found.inv < 0 {
			m.ambiguous(text, dups)
			return e
		}
	}
	switch {
	case found.inv >= 0:
		conf := confNumberLoose
		if p >= 0 && int(m.ix.numWidth[found.inv]) == width {
			conf = confNumber
		}
		m.hits.add(hit{found, conf, text})
	case p >= 0:
		m.flag(FlagReferenceUnknown, text, nil,
			"No open invoice is numbered "+text+": it may be paid already, or cancelled.")
	}
	return e
}

func numberAbbrev(w string) bool {
	for _, a := range [...]string{"no", "nr", "nbr", "num", "number"} {
		if strings.EqualFold(w, a) {
			return true
		}
	}
	return false
}

func (m *matcher) ambiguous(text string, invs []int32) {
	ids := make([]string, len(invs))
	for k, i := range invs {
		ids[k] = m.ix.invoices[i].ID
	}
	m.flag(FlagAmbiguous, text, ids, text+" fits "+itoa(len(ids))+" invoices; choose one by hand.")
}
