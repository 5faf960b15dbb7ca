package validate

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Errors of the text checks. The messages are meant for people; callers
// add the field name.
var (
	ErrInvalidUTF8 = errors.New("text is not valid UTF-8")
	ErrNUL         = errors.New("text contains a NUL character (U+0000)")
	ErrControl     = errors.New("text contains a control character")
)

// SingleLine checks text meant for one line: names, subjects, references,
// email addresses. It must be valid UTF-8 without any control character
// (C0 including tab, CR and LF; DEL; C1), so it can never end a line in a
// mail header, a CSV cell or a log entry.
func SingleLine(s string) error { return checkText(s, false) }

// MultiLine checks free text that may span lines (descriptions, notes,
// postal addresses): like SingleLine, but line feed, carriage return and tab
// are allowed, as typed on any system.
func MultiLine(s string) error { return checkText(s, true) }

func checkText(s string, lines bool) error {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && isInvalidAt(s, i):
			return ErrInvalidUTF8
		case r == 0:
			return ErrNUL
		case lines && (r == '\n' || r == '\r' || r == '\t'):
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			if lines {
				return fmt.Errorf("%w (U+%04X); only line breaks and tabs are allowed", ErrControl, r)
			}
			return fmt.Errorf("%w (U+%04X); keep it on one line without tabs", ErrControl, r)
		}
	}
	return nil
}

// isInvalidAt tells a decoding error from a genuine U+FFFD in the text.
func isInvalidAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 1
}

// MaxKey bounds the length of an id or token taken from a URL.
const MaxKey = 200

// Key reports whether s is shaped like an id or token Tally hands out
// (inv_01jd..., a payment link token): 1 to MaxKey URL-safe ASCII characters
// (letters, digits, '-', '_', '.', '~'). Anything else cannot exist, so a
// caller answers "not found" without asking the database, which would refuse
// some bytes (PostgreSQL text cannot hold NUL) with an error.
func Key(s string) bool {
	if s == "" || len(s) > MaxKey {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return false
		}
	}
	return true
}

// Flatten makes text from elsewhere (a bank's statement file, an old row)
// fit a single-line field: each control character becomes a space and each
// invalid byte U+FFFD. For text a person can correct, refuse with SingleLine
// instead.
func Flatten(s string) string { return clean(s, false) }

// Clean is Flatten for multi-line fields: line breaks and tabs stay.
func Clean(s string) string { return clean(s, true) }

func clean(s string, lines bool) string {
	if checkText(s, lines) == nil {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case lines && (r == '\n' || r == '\r' || r == '\t'):
			return r
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return ' '
		}
		return r
	}, s)
}
