// Package fault classifies errors by what an API client can do about them.
// Domain packages wrap these kinds; the GraphQL error presenter turns them
// into extensions.code, and hides anything unclassified.
package fault

import (
	"errors"
	"fmt"
)

// Code is the machine-readable class of an error, sent as extensions.code.
type Code string

// The codes; the dashboard and partner apps branch on them.
const (
	CodeValidation      Code = "VALIDATION"
	CodeNotFound        Code = "NOT_FOUND"
	CodeUnauthenticated Code = "UNAUTHENTICATED"
	CodeForbidden       Code = "FORBIDDEN"
	CodeConflict        Code = "CONFLICT"
	CodeRateLimited     Code = "RATE_LIMITED"
	// CodeUnavailable means an outside service (a payment provider) failed;
	// the same request may work later.
	CodeUnavailable Code = "UNAVAILABLE"
	// CodeQueryLimit means the operation is too large (tokens, depth,
	// aliases, estimated values); the graph's guard sends it.
	CodeQueryLimit Code = "QUERY_LIMIT"
	CodeInternal   Code = "INTERNAL"
)

// Codes is every code the API sends. Clients that mirror them (the
// dashboard's ErrorCode type) are checked against it.
var Codes = []Code{
	CodeValidation, CodeNotFound, CodeUnauthenticated, CodeForbidden, CodeConflict,
	CodeRateLimited, CodeUnavailable, CodeQueryLimit, CodeInternal,
}

// Error is an error safe to show to the caller.
type Error struct {
	Code Code
	// Field names the offending input, e.g. "items[1].quantity", if any.
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Is makes errors.Is(err, fault.NotFound) match any error of that code.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) {
		return t.Code == e.Code && t.Message == "" && t.Field == ""
	}
	return false
}

// Kinds to match with errors.Is.
var (
	Validation      = &Error{Code: CodeValidation}
	NotFound        = &Error{Code: CodeNotFound}
	Unauthenticated = &Error{Code: CodeUnauthenticated}
	Forbidden       = &Error{Code: CodeForbidden}
	Conflict        = &Error{Code: CodeConflict}
)

// Invalid reports bad input in one field, with a message that says what to fix.
func Invalid(field, msg string) *Error {
	return &Error{Code: CodeValidation, Field: field, Message: msg}
}

// Invalidf is Invalid with formatting.
func Invalidf(field, format string, args ...any) *Error {
	return Invalid(field, fmt.Sprintf(format, args...))
}

// New returns an error of the given code.
func New(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// As returns the classified error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e, true
	}
	return nil, false
}

// WithField returns a copy of err naming a field, if err is a validation error
// without one. It lets a caller add the input path that a callee did not know.
func WithField(err error, field string) error {
	if e, ok := As(err); ok && e.Field == "" {
		c := *e
		c.Field = field
		return &c
	}
	return err
}
