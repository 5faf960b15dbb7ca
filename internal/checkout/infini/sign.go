package infini

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// DefaultClockSkew is how far a request's Date may be from the server's
// clock before Infini answers 401.
const DefaultClockSkew = 300 * time.Second

// signingString is what Infini signs: key id, request line and Date, each
// followed by a newline. The trailing newline is required, and the body
// digest is deliberately not part of it (INFINI-API.md §1).
func signingString(keyID, method, target, date string) string {
	return keyID + "\n" + strings.ToUpper(method) + " " + target + "\ndate: " + date + "\n"
}

func requestSignature(secret, signing string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(signing))
	return m.Sum(nil)
}

func bodyDigest(body []byte) string {
	sum := sha256.Sum256(body)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}

// requestTarget is the path and query as the server sees them, including
// any prefix the base URL carries (e.g. /sandbox/infini).
func requestTarget(r *http.Request) string {
	if r.RequestURI != "" && !strings.Contains(r.RequestURI, "://") {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

// Sign sets the Date, Authorization and, for a non-empty body, Digest and
// Content-Type headers Infini requires. body must be the exact bytes sent.
func Sign(req *http.Request, keyID, secret string, body []byte, now time.Time) {
	date := now.UTC().Format(http.TimeFormat)
	sig := requestSignature(secret, signingString(keyID, req.Method, requestTarget(req), date))
	req.Header.Set("Date", date)
	req.Header.Set("Authorization", fmt.Sprintf(`Signature keyId="%s",algorithm="hmac-sha256",headers="@request-target date",signature="%s"`,
		keyID, base64.StdEncoding.EncodeToString(sig)))
	if len(body) > 0 {
		req.Header.Set("Digest", bodyDigest(body))
		req.Header.Set("Content-Type", "application/json")
	}
}

// VerifyRequest checks a request signed as Infini requires: a known key id,
// a Date within skew of now (DefaultClockSkew when skew <= 0), a Digest
// matching body whenever there is a body or a Digest, and the signature.
func VerifyRequest(r *http.Request, body []byte, lookupSecret func(keyID string) (string, bool), now time.Time, skew time.Duration) error {
	if skew <= 0 {
		skew = DefaultClockSkew
	}
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Signature ")
	if !ok {
		return fmt.Errorf("%w: no Authorization: Signature header", ErrMissingSignature)
	}
	params, ok := parseAuthParams(auth)
	if !ok || params["keyid"] == "" || params["signature"] == "" {
		return fmt.Errorf("%w: malformed Authorization header", ErrMissingSignature)
	}
	if a := params["algorithm"]; a != "" && !strings.EqualFold(a, "hmac-sha256") {
		return fmt.Errorf("%w: algorithm %q is not hmac-sha256", ErrBadSignature, a)
	}
	if h := params["headers"]; h != "" && h != "@request-target date" {
		return fmt.Errorf("%w: signed headers %q are not \"@request-target date\"", ErrBadSignature, h)
	}
	dateHeader := r.Header.Get("Date")
	if dateHeader == "" {
		return fmt.Errorf("%w: no Date header", ErrMissingSignature)
	}
	date, err := http.ParseTime(dateHeader)
	if err != nil {
		return fmt.Errorf("%w: Date %q is not an HTTP date", ErrStaleTimestamp, dateHeader)
	}
	if d := now.Sub(date).Abs(); d > skew {
		return fmt.Errorf("%w: Date is %s away from the server clock", ErrStaleTimestamp, d.Round(time.Second))
	}
	digest := r.Header.Get("Digest")
	if len(body) > 0 && digest == "" {
		return fmt.Errorf("%w: request has a body but no Digest header", ErrMissingSignature)
	}
	if digest != "" && !hmac.Equal([]byte(digest), []byte(bodyDigest(body))) {
		return ErrDigestMismatch
	}
	secret, ok := lookupSecret(params["keyid"])
	if !ok || secret == "" {
		return fmt.Errorf("%w: unknown key id %q", ErrBadSignature, params["keyid"])
	}
	got, err := base64.StdEncoding.DecodeString(params["signature"])
	if err != nil {
		return fmt.Errorf("%w: signature is not base64", ErrBadSignature)
	}
	want := requestSignature(secret, signingString(params["keyid"], r.Method, requestTarget(r), dateHeader))
	if !hmac.Equal(got, want) {
		return ErrBadSignature
	}
	return nil
}

// parseAuthParams reads `k="v",k2="v2"` with lower-cased keys. It allows
// spaces around "=" because Infini's own documentation shows them. No
// value (key id, algorithm, header list, base64) contains a comma.
func parseAuthParams(s string) (map[string]string, bool) {
	params := map[string]string{}
	for part := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, false
		}
		params[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(v), `"`)
	}
	return params, true
}
