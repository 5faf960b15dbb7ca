package wallet

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzVerifySignature checks the Tally-Signature header of crypto
// transfer webhooks.
//
//   - Any header and body: no panic, one of the documented errors, and a
//     pass only for a header that carries a v1 equal to the HMAC.
//   - What Sign writes for (secret, body, t) verifies at t, also as the
//     second secret of a rotation. Sign can only write times from 1970 on
//     that VerifySignature reads (at most 18 digits); earlier ones must be
//     refused, not misread.
//   - Flipping any byte of the body or the header makes it fail, except a
//     change of case in the hex signature, which is the same signature.
func FuzzVerifySignature(f *testing.F) {
	body := []byte(`{"network":"TRON","txid":"abc","amount":"12.500000"}`)
	f.Add("t=1760000000,v1="+strings.Repeat("ab", 32), body, "whsec_1", int64(1_760_000_000), uint16(0), byte(1))
	f.Add(Sign("whsec_1", body, time.Unix(1_760_000_000, 0)), body, "whsec_1", int64(1_760_000_000), uint16(20), byte(0x20))
	f.Add(" t=1 , v1=zz, v0=00 ", []byte{}, "s", int64(0), uint16(3), byte(0x80))
	f.Add("t=-1,v1=", []byte("{}"), "", int64(-1), uint16(0), byte(0xff))
	f.Add("t=999999999999999999,t=1", []byte(nil), "k", int64(999_999_999_999_999_999), uint16(7), byte(4))
	f.Add("garbage", []byte("\x00\xff"), "k", int64(1<<62), uint16(65535), byte(9))
	f.Fuzz(func(t *testing.T, header string, body []byte, secret string, unix int64, flip uint16, mask byte) {
		now := time.Unix(unix, 0)

		// 1. Arbitrary input.
		err := VerifySignature(header, body, []string{secret, "rotated"}, now)
		switch {
		case err == nil:
			if !carriesMAC(header, body, []string{secret, "rotated"}) {
				t.Fatalf("VerifySignature(%q) passed without a matching v1", header)
			}
		case !knownSignatureError(err):
			t.Fatalf("VerifySignature(%q): undocumented error %v", header, err)
		}

		// 2. The package's own signature.
		signed := Sign(secret, body, now)
		err = VerifySignature(signed, body, []string{"rotated", secret}, now)
		inRange := unix >= 0 && unix < 1e18
		switch {
		case !inRange:
			if !errors.Is(err, ErrBadSignatureHeader) {
				t.Fatalf("Sign at %d wrote %q: got %v, want ErrBadSignatureHeader", unix, signed, err)
			}
			return
		case secret == "":
			// Empty secrets are dropped: nobody may sign with one.
			if !errors.Is(err, ErrSignatureMismatch) {
				t.Fatalf("signed with an empty secret: got %v, want a mismatch", err)
			}
			return
		case err != nil:
			t.Fatalf("Sign(%q, %q, %d) = %q does not verify: %v", secret, body, unix, signed, err)
		}
		if err := VerifySignature(signed, body, []string{secret}, now.Add(SignatureTolerance+time.Second)); !errors.Is(err, ErrTimestampOutsideTolerance) {
			t.Fatalf("%q verified %v after the tolerance: got %v", signed, SignatureTolerance+time.Second, err)
		}

		// 3. One byte flipped.
		if mask == 0 {
			mask = 1
		}
		pos := int(flip) % (len(body) + len(signed))
		if pos < len(body) {
			tampered := append([]byte(nil), body...)
			tampered[pos] ^= mask
			if err := VerifySignature(signed, tampered, []string{secret}, now); !errors.Is(err, ErrSignatureMismatch) {
				t.Fatalf("body byte %d flipped by %#x: got %v, want a mismatch", pos, mask, err)
			}
			return
		}
		pos -= len(body)
		b := []byte(signed)
		b[pos] ^= mask
		tampered := string(b)
		err = VerifySignature(tampered, body, []string{secret}, now)
		sigStart := strings.Index(signed, ",v1=") + len(",v1=")
		caseOnly := pos >= sigStart && strings.EqualFold(tampered, signed)
		if err == nil && !caseOnly {
			t.Fatalf("header byte %d flipped by %#x: %q still verifies", pos, mask, tampered)
		}
		if err != nil && !knownSignatureError(err) {
			t.Fatalf("header %q: undocumented error %v", tampered, err)
		}
	})
}

func knownSignatureError(err error) bool {
	for _, e := range []error{ErrNoSignature, ErrBadSignatureHeader, ErrSignatureMismatch, ErrTimestampOutsideTolerance, ErrNoSecret} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// carriesMAC is an independent reading of the header: some v1 value,
// after "t=<digits>", is the hex HMAC-SHA256 of "<t>.<body>" under one of
// the non-empty secrets.
func carriesMAC(header string, body []byte, secrets []string) bool {
	var ts string
	var v1 []string
	for _, part := range strings.Split(strings.TrimSpace(header), ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
			switch k {
			case "t":
				ts = v
			case "v1":
				v1 = append(v1, strings.ToLower(v))
			}
		}
	}
	for _, s := range secrets {
		if s == "" || ts == "" {
			continue
		}
		m := hmac.New(sha256.New, []byte(s))
		m.Write([]byte(ts + "."))
		m.Write(body)
		if slices.Contains(v1, hex.EncodeToString(m.Sum(nil))) {
			return true
		}
	}
	return false
}
