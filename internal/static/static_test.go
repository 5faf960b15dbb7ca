package static

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"

	"github.com/tally-invoicing/tally/frontend"
)

func TestChoose(t *testing.T) {
	all := []variant{{}, {encoding: "br"}, {encoding: "gzip"}}
	gzipOnly := []variant{{}, {encoding: "gzip"}}
	plain := []variant{{}}
	for _, tc := range []struct {
		accept   string
		variants []variant
		want     string
	}{
		// What browsers send.
		{"gzip, deflate, br, zstd", all, "br"},
		{"gzip, deflate, br", gzipOnly, "gzip"},
		{"gzip, deflate", all, "gzip"},
		// No header or an empty one: the file as it is.
		{"", all, ""},
		{"   ", all, ""},
		// Only identity, or codings we do not have.
		{"identity", all, ""},
		{"deflate, zstd", all, ""},
		{"gzip, br", plain, ""},
		// q-values decide before our preference does.
		{"br;q=0.5, gzip", all, "gzip"},
		{"br;q=0.9, gzip;q=0.8", all, "br"},
		{"gzip;q=1.0, br;q=0.999", all, "gzip"},
		{"br;q=0, gzip;q=0", all, ""},
		{"gzip;q=0.5", all, "gzip"}, // an unlisted identity comes last
		{"identity;q=1, gzip;q=0.5", all, ""},
		{"br;q=0.2, identity;q=0.1", all, "br"},
		// Spelling: case, spaces, x-gzip, other parameters.
		{"GZIP , BR", all, "br"},
		{"x-gzip", all, "gzip"},
		{"br ; q=0.3 , gzip ; Q=0.6", all, "gzip"},
		{"br;level=5", all, "br"},
		// *: every coding not named.
		{"*", all, "br"},
		{"*;q=0.5, br;q=0", all, "gzip"},
		{"gzip;q=0.5, *;q=0", all, "gzip"},
		// Nothing acceptable: the file as it is anyway (RFC 9110 12.5.3).
		{"identity;q=0", all, ""},
		{"*;q=0", all, ""},
		// A malformed q-value drops that entry only.
		{"br;q=2, gzip", all, "gzip"},
		{"br;q=abc, gzip;q=0.5", all, "gzip"},
		{"br;q=, gzip;q=-1", all, ""},
		{"br;q=0.0001", all, ""},
		{",,br,,", all, "br"},
	} {
		got := tc.variants[choose(tc.accept, tc.variants)].encoding
		if got != tc.want {
			t.Errorf("Accept-Encoding %q with %d variants: chose %q, want %q", tc.accept, len(tc.variants), got, tc.want)
		}
	}
}

var (
	script = []byte(strings.Repeat("export const greeting = 'hello, compressed world';\n", 200))
	page   = []byte("<!doctype html><title>Tally</title>" + strings.Repeat("<p>text</p>", 100))
	style  = []byte(strings.Repeat("body { color: black; }\n", 100))
)

func compressed(t *testing.T, encoding string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch encoding {
	case "br":
		w = brotli.NewWriterLevel(&buf, brotli.BestCompression)
	case "gzip":
		w = gzip.NewWriter(&buf)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decompressed(t *testing.T, encoding string, data []byte) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(data)
	switch encoding {
	case "br":
		r = brotli.NewReader(r)
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatalf("not gzip: %v", err)
		}
		r = zr
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("cannot decode %s body: %v", encoding, err)
	}
	return out
}

func testFiles(t *testing.T) *Files {
	t.Helper()
	return New(fstest.MapFS{
		"index.html":            {Data: page},
		"index.html.br":         {Data: compressed(t, "br", page)},
		"index.html.gz":         {Data: compressed(t, "gzip", page)},
		"assets/app-C7oY.js":    {Data: script},
		"assets/app-C7oY.js.br": {Data: compressed(t, "br", script)},
		"assets/app-C7oY.js.gz": {Data: compressed(t, "gzip", script)},
		"assets/only-gz.css":    {Data: style},
		"assets/only-gz.css.gz": {Data: compressed(t, "gzip", style)},
		"assets/plain.css":      {Data: style},
		"blob.unknownext":       {Data: script},
		"blob.unknownext.br":    {Data: compressed(t, "br", script)},
	})
}

func get(t *testing.T, f *Files, method, name string, header map[string]string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(method, "/"+name, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.Serve(w, r, name, "public, max-age=31536000, immutable")
	return w.Result()
}

// Every copy a browser can be sent decodes to the file itself, and says
// what it is and how long it is.
func TestServeVariants(t *testing.T) {
	f := testFiles(t)
	for _, tc := range []struct {
		name, accept, encoding, contentType string
		identity                            []byte
		vary                                bool
	}{
		{"assets/app-C7oY.js", "gzip, deflate, br, zstd", "br", "text/javascript; charset=utf-8", script, true},
		{"assets/app-C7oY.js", "gzip, deflate", "gzip", "text/javascript; charset=utf-8", script, true},
		{"assets/app-C7oY.js", "", "", "text/javascript; charset=utf-8", script, true},
		{"index.html", "br", "br", "text/html; charset=utf-8", page, true},
		{"index.html", "gzip", "gzip", "text/html; charset=utf-8", page, true},
		{"assets/only-gz.css", "br, gzip", "gzip", "text/css; charset=utf-8", style, true},
		{"assets/plain.css", "br, gzip", "", "text/css; charset=utf-8", style, false},
		// No known type: no copy is chosen (a sniffed type would be wrong).
		{"blob.unknownext", "br", "", "application/octet-stream", script, false},
	} {
		res := get(t, f, http.MethodGet, tc.name, map[string]string{"Accept-Encoding": tc.accept})
		body, _ := io.ReadAll(res.Body)
		what := tc.name + " for " + strconv.Quote(tc.accept)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", what, res.StatusCode)
		}
		if got := res.Header.Get("Content-Encoding"); got != tc.encoding {
			t.Errorf("%s: Content-Encoding %q, want %q", what, got, tc.encoding)
		}
		if got := res.Header.Get("Content-Type"); got != tc.contentType {
			t.Errorf("%s: Content-Type %q, want %q", what, got, tc.contentType)
		}
		if got := res.Header.Get("Content-Length"); got != strconv.Itoa(len(body)) {
			t.Errorf("%s: Content-Length %q for a %d-byte body", what, got, len(body))
		}
		if got := res.Header.Get("Vary") == "Accept-Encoding"; got != tc.vary {
			t.Errorf("%s: Vary %q, want Accept-Encoding: %v", what, res.Header.Get("Vary"), tc.vary)
		}
		if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", what, got)
		}
		if tc.encoding != "" && len(body) >= len(tc.identity) {
			t.Errorf("%s: %d bytes sent for a %d-byte file", what, len(body), len(tc.identity))
		}
		if !bytes.Equal(decompressed(t, tc.encoding, body), tc.identity) {
			t.Errorf("%s: body does not decode to the file", what)
		}
	}
}

func TestHead(t *testing.T) {
	f := testFiles(t)
	getRes := get(t, f, http.MethodGet, "assets/app-C7oY.js", map[string]string{"Accept-Encoding": "br"})
	getBody, _ := io.ReadAll(getRes.Body)
	res := get(t, f, http.MethodHead, "assets/app-C7oY.js", map[string]string{"Accept-Encoding": "br"})
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || len(body) != 0 {
		t.Fatalf("HEAD: status %d with %d bytes of body", res.StatusCode, len(body))
	}
	for _, h := range []string{"Content-Encoding", "Content-Type", "Content-Length", "ETag", "Vary", "Cache-Control"} {
		if res.Header.Get(h) != getRes.Header.Get(h) {
			t.Errorf("HEAD %s %q, GET says %q", h, res.Header.Get(h), getRes.Header.Get(h))
		}
	}
	if res.Header.Get("Content-Length") != strconv.Itoa(len(getBody)) {
		t.Errorf("HEAD Content-Length %q, GET sends %d bytes", res.Header.Get("Content-Length"), len(getBody))
	}
}

func TestConditional(t *testing.T) {
	f := testFiles(t)
	br := get(t, f, http.MethodGet, "index.html", map[string]string{"Accept-Encoding": "br"})
	gz := get(t, f, http.MethodGet, "index.html", map[string]string{"Accept-Encoding": "gzip"})
	plain := get(t, f, http.MethodGet, "index.html", nil)
	etags := map[string]bool{}
	for _, res := range []*http.Response{br, gz, plain} {
		etag := res.Header.Get("ETag")
		if !strings.HasPrefix(etag, `"`) || etags[etag] {
			t.Fatalf("ETag %q: want a strong tag of its own for each copy", etag)
		}
		etags[etag] = true
	}

	again := get(t, f, http.MethodGet, "index.html", map[string]string{"Accept-Encoding": "br", "If-None-Match": br.Header.Get("ETag")})
	body, _ := io.ReadAll(again.Body)
	if again.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Fatalf("revalidating the brotli copy: status %d with %d bytes, want 304 and none", again.StatusCode, len(body))
	}
	if again.Header.Get("ETag") != br.Header.Get("ETag") || again.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("304 without its ETag or Vary: %v", again.Header)
	}

	// The brotli copy's tag does not match what a gzip-only client gets.
	other := get(t, f, http.MethodGet, "index.html", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": br.Header.Get("ETag")})
	body, _ = io.ReadAll(other.Body)
	if other.StatusCode != http.StatusOK || other.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(decompressed(t, "gzip", body), page) {
		t.Errorf("gzip client with the brotli ETag: status %d, encoding %q", other.StatusCode, other.Header.Get("Content-Encoding"))
	}
}

// Ranges are of the file itself, whatever the client accepts.
func TestRange(t *testing.T) {
	f := testFiles(t)
	res := get(t, f, http.MethodGet, "assets/app-C7oY.js", map[string]string{"Accept-Encoding": "br, gzip", "Range": "bytes=7-12"})
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusPartialContent {
		t.Fatalf("status %d, want 206", res.StatusCode)
	}
	if res.Header.Get("Content-Encoding") != "" || string(body) != string(script[7:13]) {
		t.Errorf("range: encoding %q, body %q, want %q", res.Header.Get("Content-Encoding"), body, script[7:13])
	}
	if res.Header.Get("Content-Length") != "6" || res.Header.Get("Content-Range") != "bytes 7-12/"+strconv.Itoa(len(script)) {
		t.Errorf("range headers: %v", res.Header)
	}
	if res.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("range answer without Vary: %v", res.Header)
	}
}

func TestHas(t *testing.T) {
	f := testFiles(t)
	for name, want := range map[string]bool{
		"index.html":             true,
		"assets/app-C7oY.js":     true,
		"assets":                 false, // a directory
		"assets/app-C7oY.js.br":  false, // a copy, served only as the file
		"assets/only-gz.css.gz":  false,
		"blob.unknownext.br":     false,
		"assets/missing.js":      false,
		"../index.html":          false,
		"/index.html":            false,
		"assets//app-C7oY.js":    false,
		"assets/missing.js.br":   false,
		"assets/app-C7oY.js.zst": false,
		"":                       false,
	} {
		if got := f.Has(name); got != want {
			t.Errorf("Has(%q) = %v, want %v", name, got, want)
		}
	}
	if res := get(t, f, http.MethodGet, "assets/app-C7oY.js.br", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("a copy by its own name: status %d, want 404", res.StatusCode)
	}
}

// The dashboard this binary embeds, if built: every compressed copy the
// build wrote decodes to its file, and is smaller.
func TestBuiltDashboard(t *testing.T) {
	dist, err := fs.Sub(frontend.Dist, "dist")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Stat(dist, "index.html"); err != nil {
		t.Skip("the dashboard is not built (npm run build)")
	}
	copies := 0
	err = fs.WalkDir(dist, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		for suffix, encoding := range map[string]string{".br": "br", ".gz": "gzip"} {
			base, ok := strings.CutSuffix(p, suffix)
			if !ok {
				continue
			}
			want, err := fs.ReadFile(dist, base)
			if err != nil {
				t.Errorf("%s has no %s", p, base)
				continue
			}
			got, _ := fs.ReadFile(dist, p)
			if len(got) >= len(want) {
				t.Errorf("%s (%d bytes) is no smaller than %s (%d bytes)", p, len(got), base, len(want))
			}
			if !bytes.Equal(decompressed(t, encoding, got), want) {
				t.Errorf("%s does not decode to %s", p, base)
			}
			copies++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f := New(dist)
	for _, name := range []string{"index.html"} {
		if !f.Has(name) || len(f.mustLookup(t, name).variants) != 3 {
			t.Errorf("%s: want brotli and gzip copies (npm run build runs frontend/precompress.js)", name)
		}
	}
	t.Logf("%d compressed copies checked", copies)
}

func (f *Files) mustLookup(t *testing.T, name string) *file {
	t.Helper()
	fl, ok := f.lookup(name)
	if !ok {
		t.Fatalf("%s not found", name)
	}
	return fl
}
