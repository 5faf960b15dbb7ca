package infini

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func knownVerifyError(err error) bool {
	for _, e := range []error{ErrMissingSignature, ErrBadSignature, ErrStaleTimestamp, ErrDigestMismatch, ErrMalformedEvent} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func webhookHeaders(ts, id, sig string) http.Header {
	h := http.Header{}
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderEventID, id)
	h.Set(HeaderSignature, sig)
	return h
}

// FuzzVerifyWebhook checks Infini's webhook signature (X-Webhook-*).
//
//   - Any headers and body: no panic, a documented error, and a pass only
//     when the signature is the HMAC of the timestamp, event id and body
//     under the secret, the timestamp is fresh and the body an event.
//   - What SignWebhook writes for (secret, body, time) verifies at that
//     time: VerifyWebhook returns the event, or ErrMalformedEvent when the
//     body is not one.
//   - Flipping any byte of the body or of a header fails with
//     ErrBadSignature, except a change of case in the hex signature.
func FuzzVerifyWebhook(f *testing.F) {
	ts := "1763512600"
	sig := SignWebhook(testWebhookSecret, ts, "evt-42", completedBody)
	f.Add(ts, "evt-42", sig, completedBody, testWebhookSecret, int64(1763512600), uint16(0), byte(1))
	f.Add(ts, "evt-42", strings.ToUpper(sig), completedBody, testWebhookSecret, int64(1763512600), uint16(400), byte(0x20))
	f.Add("1763512600000", "evt-1", " "+sig+" ", []byte(`{"event":"card.updated","id":7}`), "s", int64(1763512600), uint16(9), byte(0x80))
	f.Add("", "", "", []byte{}, "", int64(0), uint16(0), byte(0))
	f.Add("-1", "e", "zz", []byte(`{"event":"order.paid","data":{"order_id":"o"}}`), "k", int64(-1), uint16(2), byte(0xff))
	f.Add("9223372036854775807", "e", "00", []byte(`[`), "k", int64(1e12), uint16(5), byte(4))
	f.Fuzz(func(t *testing.T, ts, id, sig string, body []byte, secret string, unix int64, flip uint16, mask byte) {
		now := time.Unix(unix, 0)

		// 1. Arbitrary headers.
		e, err := VerifyWebhook(secret, webhookHeaders(ts, id, sig), body, now)
		if err != nil {
			if e != nil || !knownVerifyError(err) {
				t.Fatalf("VerifyWebhook: event %+v, undocumented error %v", e, err)
			}
		} else {
			m := hmac.New(sha256.New, []byte(secret))
			m.Write([]byte(ts + "." + id + "."))
			m.Write(body)
			got, herr := hex.DecodeString(strings.TrimSpace(sig))
			if secret == "" || herr != nil || !hmac.Equal(got, m.Sum(nil)) {
				t.Fatalf("VerifyWebhook passed the signature %q for ts %q, id %q", sig, ts, id)
			}
			if e == nil || e.ID != id || e.Name == "" {
				t.Fatalf("VerifyWebhook passed with event %+v", e)
			}
		}

		// 2. The package's own signature, at the time it was made.
		if id == "" || secret == "" {
			return
		}
		ts = strconv.FormatInt(unix, 10)
		sig = SignWebhook(secret, ts, id, body)
		e, err = VerifyWebhook(secret, webhookHeaders(ts, id, sig), body, now)
		_, parseErr := ParseEvent(body)
		switch {
		case unix >= 1e12:
			// Read as milliseconds: Infini sends either.
			if !errors.Is(err, ErrStaleTimestamp) {
				t.Fatalf("signed at %d s: got %v, want ErrStaleTimestamp", unix, err)
			}
		case parseErr != nil:
			if !errors.Is(err, ErrMalformedEvent) {
				t.Fatalf("signed body %q that is no event: got %v, want ErrMalformedEvent", body, err)
			}
		case err != nil:
			t.Fatalf("SignWebhook(%q, %q, %q, %q) = %s does not verify: %v", secret, ts, id, body, sig, err)
		case e.ID != id || !e.Timestamp.Equal(now):
			t.Fatalf("verified event has id %q at %v, want %q at %v", e.ID, e.Timestamp, id, now)
		}
		if _, err := VerifyWebhook(secret+"x", webhookHeaders(ts, id, sig), body, now); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("another secret: got %v, want ErrBadSignature", err)
		}

		// 3. One byte flipped, in the body or one of the three headers.
		if mask == 0 {
			mask = 1
		}
		fields := [][]byte{append([]byte(nil), body...), []byte(ts), []byte(id), []byte(sig)}
		pos := int(flip) % (len(body) + len(ts) + len(id) + len(sig))
		k := 0
		for pos >= len(fields[k]) {
			pos -= len(fields[k])
			k++
		}
		fields[k][pos] ^= mask
		_, err = VerifyWebhook(secret, webhookHeaders(string(fields[1]), string(fields[2]), string(fields[3])), fields[0], now)
		if k == 3 && strings.EqualFold(string(fields[3]), sig) {
			return // the same signature in other case
		}
		if !errors.Is(err, ErrBadSignature) {
			t.Fatalf("%s byte %d flipped by %#x: got %v, want ErrBadSignature",
				[]string{"body", "timestamp", "event id", "signature"}[k], pos, mask, err)
		}
	})
}

// FuzzVerifyRequest checks the Authorization: Signature scheme of Infini's
// API (and of the built-in sandbox that verifies it): arbitrary headers
// never panic and fail with a documented error; a request Sign signed
// verifies; any byte of the body or of the Date header flipped fails.
func FuzzVerifyRequest(f *testing.F) {
	now := time.Unix(1763512600, 0)
	f.Add(`Signature keyId="key-1",algorithm="hmac-sha256",headers="@request-target date",signature="AAAA"`,
		now.UTC().Format(http.TimeFormat), "SHA-256=", []byte(`{"amount":"1"}`), "key-1", "secret", uint16(0), byte(1))
	f.Add(`Signature keyId = "k" , signature = "x"`, "Mon, 02 Jan 2006 15:04:05 GMT", "", []byte{}, "k", "s", uint16(3), byte(0x20))
	f.Add("Signature ", "", "", []byte(nil), "", "", uint16(0), byte(0))
	f.Add(`Signature keyId="k",algorithm="HMAC-SHA256",headers="date",signature="=="`, "yesterday", "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", []byte("x"), "k", "s", uint16(1), byte(0xff))
	f.Fuzz(func(t *testing.T, auth, date, digest string, body []byte, keyID, secret string, flip uint16, mask byte) {
		lookup := func(k string) (string, bool) { return secret, k == keyID }

		// 1. Arbitrary headers.
		r := httptest.NewRequest(http.MethodPost, "/v1/orders?page=1", nil)
		r.Header.Set("Authorization", auth)
		r.Header.Set("Date", date)
		r.Header.Set("Digest", digest)
		if err := VerifyRequest(r, body, lookup, now, 0); err != nil && !knownVerifyError(err) {
			t.Fatalf("VerifyRequest: undocumented error %v", err)
		}

		// 2. What Sign writes verifies, for key ids the header can carry.
		if secret == "" || !plainKeyID(keyID) {
			return
		}
		r = httptest.NewRequest(http.MethodPost, "/v1/orders?page=1", bytes.NewReader(body))
		Sign(r, keyID, secret, body, now)
		if err := VerifyRequest(r, body, lookup, now, 0); err != nil {
			t.Fatalf("Sign(key %q) does not verify: %v\n%v", keyID, err, r.Header)
		}

		// 3. One byte of the body or the Date flipped.
		if mask == 0 {
			mask = 1
		}
		date = r.Header.Get("Date")
		pos := int(flip) % (len(body) + len(date))
		if pos < len(body) {
			tampered := append([]byte(nil), body...)
			tampered[pos] ^= mask
			if err := VerifyRequest(r, tampered, lookup, now, 0); !errors.Is(err, ErrDigestMismatch) {
				t.Fatalf("body byte %d flipped: got %v, want ErrDigestMismatch", pos, err)
			}
			return
		}
		b := []byte(date)
		b[pos-len(body)] ^= mask
		r.Header.Set("Date", string(b))
		if err := VerifyRequest(r, body, lookup, now, 0); err == nil || !knownVerifyError(err) {
			t.Fatalf("Date %q (was %q) flipped: got %v, want an error", b, date, err)
		}
	})
}

// plainKeyID reports whether id can travel in keyId="..." unchanged:
// Infini's key ids are letters, digits and dashes.
func plainKeyID(id string) bool {
	if id == "" {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
