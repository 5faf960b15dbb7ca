package main

import (
	"net/http"

	"github.com/tally-invoicing/tally/internal/validate"
)

// pathKey returns the id or token in the request path's {name}, and false
// when it is not shaped like one Tally hands out (bytes that are not UTF-8,
// control characters, NUL): such a key cannot exist, so the handler answers
// 404 without asking the database, which would refuse some of those bytes
// with an error. Every handler with a path parameter reads it through here.
func pathKey(r *http.Request, name string) (string, bool) {
	v := r.PathValue(name)
	return v, validate.Key(v)
}
