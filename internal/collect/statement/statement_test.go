package statement

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/internal/fault"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func open(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name) //nolint:gosec // a file under testdata/
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := readTestdata(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readTestdata(name string) ([]byte, error) { return os.ReadFile("testdata/" + name) } //nolint:gosec // a file under testdata/

func show(l Line) string {
	return fmt.Sprintf("No %d, %s, %s %s, text %q, payer %q %q, id %q",
		l.No, l.BookedAt.Format(time.RFC3339), l.Amount, l.Currency, l.Text, l.PayerName, l.PayerAccount, l.ExternalID)
}

func sameLine(a, b Line) bool {
	return a.No == b.No && a.BookedAt.Equal(b.BookedAt) && a.BookedAt.Location() == b.BookedAt.Location() &&
		a.Amount.Equal(b.Amount) && a.Currency == b.Currency && a.Text == b.Text &&
		a.PayerName == b.PayerName && a.PayerAccount == b.PayerAccount && a.ExternalID == b.ExternalID
}

func checkLines(t *testing.T, got, want []Line) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("line %d missing, want %s", i, show(want[i]))
		case i >= len(want):
			t.Errorf("line %d extra: %s", i, show(got[i]))
		case !sameLine(got[i], want[i]):
			t.Errorf("line %d\n got %s\nwant %s", i, show(got[i]), show(want[i]))
		}
	}
}

func ids(lines []Line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.ExternalID
	}
	return out
}

// errorText is what a rejected file tells the user, or "" if it was accepted.
func errorText(t *testing.T, lines []Line, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	if lines != nil {
		t.Errorf("a rejected file returned %d lines; want none", len(lines))
	}
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v (%T) is not a *Errors", err, err)
	}
	return err.Error()
}

var hashID = regexp.MustCompile(`^sha256:[0-9a-f]{32}$`)

func TestErrorsReadAsAValidationFault(t *testing.T) {
	err := error(&Errors{
		{Line: 7, Field: "amount", Reason: `"12,5O" is not a number`},
		{Line: 3, Field: "date", Reason: "the entry has no booking date", entry: true},
		{Field: "mapping.date", Reason: "choose the column with the booking date"},
	})
	want := `line 7, amount: "12,5O" is not a number; entry 3, date: the entry has no booking date; mapping.date: choose the column with the booking date`
	if err.Error() != want {
		t.Errorf("got %q\nwant %q", err.Error(), want)
	}
	f, ok := fault.As(err)
	if !ok || f.Code != fault.CodeValidation || f.Field != "file" || f.Message != want {
		t.Errorf("fault.As = %+v, %v; want a VALIDATION error on field file", f, ok)
	}
	if !errors.Is(err, fault.Validation) {
		t.Error("errors.Is(err, fault.Validation) = false")
	}
}

func TestTooLargeIsRefusedWithoutReadingOn(t *testing.T) {
	tests := []struct {
		name  string
		limit int
		parse func(r *endless) error
	}{
		{"csv", MaxFileSize, func(r *endless) error {
			_, err := ParseCSV(r, Mapping{Date: "d", Amount: "a", FixedCurrency: "EUR"})
			return err
		}},
		// The XML reader is slow to wade through 50 MB under -race; the
		// limit is the same code either way.
		{"camt", 1 << 20, func(r *endless) error { _, err := parseCAMT053(r, 1<<20); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &endless{head: "<Document><BkToCstmrStmt><Stmt><!--", fill: strings.Repeat("padding ", 512)}
			err := tt.parse(r)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("got %v, want ErrTooLarge", err)
			}
			if !strings.Contains(err.Error(), "larger than 50 MB") {
				t.Errorf("message %q does not say the limit", err)
			}
			if r.n > tt.limit+64<<10 {
				t.Errorf("read %d bytes; want to stop just past %d", r.n, tt.limit)
			}
		})
	}
}

// endless is a file that never ends.
type endless struct {
	head, fill string
	n          int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		s := e.fill
		if e.n == 0 && n == 0 {
			s = e.head
		}
		c := copy(p[n:], s)
		n += c
		if c < len(s) {
			break
		}
	}
	e.n += n
	return n, nil
}
