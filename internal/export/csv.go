package export

import (
	"encoding/csv"
	"io"
	"time"

	"github.com/tally-invoicing/tally/internal/money"
)

// pageSize is how many rows one statement reads.
const pageSize = 500

// Safe is s as a spreadsheet shows it as text: a cell starting with =, +,
// -, @, a tab or a carriage return gets a leading single quote (OWASP's
// advice against CSV injection). Amounts are written without it: they are
// formatted by Tally and a negative one is never exported.
func Safe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// writer is a CSV writer that escapes every text cell.
type writer struct {
	csv *csv.Writer
	row []string
}

func newWriter(w io.Writer, header []string) (*writer, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	return &writer{csv: cw}, nil
}

// text adds a cell of free text (names, notes, references).
func (w *writer) text(s string) { w.row = append(w.row, Safe(s)) }

// textp adds *s, or an empty cell for nil.
func (w *writer) textp(s *string) {
	if s == nil {
		w.row = append(w.row, "")
		return
	}
	w.text(*s)
}

// amount adds minor units of currency as a decimal string, e.g. 12.50.
func (w *writer) amount(minor int64, currency string) {
	c, ok := money.Lookup(currency)
	if !ok {
		w.row = append(w.row, "")
		return
	}
	w.row = append(w.row, money.FromMinor(minor, c).StringFixed(c.Exponent))
}

// time adds t in RFC 3339 (UTC), or an empty cell.
func (w *writer) time(t *time.Time) {
	if t == nil {
		w.row = append(w.row, "")
		return
	}
	w.row = append(w.row, t.UTC().Format(time.RFC3339))
}

// end writes the row and flushes it to the client, so a long export
// streams.
func (w *writer) end() error {
	err := w.csv.Write(w.row)
	w.row = w.row[:0]
	return err
}

func (w *writer) flush() error {
	w.csv.Flush()
	return w.csv.Error()
}
