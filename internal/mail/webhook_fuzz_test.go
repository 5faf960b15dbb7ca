package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// mailgunSignature is what Mailgun sends, as its documentation defines it:
// lower-case hex HMAC-SHA256 of timestamp then token under the signing key.
// The package has no signer of its own (only Mailgun signs), so this is
// the reference the check is held to.
func mailgunSignature(key, timestamp, token string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(timestamp))
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// FuzzMailgunSignature checks the signature check of Mailgun's webhooks,
// a pure function of the signing key and the three signed fields.
//
//   - Any input: no panic, and it passes exactly when the signature is
//     hex for the HMAC (upper-case hex is the same bytes).
//   - Mailgun's signature for (key, timestamp, token) passes.
//   - Flipping any byte of the timestamp, token or signature fails,
//     except a change of case in the hex.
func FuzzMailgunSignature(f *testing.F) {
	key := "key-3ax6xnjp29jd6fds4gc373sgvjxteol0" //nolint:gosec // G101: a made-up signing key for the fuzz seeds
	sig := mailgunSignature(key, "1529006854", "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0")
	f.Add(key, "1529006854", "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0", sig, uint16(0), byte(1))
	f.Add(key, "1529006854", "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0", strings.ToUpper(sig), uint16(70), byte(0x20))
	f.Add("k", "", "", "", uint16(0), byte(0))
	f.Add("k", "12", "3", mailgunSignature("k", "1", "23"), uint16(1), byte(0xff))
	f.Add("", "1", "t", "zz", uint16(5), byte(0x80))
	f.Fuzz(func(t *testing.T, key, timestamp, token, signature string, flip uint16, mask byte) {
		h := &Webhook{signingKey: key}

		// 1. Arbitrary input, against the definition.
		want, _ := hex.DecodeString(mailgunSignature(key, timestamp, token))
		got, err := hex.DecodeString(signature)
		if ok := h.verify(timestamp, token, signature); ok != (err == nil && hmac.Equal(got, want)) {
			t.Fatalf("verify(%q, %q, %q) = %v under key %q", timestamp, token, signature, ok, key)
		}

		// 2. Mailgun's own signature.
		signed := mailgunSignature(key, timestamp, token)
		if !h.verify(timestamp, token, signed) {
			t.Fatalf("Mailgun's signature %s for (%q, %q) does not verify", signed, timestamp, token)
		}

		// 3. One byte flipped.
		if mask == 0 {
			mask = 1
		}
		fields := [][]byte{[]byte(timestamp), []byte(token), []byte(signed)}
		pos := int(flip) % (len(timestamp) + len(token) + len(signed))
		k := 0
		for pos >= len(fields[k]) {
			pos -= len(fields[k])
			k++
		}
		fields[k][pos] ^= mask
		if k == 2 && strings.EqualFold(string(fields[2]), signed) {
			return // the same bytes in upper-case hex
		}
		if h.verify(string(fields[0]), string(fields[1]), string(fields[2])) {
			t.Fatalf("%s byte %d flipped by %#x still verifies: (%q, %q, %q)",
				[]string{"timestamp", "token", "signature"}[k], pos, mask, fields[0], fields[1], fields[2])
		}
	})
}
