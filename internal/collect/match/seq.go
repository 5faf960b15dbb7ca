package match

import (
	"github.com/tally-invoicing/tally/internal/reference"
)

// seqTable finds invoices by a number the merchant issues in sequence: an
// invoice number's value, or the sequence part of a reference
// (reference.ForInvoice writes the merchant code, then the invoice's
// sequence number). One array read, where a hash probe into 100,000
// entries costs several cache misses: on a statement of that size, the
// misses are most of the work.
type seqTable struct {
	slots []seqSlot
}

type seqSlot struct {
	id    string
	due   int64
	inv   int32 // -1 when several invoices share the number
	cur   uint16
	check uint8 // a reference's check digits
	used  bool
}

// newSeqTable returns a table for the given values, or false when they
// are too sparse for an array to be worth its memory.
func newSeqTable(values []uint64) (seqTable, bool) {
	var top uint64
	for _, v := range values {
		top = max(top, v)
	}
	if len(values) == 0 || top > 2*uint64(len(values))+1024 {
		return seqTable{}, false
	}
	return seqTable{slots: make([]seqSlot, top+1)}, true
}

// put records e under v and reports the invoice already there, if any.
func (t *seqTable) put(v uint64, e entry, check uint8) (prev int32, taken bool) {
	s := &t.slots[v]
	if s.used {
		prev, s.inv = s.inv, -1
		return prev, true
	}
	*s = seqSlot{id: e.id, due: e.due, inv: e.inv, cur: e.cur, check: check, used: true}
	return 0, false
}

func (t *seqTable) get(v uint64) (*seqSlot, bool) {
	if v >= uint64(len(t.slots)) || !t.slots[v].used {
		return nil, false
	}
	return &t.slots[v], true
}

func (s *seqSlot) entry() entry { return entry{id: s.id, due: s.due, inv: s.inv, cur: s.cur} }

// refShape is what puts a reference in the index's sequence table: its
// length and its merchant code.
type refShape struct {
	n    int
	head string
}

const headLen = reference.MerchantCodeDigits

// shapeOf splits a compact, all-digit reference "RF" + check digits +
// merchant code + sequence number: its shape, and the sequence number.
func shapeOf(b []byte) (refShape, uint64, bool) {
	if len(b) <= 4+headLen || len(b) > 4+headLen+maxDigits {
		return refShape{}, 0, false
	}
	seq, ok := digitsValue(b[4+headLen:])
	if !ok {
		return refShape{}, 0, false
	}
	if _, ok := digitsValue(b[2 : 4+headLen]); !ok {
		return refShape{}, 0, false
	}
	return refShape{len(b), string(b[4 : 4+headLen])}, seq, true
}

func digitsValue(b []byte) (uint64, bool) {
	var v uint64
	for _, c := range b {
		if c-'0' > 9 {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}

func checkOf(b []byte) uint8 { return (b[2]-'0')*10 + b[3] - '0' }

// numberKey packs an invoice number's prefix and value (at most 17
// digits, under 2^57) into one number.
func numberKey(prefix uint8, value uint64) uint64 { return value | uint64(prefix)<<57 }

const numberValue = 1<<57 - 1 // the value's bits in a numberKey

// addNumbers indexes invoice numbers: by value in an array for each
// prefix whose numbers are dense enough, in a map otherwise.
func (ix *Index) addNumbers(nums []uint64, has []bool) {
	values := make([][]uint64, len(ix.prefixes))
	for i, k := range nums {
		if has[i] {
			values[k>>57] = append(values[k>>57], k&numberValue)
		}
	}
	ix.numSeq = make([]seqTable, len(ix.prefixes))
	for p := range values {
		ix.numSeq[p], _ = newSeqTable(values[p])
	}
	for i, k := range nums {
		if !has[i] {
			continue
		}
		if t := &ix.numSeq[k>>57]; t.slots != nil {
			if prev, taken := t.put(k&numberValue, ix.hot[i], 0); taken {
				ix.addNumberDup(k, prev, int32(i))
			}
			continue
		}
		prev, ok := ix.byNumber[k]
		if !ok {
			ix.byNumber[k] = ix.hot[i]
			continue
		}
		if prev.inv >= 0 {
			ix.byNumber[k] = entry{inv: -1}
		}
		ix.addNumberDup(k, prev.inv, int32(i))
	}
}

// addNumberDup records that invoice i has a number prev already has (prev
// is -1 once the number is known to be shared).
func (ix *Index) addNumberDup(k uint64, prev, i int32) {
	if ix.numberDups == nil {
		ix.numberDups = map[uint64][]int32{}
	}
	if prev >= 0 {
		ix.numberDups[k] = []int32{prev}
	}
	ix.numberDups[k] = append(ix.numberDups[k], i)
}

// number returns the invoice with prefix p and value v; its inv is -1
// when several share them.
func (ix *Index) number(p uint8, v uint64) (entry, bool) {
	if t := &ix.numSeq[p]; t.slots != nil {
		s, ok := t.get(v)
		if !ok {
			return entry{}, false
		}
		return s.entry(), true
	}
	e, ok := ix.byNumber[numberKey(p, v)]
	return e, ok
}
