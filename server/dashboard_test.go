package main

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b strings.Builder
	w := gzip.NewWriter(&b)
	_, _ = w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return []byte(b.String())
}

// The dashboard's caching: hashed assets are kept for a year, index.html
// (which names them) and every client-side route are revalidated each time,
// and both come compressed when the browser takes it.
func TestDashboardCaching(t *testing.T) {
	index := "<!doctype html><title>Tally</title>" + strings.Repeat("<!-- padding -->", 50)
	script := strings.Repeat("console.log('tally');\n", 50)
	h := spaFrom(fstest.MapFS{
		"index.html":                  {Data: []byte(index)},
		"index.html.gz":               {Data: gzipped(t, index)},
		"assets/index-C7oYBKCd.js":    {Data: []byte(script)},
		"assets/index-C7oYBKCd.js.gz": {Data: gzipped(t, script)},
		"robots.txt":                  {Data: []byte("User-agent: *\n")},
	})
	for _, tc := range []struct {
		path, cache, contentType, encoding, body string
	}{
		{"/assets/index-C7oYBKCd.js", "public, max-age=31536000, immutable", "text/javascript; charset=utf-8", "gzip", script},
		{"/", "no-cache", "text/html; charset=utf-8", "gzip", index},
		{"/invoices/inv_123", "no-cache", "text/html; charset=utf-8", "gzip", index},
		{"/index.html", "no-cache", "text/html; charset=utf-8", "gzip", index},
		// A directory or a compressed copy by name is a client route, not a listing or raw bytes.
		{"/assets", "no-cache", "text/html; charset=utf-8", "gzip", index},
		{"/assets/index-C7oYBKCd.js.gz", "no-cache", "text/html; charset=utf-8", "gzip", index},
		{"/robots.txt", "no-cache", "text/plain; charset=utf-8", "", "User-agent: *\n"},
	} {
		r := httptest.NewRequest(http.MethodGet, tc.path, nil)
		r.Header.Set("Accept-Encoding", "gzip, deflate, br")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		res := w.Result()
		var body io.Reader = res.Body
		if res.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(res.Body)
			if err != nil {
				t.Fatalf("%s: %v", tc.path, err)
			}
			body = zr
		}
		got, _ := io.ReadAll(body)
		if res.StatusCode != http.StatusOK || string(got) != tc.body {
			t.Errorf("GET %s: status %d, body %.40q, want %.40q", tc.path, res.StatusCode, got, tc.body)
		}
		if res.Header.Get("Cache-Control") != tc.cache || res.Header.Get("Content-Type") != tc.contentType ||
			res.Header.Get("Content-Encoding") != tc.encoding {
			t.Errorf("GET %s: Cache-Control %q, Content-Type %q, Content-Encoding %q; want %q, %q, %q", tc.path,
				res.Header.Get("Cache-Control"), res.Header.Get("Content-Type"), res.Header.Get("Content-Encoding"),
				tc.cache, tc.contentType, tc.encoding)
		}
	}

	r := httptest.NewRequest(http.MethodPost, "/", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /: status %d, Allow %q", w.Code, w.Header().Get("Allow"))
	}

	// A binary built before the dashboard says so.
	w = httptest.NewRecorder()
	spaFrom(fstest.MapFS{".keep": {}}).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/invoices", nil))
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "npm run build") {
		t.Errorf("unbuilt dashboard: status %d, %q", w.Code, w.Body.String())
	}
}
