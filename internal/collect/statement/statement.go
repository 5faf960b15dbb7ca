package statement

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/money"
)

// Limits on what one import may hold. The upload handler should refuse
// larger request bodies before they reach the parser.
const (
	MaxFileSize = 50 << 20 // bytes
	MaxLines    = 200_000  // CSV data rows, or camt.053 entries and batched transactions
	// MaxExternalIDLength is the longest external id a collection stores.
	MaxExternalIDLength = 200
	// maxErrors bounds the list returned for a rejected file: enough to fix a
	// wrong column mapping in one go, few enough to read.
	maxErrors = 20
)

var (
	// ErrTooLarge means the file is over MaxFileSize.
	ErrTooLarge = errors.New("statement: file too large")
	// ErrTooManyLines means the file lists more than MaxLines lines.
	ErrTooManyLines = errors.New("statement: too many lines")
)

// Format is a kind of statement file. Detect tells it from the content.
type Format string

// The formats this package reads.
const (
	FormatCSV     Format = "CSV"
	FormatCAMT053 Format = "CAMT053" // ISO 20022 end-of-day statement
	FormatCAMT052 Format = "CAMT052" // ISO 20022 intraday account report
	FormatCAMT054 Format = "CAMT054" // ISO 20022 debit/credit notification
	FormatMT940   Format = "MT940"   // SWIFT MT940 statement, or MT942 interim report
)

// Skipped is a line of a file that holds no payment and is left out: account
// details above a CSV header, totals and footnotes after the data, a bank's
// header around an MT940 message. The preview lists them so that nothing is
// dropped without the merchant seeing it.
type Skipped struct {
	Line   int    // 1 is the file's first line
	Text   string // the line as written, at most 200 characters
	Reason string // a sentence, e.g. "after the data: not a transaction"
}

// maxSkipped bounds File.Skipped; a file with more non-data lines than this
// is most likely read with the wrong format or mapping.
const maxSkipped = 100

// Line is one incoming payment listed on a statement.
type Line struct {
	// No is where the payment is in the file: for CSV the line the row starts
	// on (the header being line 1 when it comes first), for camt.053 the
	// entry's position among all Ntry elements. Transactions batched in one
	// entry share its number.
	No       int
	BookedAt time.Time       // booking date; UTC midnight when the file has only a date
	Amount   decimal.Decimal // always > 0, with no more decimals than Currency allows
	Currency string          // ISO 4217 code, upper case
	// Text is the remittance information: a structured creditor reference
	// (an RF reference) first, then every free-text part, joined with " ".
	Text         string
	PayerName    string
	PayerAccount string // IBAN or other account number, as the bank wrote it
	// ExternalID identifies the payment across imports of the same statement:
	// the bank's reference if it has one, else "sha256:" and a hash of the
	// line's content and its occurrence among identical lines.
	ExternalID string
}

// Error is one problem that makes a statement unusable. Line is 0 for a
// problem with the whole file or the column mapping.
type Error struct {
	Line   int
	Field  string // "amount", "date", "mapping.amount", ...; empty for the whole line or file
	Reason string // says what to fix

	entry bool  // Line counts camt.053 entries rather than file lines
	err   error // a sentinel such as ErrTooLarge, for errors.Is
}

func (e Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		if e.entry {
			b.WriteString("entry ")
		} else {
			b.WriteString("line ")
		}
		b.WriteString(strconv.Itoa(e.Line))
		if e.Field != "" {
			b.WriteString(", ")
		} else {
			b.WriteString(": ")
		}
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

func (e Error) Unwrap() error { return e.err }

// Errors is every problem found in a rejected statement, in file order. The
// parsers return it as a *Errors; it reads as a VALIDATION fault.Error on the
// "file" argument so the GraphQL layer can show it as is.
type Errors []Error

func (e *Errors) Error() string {
	parts := make([]string, len(*e))
	for i, err := range *e {
		parts[i] = err.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap lets errors.Is find a sentinel such as ErrTooLarge in any entry.
func (e *Errors) Unwrap() []error {
	out := make([]error, len(*e))
	for i, err := range *e {
		out[i] = err
	}
	return out
}

// As presents the whole list as one validation error of the uploaded file.
func (e *Errors) As(target any) bool {
	if t, ok := target.(**fault.Error); ok {
		*t = fault.Invalid("file", e.Error())
		return true
	}
	return false
}

// Is reports the list as a validation error: the user can fix it.
func (e *Errors) Is(target error) bool { return target == fault.Validation }

// collector gathers a file's errors up to maxErrors.
type collector struct {
	errs  Errors
	entry bool
	full  bool
}

func (c *collector) add(line int, field, format string, args ...any) {
	c.addErr(Error{Line: line, Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (c *collector) addErr(e Error) {
	if c.full {
		return
	}
	if len(c.errs) == maxErrors {
		c.errs = append(c.errs, Error{Reason: fmt.Sprintf("stopped after %d errors; fix these and import the file again", maxErrors)})
		c.full = true
		return
	}
	e.entry = c.entry && e.Line > 0
	c.errs = append(c.errs, e)
}

func (c *collector) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return &c.errs
}

// fileError rejects a whole file for one reason.
func fileError(sentinel error, format string, args ...any) error {
	return &Errors{{Reason: fmt.Sprintf(format, args...), err: sentinel}}
}

func tooLarge() error {
	return fileError(ErrTooLarge, "the file is larger than %d MB; split the statement into smaller periods", MaxFileSize>>20)
}

func tooManyLines() error {
	return fileError(ErrTooManyLines, "the file has more than %d lines; split the statement into smaller periods", MaxLines)
}

// checkAmount validates a positive amount against its currency. It returns
// the currency's canonical code, or a field and reason for the user.
func checkAmount(amount decimal.Decimal, text, code string) (currency, field, reason string) {
	if strings.TrimSpace(code) == "" {
		return "", "currency", "the currency is missing"
	}
	c, ok := money.Lookup(code)
	if !ok {
		return "", "currency", fmt.Sprintf("%q is not a currency code Tally knows; use an ISO 4217 code such as EUR or USD", code)
	}
	if money.Scale(amount) > c.Exponent {
		return "", "amount", fmt.Sprintf("%q has more decimals than %s allows (%d)", text, c.Code, c.Exponent)
	}
	if _, err := money.ToMinor(amount, c); err != nil {
		return "", "amount", fmt.Sprintf("%q is too large", text)
	}
	return c.Code, "", ""
}

// plausible rejects dates no bank statement holds, which are misread
// columns or typos ("0024-03-01") rather than payments.
func plausible(t time.Time) bool { return t.Year() >= 1900 && t.Year() <= 2999 }

// identity is what makes a line the same payment on a second import, for
// lines whose bank gave no reference of its own.
func identity(l *Line, extra ...string) string {
	parts := append([]string{
		l.BookedAt.UTC().Format(time.RFC3339Nano),
		l.Amount.String(),
		l.Currency,
		l.Text,
		l.PayerName,
		l.PayerAccount,
	}, extra...)
	return strings.Join(parts, "\x1f")
}

// hashIDs gives each line without a reference its content hash. Two lines
// with the same content are told apart by their occurrence number, which
// does not move when the same statement is imported again.
type hashIDs map[digest]int

func (h hashIDs) next(content string) string {
	k := digestOf(content)
	h[k]++
	sum := sha256.Sum256([]byte(content + "\x1f" + strconv.Itoa(h[k])))
	return "sha256:" + hex.EncodeToString(sum[:16])
}

// externalID is a line's id in a file whose lines may carry the bank's
// reference: that reference when the file gives it to this line alone
// (refs counts each reference in the file), else the content hash.
func (h hashIDs) externalID(bankRef, content string, refs map[digest]int) string {
	if bankRef != "" && refs[digestOf(bankRef)] == 1 {
		return bankRef
	}
	return h.next(content)
}
