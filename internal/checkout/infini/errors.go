package infini

import (
	"errors"
	"fmt"
	"strings"
)

// Errors of the Payment API, matched with errors.Is against an *APIError.
var (
	// ErrUnauthorized is HTTP 401 or code 401: a wrong key id or secret, a
	// bad signature, or a clock more than 300 s away from Infini's.
	ErrUnauthorized = errors.New("Infini rejected the API key or signature: check the key id and secret") //nolint:staticcheck // ST1005: Infini is a proper noun
	// ErrDuplicateRequest is code 40901: the request_id was used before.
	// Whether Infini answers a plain retry with this or with the original
	// order is unverified.
	ErrDuplicateRequest = errors.New("Infini already received a request with this request_id") //nolint:staticcheck // ST1005: Infini is a proper noun
	// ErrDuplicateReference is code 40902: another order has this
	// client_reference.
	ErrDuplicateReference = errors.New("Infini already has an order with this client_reference") //nolint:staticcheck // ST1005: Infini is a proper noun
	// ErrOrderNotFound is code 40401 (or 404): no order has this id.
	ErrOrderNotFound = errors.New("Infini has no order with this id") //nolint:staticcheck // ST1005: Infini is a proper noun
	// ErrInvalidRequest is HTTP 400 or a 400xx code, and also what CreateOrder
	// returns when it refuses an order before sending it.
	ErrInvalidRequest = errors.New("invalid request to Infini")
	// ErrBaseURLRefused is a call Tally's outbound policy stopped: the base
	// URL names or resolves to an address inside the server's network, or
	// the answer was a redirect. Nothing was sent to Infini.
	ErrBaseURLRefused = errors.New("refused the Infini base URL")
)

// Errors of webhook and request verification.
var (
	// ErrMissingSignature means a header needed to check the signature is absent.
	ErrMissingSignature = errors.New("infini: missing signature")
	// ErrBadSignature means the signature is not the one the secret gives.
	ErrBadSignature = errors.New("infini: signature does not match")
	// ErrStaleTimestamp means the signed time is outside the allowed window,
	// or is not a time at all.
	ErrStaleTimestamp = errors.New("infini: timestamp outside the allowed window")
	// ErrDigestMismatch means a request's Digest header does not match its body.
	ErrDigestMismatch = errors.New("infini: digest does not match the body")
	// ErrMalformedEvent means a webhook body is not an Infini event.
	ErrMalformedEvent = errors.New("infini: malformed webhook body")
)

// APIError is an error answer from Infini: a non-2xx status, or a non-zero
// code under HTTP 200.
type APIError struct {
	HTTPStatus int
	Code       int // Infini's code, e.g. 40001; 0 when the body had none
	Message    string
	Detail     string
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.summary())
	fmt.Fprintf(&b, " (HTTP %d", e.HTTPStatus)
	if e.Code != 0 {
		fmt.Fprintf(&b, ", code %d", e.Code)
	}
	b.WriteString(")")
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Detail != "" && e.Detail != e.Message {
		b.WriteString(": " + e.Detail)
	}
	return b.String()
}

func (e *APIError) summary() string {
	for _, s := range []error{ErrUnauthorized, ErrDuplicateRequest, ErrDuplicateReference, ErrOrderNotFound, ErrInvalidRequest} {
		if e.Is(s) {
			return s.Error()
		}
	}
	switch {
	case e.HTTPStatus == 403 || e.Code == 403:
		return "Infini refused the request: check the API key's permissions and IP allowlist"
	case e.HTTPStatus == 404 && e.Code == 0:
		// Not ErrOrderNotFound: a 404 without Infini's envelope is most
		// likely a wrong base URL, and must not read as "no such order".
		return "Infini has no such endpoint: check the base URL"
	case e.HTTPStatus >= 500:
		return "Infini failed to handle the request"
	}
	return "Infini answered with an error"
}

// Is matches the sentinel errors above by HTTP status and code.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.HTTPStatus == 401 || e.Code == 401
	case ErrDuplicateRequest:
		return e.Code == 40901
	case ErrDuplicateReference:
		return e.Code == 40902
	case ErrOrderNotFound:
		return e.Code == 40401 || e.Code == 404
	case ErrInvalidRequest:
		return e.Code == 400 || (e.Code >= 40000 && e.Code < 40100) || (e.HTTPStatus == 400 && e.Code == 0)
	}
	return false
}
