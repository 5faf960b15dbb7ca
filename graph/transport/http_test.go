package transport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/graph"
)

// newHandler serves the real schema with the error presenter, as server
// does, with no services behind the resolvers.
func newHandler() *Handler {
	return New(graph.NewSchema(&graph.Resolver{}), Options{ErrorPresenter: graph.PresentError})
}

// A body without a Content-Length (chunked) over the limit gets the same
// 413 QUERY_LIMIT as one that declares its size, for JSON and multipart.
func TestChunkedBodyOverLimit(t *testing.T) {
	h := newHandler()
	for _, tc := range []struct {
		name, contentType string
		size              int64
		headers           map[string]string
	}{
		{"json", "application/json", MaxBodySize, nil},
		{"multipart", "multipart/form-data; boundary=x", MaxUploadSize, map[string]string{PreflightHeader: "1"}},
	} {
		for _, chunked := range []bool{false, true} {
			head := `{"query": "`
			if tc.name == "multipart" {
				head = "--x\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n" +
					`{"query": "mutation($f: Upload!) { previewStatement(file: $f) { headers } }", "variables": {"f": null}}` +
					"\r\n--x\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n" + `{"0": ["variables.f"]}` +
					"\r\n--x\r\nContent-Disposition: form-data; name=\"0\"; filename=\"s.csv\"\r\n\r\n"
			}
			// io.MultiReader hides the length, so the request goes chunked.
			body := io.MultiReader(strings.NewReader(head), strings.NewReader(strings.Repeat("a", int(tc.size))))
			req := httptest.NewRequest(http.MethodPost, "/query", body)
			req.ContentLength = -1
			if !chunked {
				req.ContentLength = tc.size + int64(len(head))
			}
			req.Header.Set("Content-Type", tc.contentType)
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var out map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatalf("%s chunked=%v: HTTP %d %q", tc.name, chunked, rec.Code, rec.Body.String())
			}
			ext := firstError(t, out)
			// A multipart body may hit the file's own cap (upload size)
			// before the body's; either names its limit and its max.
			limitOK := ext["limit"] == "body size" && ext["max"] == float64(tc.size) ||
				tc.name == "multipart" && ext["limit"] == "upload size" && ext["max"] != nil
			if rec.Code != http.StatusRequestEntityTooLarge || ext["code"] != CodeQueryLimit || !limitOK {
				t.Errorf("%s chunked=%v: HTTP %d %v, want 413 QUERY_LIMIT naming the body or upload size and its max", tc.name, chunked, rec.Code, ext)
			}
		}
	}
}

// With application/graphql-response+json a request that does not parse or
// validate gets 400 and no data entry; so does one with application/json
// (a 422), since nothing ran.
func TestRequestErrorsCarryNoData(t *testing.T) {
	h := newHandler()
	for _, accept := range []string{mediaGraphQLResponse, mediaJSON} {
		for _, q := range []string{"{ viewer {", "{ nope }"} {
			rec, out := post(t, h, q, map[string]string{"Accept": accept})
			if _, ok := out["data"]; ok {
				t.Errorf("Accept %s, %q: body %s has a data entry", accept, q, rec.Body.String())
			}
			want := http.StatusUnprocessableEntity
			if accept == mediaGraphQLResponse {
				want = http.StatusBadRequest
			}
			if rec.Code != want || rec.Header().Get("Content-Type") != accept {
				t.Errorf("Accept %s, %q: HTTP %d %s, want %d", accept, q, rec.Code, rec.Header().Get("Content-Type"), want)
			}
		}
	}
}

// GET carries queries; a mutation over GET is 405 with Allow: POST and an
// extensions.code like every other error, and nothing runs.
func TestGETMutationNotAllowed(t *testing.T) {
	h := newHandler()
	get := func(query string) (*httptest.ResponseRecorder, map[string]any) {
		req := httptest.NewRequest(http.MethodGet, "/query?query="+url.QueryEscape(query), nil)
		req.Header.Set("Accept", mediaGraphQLResponse)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("HTTP %d %q", rec.Code, rec.Body.String())
		}
		return rec, out
	}
	rec, out := get(`mutation { signOut }`)
	if ext := firstError(t, out); rec.Code != http.StatusMethodNotAllowed || ext["code"] != "METHOD_NOT_ALLOWED" || rec.Header().Get("Allow") != "POST" {
		t.Fatalf("mutation over GET: HTTP %d Allow %q %v, want 405 Allow POST %s", rec.Code, rec.Header().Get("Allow"), ext, "METHOD_NOT_ALLOWED")
	}
	if _, ok := out["data"]; ok {
		t.Fatalf("mutation over GET answered data: %v", out)
	}
	rec, out = get(`{ __typename }`)
	if rec.Code != http.StatusOK || out["data"] == nil {
		t.Fatalf("query over GET: HTTP %d %v", rec.Code, out)
	}
}

// Introspection lists neither gqlgen's codegen directives nor @cost, and
// no input type the API never takes.
func TestIntrospectionShowsOnlyTheAPI(t *testing.T) {
	h := newHandler()
	_, out := post(t, h, `{ __schema { directives { name } types { name kind inputFields { name } fields { args { type { name ofType { name ofType { name } } } } } } } }`, nil)
	b, _ := json.Marshal(out["data"])
	var s struct {
		Schema struct {
			Directives []struct{ Name string }
			Types      []struct {
				Name, Kind string
			}
		} `json:"__schema"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	for _, d := range s.Schema.Directives {
		if d.Name == "goField" || d.Name == "goModel" || d.Name == "cost" {
			t.Errorf("introspection lists @%s", d.Name)
		}
	}
	// Every <T>Order input is some argument's type, and every
	// <T>OrderField enum belongs to such an input.
	body := string(b)
	names := map[string]bool{}
	for _, typ := range s.Schema.Types {
		names[typ.Name] = true
	}
	for name := range names {
		if strings.HasSuffix(name, "Order") && strings.Count(body, `"`+name+`"`) < 2 {
			t.Errorf("%s is in the schema but no field takes it", name)
		}
		if o, ok := strings.CutSuffix(name, "Field"); ok && strings.HasSuffix(o, "Order") && !names[o] {
			t.Errorf("%s is in the schema without %s", name, o)
		}
	}
}

// fanOut is query{...F0} where each of levels fragments spreads the next
// one twice: under 1 KB, 2^(levels-1) fields once expanded.
func fanOut(levels int) string {
	var b strings.Builder
	b.WriteString("query{...F0}")
	for i := range levels - 1 {
		fmt.Fprintf(&b, " fragment F%d on Query{...F%d ...F%d}", i, i+1, i+1)
	}
	fmt.Fprintf(&b, " fragment F%d on Query{__typename}", levels-1)
	return b.String()
}

// post sends query to a development handler without a database; enough
// for requests refused before any resolver runs.
func post(t *testing.T, h http.Handler, query string, headers map[string]string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("HTTP %d, body %q: %v", rec.Code, rec.Body.String(), err)
	}
	return rec, out
}

func firstError(t *testing.T, out map[string]any) map[string]any {
	t.Helper()
	errs, _ := out["errors"].([]any)
	if len(errs) == 0 {
		t.Fatalf("no errors in %v", out)
	}
	e, _ := errs[0].(map[string]any)
	ext, _ := e["extensions"].(map[string]any)
	return ext
}

// Documents that grow exponentially once fragments are expanded, or that
// repeat one field thousands of times, are refused in well under the time
// a client would notice; before, the 24-level fan-out kept a core busy.
func TestHostileDocumentsRefusedQuickly(t *testing.T) {
	h := newHandler()
	repeat := func(n int, s string) string { return strings.Repeat(s+" ", n) }
	for _, tc := range []struct{ name, query, limit string }{
		{"fragment fan-out", fanOut(24), "complexity"},
		{"deeper fan-out", fanOut(60), "complexity"},
		{"one field repeated", "{viewer{" + repeat(2400, "__typename") + "}}", "field repetition"},
		{"one fragment repeated", "{viewer{" + repeat(1600, "...M") + "}} fragment M on Viewer{merchant{name}}", "field repetition"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, out := post(t, h, tc.query, nil)
			took := time.Since(start)
			ext := firstError(t, out)
			if ext["code"] != CodeQueryLimit || ext["limit"] != tc.limit {
				t.Fatalf("extensions %v, want QUERY_LIMIT %s", ext, tc.limit)
			}
			t.Logf("refused in %v", took)
			if took > 200*time.Millisecond {
				t.Fatalf("refused after %v, want under 200 ms", took)
			}
		})
	}
}
