package transport

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// writeResponse writes exactly what encoding/json writes for a response
// (without its HTML escaping), member for member.
func TestWriteResponseMatchesEncodingJSON(t *testing.T) {
	yes := true
	for name, resp := range map[string]*graphql.Response{
		"data":          {Data: json.RawMessage(`{"invoices":{"totalCount":2,"edges":[{"node":{"name":"<Design & Co>"}}]}}`)},
		"no data":       {},
		"errors":        {Errors: gqlerror.List{{Message: "invoice not found", Path: ast.Path{ast.PathName("node")}, Extensions: map[string]any{"code": "NOT_FOUND"}}}, Data: json.RawMessage(`{"node":null}`)},
		"errors only":   {Errors: gqlerror.List{{Message: "Cannot query field \"nope\" on type \"Query\".", Extensions: map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}}}},
		"incremental":   {Data: json.RawMessage(`{"a":1}`), Label: "l", Path: ast.Path{ast.PathName("x"), ast.PathIndex(0)}, HasNext: &yes},
		"extensions":    {Data: json.RawMessage(`{}`), Extensions: map[string]any{"retryable": true}},
		"empty members": {Data: json.RawMessage(`null`), Path: ast.Path{}, Extensions: map[string]any{}},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(resp); err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		writeResponse(rec, resp)
		got := rec.Body.String()
		if got != string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want.String())
		}
		if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(len(got)) {
			t.Errorf("%s: Content-Length %s for %d bytes", name, cl, len(got))
		}
	}
}

func TestResponseMediaType(t *testing.T) {
	for accept, want := range map[string]string{
		"":                                  mediaJSON,
		"*/*":                               mediaJSON,
		"application/json":                  mediaJSON,
		"application/graphql-response+json": mediaGraphQLResponse,
		"application/graphql-response+json, application/json;q=0.9": mediaGraphQLResponse,
		"text/html":                   mediaGraphQLResponse,
		"garbage;;, application/json": mediaJSON,
	} {
		if got := responseMediaType(accept); got != want {
			t.Errorf("Accept %q: %s, want %s", accept, got, want)
		}
	}
}
