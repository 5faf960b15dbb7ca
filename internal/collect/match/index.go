package match

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Index is one merchant's invoices, arranged for matching. It is never
// modified after NewIndex, so any number of Match calls may read it at once.
//
// On a large statement the cache misses are most of the work, so the
// common paths read compact data: the merchant's references and invoice
// numbers in arrays by sequence number, other references under fixed-size
// keys, what a hit needs of an invoice kept where it is found, each
// customer's open invoices side by side, currencies as small numbers.
type Index struct {
	opts       Options
	invoices   []Invoice // as given, for reasons and rare paths
	issued     []int32   // the day each invoice was issued (dayOf), by position
	hot        []entry   // what the common paths read, by invoice position
	currencies []string  // upper-cased; entry.cur is a position here

	// byDigits and byChars map a valid reference to its invoice; -1 when
	// several invoices carry it (listed in refDups). A reference of at most
	// 17 digits after "RF", as every one Tally issues, is packed into a
	// number, the fastest kind of map key; any other keeps its characters.
	byDigits map[uint64]entry
	byChars  map[refKey]entry
	refDups  map[refKey][]int32
	// refSeq holds the references of the merchant's most common shape (one
	// length, one merchant code: all those Tally issued) by sequence number.
	refSeq      seqTable
	refSeqShape refShape
	refLens     uint32 // bit n is set when some reference is n characters long
	refABC      []byte // the characters seen in references after "RF", for typo variants
	refFilter   bloom

	// prefixes are the upper-cased letters before the digits of invoice
	// numbers ("INV"); byNumber maps a prefix and the number's value
	// (numberKey) to its invoice, -1 when several share them (listed in
	// numberDups).
	prefixes   []string
	starts     [256]bool // first letters of "RF", "invoice" and the prefixes, both cases
	startWords []uint64  // each of those letters, lower case, in all eight bytes
	byNumber   map[uint64]entry
	numSeq     []seqTable // per prefix, when its numbers are dense enough
	numberDups map[uint64][]int32
	numWidth   []uint8 // how many digits each invoice's number is printed with

	customers map[string]int32 // customer ID to k: its open invoices are open[custStart[k]:custStart[k+1]]
	custStart []int32
	open      []entry             // by customer, oldest first
	byDue     map[dueKey][]int32  // open invoices per currency and due, oldest first
	byName    map[string][]string // customer IDs per folded name

	reasons unmatched
}

// entry is what matching needs of an invoice. The tables that find
// invoices hold it, so that a hit costs no further cache miss.
type entry struct {
	id  string
	due int64
	inv int32 // position in Index.invoices; in a table, -1 when several invoices share the key
	cur uint16
}

type dueKey struct {
	cur uint16
	due int64
}

// noCurrency is the currency of a collection whose code no invoice uses.
const noCurrency = 1<<16 - 1

// NewIndex indexes invoices and customers with DefaultOptions.
func NewIndex(invoices []Invoice, customers []Customer) *Index {
	return NewIndexWithOptions(invoices, customers, DefaultOptions())
}

// NewIndexWithOptions indexes invoices and customers. Invoices whose
// reference fails its check digits are not found by reference; invoices
// whose number is not letters then digits are not found by number.
// Invoices with nothing due are found by reference and number only to be
// flagged.
func NewIndexWithOptions(invoices []Invoice, customers []Customer, opts Options) *Index {
	opts = opts.withDefaults()
	ix := &Index{
		opts:      opts,
		reasons:   newUnmatched(opts.MaxCombination),
		invoices:  slices.Clone(invoices),
		hot:       make([]entry, len(invoices)),
		issued:    make([]int32, len(invoices)),
		byDigits:  make(map[uint64]entry, len(invoices)),
		byChars:   make(map[refKey]entry),
		byNumber:  make(map[uint64]entry, len(invoices)),
		numWidth:  make([]uint8, len(invoices)),
		customers: make(map[string]int32),
		byDue:     make(map[dueKey][]int32, len(invoices)),
		byName:    make(map[string][]string, len(customers)),
	}
	var abc [256]bool
	var refHashes []uint64
	refs := make([]string, len(invoices)) // compact and valid, or ""
	nums := make([]uint64, len(invoices)) // numberKey; also orders invoices issued together
	hasNum := make([]bool, len(invoices))
	for i := range ix.invoices {
		inv := &ix.invoices[i]
		inv.Currency = strings.ToUpper(strings.TrimSpace(inv.Currency))
		ix.hot[i] = entry{id: inv.ID, due: inv.Due, inv: int32(i), cur: ix.addCurrency(inv.Currency)}
		ix.issued[i] = dayOf(inv.IssuedAt)
		if ref, ok := validRef(inv.Reference); ok {
			inv.Reference, refs[i] = ref, ref
			refHashes = append(refHashes, polyHash([]byte(ref)))
			for k := 2; k < len(ref); k++ {
				abc[ref[k]] = true
			}
		}
		if prefix, value, width, ok := splitNumber(inv.Number); ok {
			if p, ok := ix.prefix(prefix); ok {
				nums[i], hasNum[i] = numberKey(p, value), true
				ix.numWidth[i] = uint8(width) //nolint:gosec // G115: splitNumber allows at most maxDigits digits
			}
		}
	}
	ix.addRefs(refs)
	ix.addNumbers(nums, hasNum)
	ix.addStarts()
	for c := range abc {
		if abc[c] {
			ix.refABC = append(ix.refABC, byte(c))
		}
	}
	ix.refFilter = newBloom(len(refHashes))
	for _, h := range refHashes {
		ix.refFilter.add(h)
	}
	ix.addOpen(nums, hasNum)
	for _, c := range customers {
		if name := foldName(c.Name); name != "" && !slices.Contains(ix.byName[name], c.ID) {
			ix.byName[name] = append(ix.byName[name], c.ID)
		}
	}
	return ix
}

// noDay is the day of a collection booked at an unknown time: every
// invoice was issued on or before it.
const noDay = math.MaxInt32

// dayOf numbers the UTC day of t (days since 1970-01-01), so that a
// booking date and an issue time compare by day whatever their clock time.
func dayOf(t time.Time) int32 {
	return int32(t.UTC().Unix() / 86400) //nolint:gosec // G115: days since 1970 fit in int32 for millions of years
}

// issuedBy reports whether invoice position i was issued on or before day.
func (ix *Index) issuedBy(i int32, day int32) bool { return ix.issued[i] <= day }

// addStarts notes the letters a token may start with, for the scanner.
func (ix *Index) addStarts() {
	for _, w := range append([]string{"RF", "INVOICE"}, ix.prefixes...) {
		if lower := w[0] | 0x20; !ix.starts[lower] {
			ix.starts[w[0]&^0x20], ix.starts[lower] = true, true
			ix.startWords = append(ix.startWords, uint64(lower)*0x0101010101010101)
		}
	}
}

// addOpen lists the open invoices oldest first (issue time, then number,
// then ID), by due and by customer.
func (ix *Index) addOpen(nums []uint64, hasNum []bool) {
	var order []int32
	for i := range ix.invoices {
		if ix.invoices[i].Due > 0 {
			order = append(order, int32(i))
		}
	}
	slices.SortFunc(order, func(a, b int32) int {
		x, y := &ix.invoices[a], &ix.invoices[b]
		if c := x.IssuedAt.Compare(y.IssuedAt); c != 0 {
			return c
		}
		if hasNum[a] && hasNum[b] && nums[a]>>57 == nums[b]>>57 { // same prefix: by value
			if c := cmp.Compare(nums[a], nums[b]); c != 0 {
				return c
			}
		}
		return cmp.Or(strings.Compare(x.Number, y.Number), strings.Compare(x.ID, y.ID))
	})
	perCustomer := map[string][]int32{}
	var customerOrder []string
	for _, i := range order {
		inv := &ix.invoices[i]
		if _, ok := perCustomer[inv.CustomerID]; !ok {
			customerOrder = append(customerOrder, inv.CustomerID)
		}
		perCustomer[inv.CustomerID] = append(perCustomer[inv.CustomerID], i)
		k := dueKey{ix.hot[i].cur, inv.Due}
		ix.byDue[k] = append(ix.byDue[k], i)
	}
	ix.open = make([]entry, 0, len(order))
	for k, id := range customerOrder {
		ix.customers[id] = int32(k)
		ix.custStart = append(ix.custStart, int32(len(ix.open))) //nolint:gosec // G115: at most the number of invoices (int32 positions)
		for _, i := range perCustomer[id] {
			ix.open = append(ix.open, ix.hot[i])
		}
	}
	ix.custStart = append(ix.custStart, int32(len(ix.open))) //nolint:gosec // G115: at most the number of invoices (int32 positions)
}

func (ix *Index) addCurrency(code string) uint16 {
	if i := slices.Index(ix.currencies, code); i >= 0 {
		return uint16(i) //nolint:gosec // G115: currencies stop growing at noCurrency (1<<16-1)
	}
	if len(ix.currencies) == noCurrency {
		return noCurrency // never reached: there are not that many currencies
	}
	ix.currencies = append(ix.currencies, code)
	return uint16(len(ix.currencies) - 1) //nolint:gosec // G115: currencies stop growing at noCurrency (1<<16-1)
}

// currency returns the number of a collection's currency.
func (ix *Index) currency(code string) uint16 {
	for i, c := range ix.currencies {
		if strings.EqualFold(c, code) {
			return uint16(i)
		}
	}
	return noCurrency
}

// openOf returns the open invoices of a customer, oldest first.
func (ix *Index) openOf(customerID string) []entry {
	k, ok := ix.customers[customerID]
	if !ok {
		return nil
	}
	return ix.open[ix.custStart[k]:ix.custStart[k+1]]
}

// prefix returns the number of an invoice-number prefix, adding it if new.
func (ix *Index) prefix(p string) (uint8, bool) {
	if i := slices.Index(ix.prefixes, p); i >= 0 {
		return uint8(i), true //nolint:gosec // G115: prefixes stop growing at 128
	}
	if len(ix.prefixes) == 128 { // numberKey keeps 7 bits for it
		return 0, false
	}
	ix.prefixes = append(ix.prefixes, p)
	return uint8(len(ix.prefixes) - 1), true //nolint:gosec // G115: prefixes stop growing at 128
}

// splitNumber reads an invoice number of the form letters, optional
// separators, digits: "INV-000123" is ("INV", 123, 6).
func splitNumber(s string) (prefix string, value uint64, width int, ok bool) {
	i := 0
	for i < len(s) && class[s[i]]&cLetter != 0 {
		i++
	}
	j := i
	for j < len(s) && j-i < maxSep && class[s[j]]&cNumSep != 0 {
		j++
	}
	k := j
	for k < len(s) && class[s[k]]&cDigit != 0 {
		value = value*10 + uint64(s[k]-'0')
		k++
	}
	width = k - j
	if i == 0 || width == 0 || width > maxDigits || k != len(s) {
		return "", 0, 0, false
	}
	return strings.ToUpper(s[:i]), value, width, true
}

// foldName is how payer and customer names are compared: lower case, no
// white space.
func foldName(s string) string {
	var buf [64]byte
	b := buf[:0]
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && class[r]&cSpace != 0, unicode.IsSpace(r):
		case r < utf8.RuneSelf:
			b = append(b, byte(unicode.ToLower(r))) //nolint:gosec // G115: the lower case of an ASCII rune is ASCII
		default:
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
	}
	return string(b)
}

// label is how reasons name an invoice.
func label(inv *Invoice) string {
	if inv.Number != "" {
		return inv.Number
	}
	return inv.ID
}
