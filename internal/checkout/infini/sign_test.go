package infini

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const (
	testKeyID  = "tally-test-key"
	testSecret = "tally-test-secret" //nolint:gosec // G101: the fake Infini's test key, not a credential
)

// fixedNow is Tue, 21 Jan 2025 12:00:00 GMT.
var fixedNow = time.Date(2025, 1, 21, 12, 0, 0, 0, time.UTC)

func TestSigningStringBytes(t *testing.T) {
	got := signingString(testKeyID, "post", "/v1/acquiring/order", "Tue, 21 Jan 2025 12:00:00 GMT")
	want := "tally-test-key\nPOST /v1/acquiring/order\ndate: Tue, 21 Jan 2025 12:00:00 GMT\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSignHeaders(t *testing.T) {
	body := []byte(`{"request_id":"9b2f6c1e-3d4a-4f5b-8c7d-0e1f2a3b4c5d","amount":"12.5"}`)
	tests := []struct {
		name       string
		method     string
		url        string
		body       []byte
		target     string // the request target that must be signed
		pinned     string // signature computed once, outside Go (Python hmac)
		wantDigest string
	}{
		{
			name: "post", method: http.MethodPost, url: "https://openapi.infini.money/v1/acquiring/order", body: body,
			target:     "/v1/acquiring/order",
			pinned:     "uJm/73N0CUQRxWmEE3Xax/AqYvalOolXgbT/6e5hn88=",
			wantDigest: "SHA-256=YA2vj300RYCHzCFRdTt0qKBD3hAgGeRkgTeX4QBF6tw=",
		},
		{
			name: "get signs prefix and query", method: http.MethodGet,
			url:    "http://127.0.0.1:8080/sandbox/infini/v1/acquiring/order?order_id=abc-123",
			target: "/sandbox/infini/v1/acquiring/order?order_id=abc-123",
			pinned: "ruzBc8PVkeJ6k9yRCtbGQD7b4CV96zaPyrPU4eDXMbg=",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.url, nil)
			req.RequestURI = "" // as in a client request
			// A non-UTC clock must still give a GMT Date.
			Sign(req, testKeyID, testSecret, tt.body, fixedNow.In(time.FixedZone("CET", 3600)))

			if got, want := req.Header.Get("Date"), "Tue, 21 Jan 2025 12:00:00 GMT"; got != want {
				t.Errorf("Date: got %q, want %q", got, want)
			}
			m := hmac.New(sha256.New, []byte(testSecret))
			m.Write([]byte(testKeyID + "\n" + tt.method + " " + tt.target + "\ndate: Tue, 21 Jan 2025 12:00:00 GMT\n"))
			independent := base64.StdEncoding.EncodeToString(m.Sum(nil))
			if independent != tt.pinned {
				t.Fatalf("independent HMAC: got %s, want pinned %s", independent, tt.pinned)
			}
			wantAuth := `Signature keyId="tally-test-key",algorithm="hmac-sha256",headers="@request-target date",signature="` + tt.pinned + `"`
			if got := req.Header.Get("Authorization"); got != wantAuth {
				t.Errorf("Authorization:\ngot  %s\nwant %s", got, wantAuth)
			}
			if got := req.Header.Get("Digest"); got != tt.wantDigest {
				t.Errorf("Digest: got %q, want %q", got, tt.wantDigest)
			}
			wantType := ""
			if tt.body != nil {
				wantType = "application/json"
			}
			if got := req.Header.Get("Content-Type"); got != wantType {
				t.Errorf("Content-Type: got %q, want %q", got, wantType)
			}
		})
	}
}

// The digest is not signed: the same request with or without a body has
// the same signature.
func TestSignatureIgnoresBody(t *testing.T) {
	a := httptest.NewRequest(http.MethodPost, "/v1/acquiring/order", nil)
	b := httptest.NewRequest(http.MethodPost, "/v1/acquiring/order", nil)
	Sign(a, testKeyID, testSecret, nil, fixedNow)
	Sign(b, testKeyID, testSecret, []byte(`{"a":1}`), fixedNow)
	if a.Header.Get("Authorization") != b.Header.Get("Authorization") {
		t.Errorf("got different signatures with and without a body")
	}
}

func TestVerifyRequest(t *testing.T) {
	body := []byte(`{"amount":"1"}`)
	lookup := func(id string) (string, bool) { return testSecret, id == testKeyID }
	signed := func(mutate func(r *http.Request)) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/sandbox/infini/v1/acquiring/order", nil)
		Sign(r, testKeyID, testSecret, body, fixedNow)
		if mutate != nil {
			mutate(r)
		}
		return r
	}
	tests := []struct {
		name string
		req  *http.Request
		body []byte
		now  time.Time
		want error
	}{
		{"valid", signed(nil), body, fixedNow, nil},
		{"date 299 s behind", signed(nil), body, fixedNow.Add(299 * time.Second), nil},
		{"date 301 s behind", signed(nil), body, fixedNow.Add(301 * time.Second), ErrStaleTimestamp},
		{"date 301 s ahead", signed(nil), body, fixedNow.Add(-301 * time.Second), ErrStaleTimestamp},
		{"spaces around = as in Infini's docs", signed(func(r *http.Request) {
			r.Header.Set("Authorization", strings.NewReplacer(`keyId=`, `keyId = `, `,algorithm=`, `, algorithm = `,
				`,headers=`, `, headers = `, `,signature=`, `, signature = `).Replace(r.Header.Get("Authorization")))
		}), body, fixedNow, nil},
		{"no Authorization", signed(func(r *http.Request) { r.Header.Del("Authorization") }), body, fixedNow, ErrMissingSignature},
		{"no Date", signed(func(r *http.Request) { r.Header.Del("Date") }), body, fixedNow, ErrMissingSignature},
		{"no Digest with a body", signed(func(r *http.Request) { r.Header.Del("Digest") }), body, fixedNow, ErrMissingSignature},
		{"tampered body", signed(nil), []byte(`{"amount":"100"}`), fixedNow, ErrDigestMismatch},
		{"other path", signed(func(r *http.Request) { r.RequestURI = "/v1/acquiring/order" }), body, fixedNow, ErrBadSignature},
		{"other method", signed(func(r *http.Request) { r.Method = http.MethodPut }), body, fixedNow, ErrBadSignature},
		{"wrong secret", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/sandbox/infini/v1/acquiring/order", nil)
			Sign(r, testKeyID, "not-the-secret", body, fixedNow)
			return r
		}(), body, fixedNow, ErrBadSignature},
		{"unknown key id", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/sandbox/infini/v1/acquiring/order", nil)
			Sign(r, "someone-else", testSecret, body, fixedNow)
			return r
		}(), body, fixedNow, ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyRequest(tt.req, tt.body, lookup, tt.now, 0)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}
