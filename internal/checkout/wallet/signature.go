package wallet

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader is the HTTP header that carries a chain watcher webhook's
// signature: "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">". It may
// hold several v1 entries while a secret is being rotated.
const SignatureHeader = "Tally-Signature"

// SignatureTolerance is how far a signed timestamp may be from now, either
// way, which bounds how long a captured request can be replayed.
const SignatureTolerance = 5 * time.Minute

// Errors from VerifySignature.
var (
	// ErrNoSignature means the request carries no signature header.
	ErrNoSignature = errors.New("wallet: no " + SignatureHeader + " header")
	// ErrBadSignatureHeader means the header is not "t=<unix seconds>,v1=<hex>".
	ErrBadSignatureHeader = errors.New("wallet: malformed " + SignatureHeader + " header; want t=<unix seconds>,v1=<hex>")
	// ErrSignatureMismatch means no v1 signature matches any secret: a
	// wrong secret, or a body changed on the way.
	ErrSignatureMismatch = errors.New("wallet: signature does not match")
	// ErrTimestampOutsideTolerance means the signature is valid but its
	// timestamp is more than SignatureTolerance away: a replay, or a clock off.
	ErrTimestampOutsideTolerance = errors.New("wallet: signed timestamp too old or in the future")
	// ErrNoSecret means no signing secret is configured, so nothing can be verified.
	ErrNoSecret = errors.New("wallet: no webhook signing secret configured")
)

// Sign returns the SignatureHeader value for body sent at t.
func Sign(secret string, body []byte, t time.Time) string {
	return SignAll([]string{secret}, body, t)
}

// SignAll returns the SignatureHeader value for body sent at t with one v1
// entry per secret, in order: during a rotation a receiver that knows
// either secret can verify it. Outgoing partner webhooks
// (internal/webhook) are signed with it.
func SignAll(secrets []string, body []byte, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	var b strings.Builder
	b.WriteString("t=")
	b.WriteString(ts)
	for _, s := range secrets {
		b.WriteString(",v1=")
		b.WriteString(hex.EncodeToString(mac(s, ts, body)))
	}
	return b.String()
}

// VerifySignature checks a SignatureHeader value against the raw body. It
// passes if any v1 entry matches any of secrets (more than one during a
// rotation) and the timestamp is within SignatureTolerance of now. Unknown
// keys in the header are ignored.
func VerifySignature(header string, body []byte, secrets []string, now time.Time) error {
	// An empty secret would let anyone sign.
	secrets = slices.DeleteFunc(slices.Clone(secrets), func(s string) bool { return s == "" })
	if len(secrets) == 0 {
		return ErrNoSecret
	}
	header = strings.TrimSpace(header)
	if header == "" {
		return ErrNoSignature
	}
	var ts string
	var sigs [][]byte
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			if ts != "" || !digits(v) {
				return ErrBadSignatureHeader
			}
			ts = v
		case "v1":
			if sig, err := hex.DecodeString(v); err == nil && len(sig) == sha256.Size {
				sigs = append(sigs, sig)
			}
		}
	}
	if ts == "" || len(sigs) == 0 {
		return ErrBadSignatureHeader
	}
	// The signature first: a bad timestamp is worth reporting only on a
	// request that is otherwise genuine.
	if !matches(secrets, ts, body, sigs) {
		return ErrSignatureMismatch
	}
	unix, _ := strconv.ParseInt(ts, 10, 64) // digits() keeps it in range
	if d := now.Sub(time.Unix(unix, 0)); d > SignatureTolerance || d < -SignatureTolerance {
		return ErrTimestampOutsideTolerance
	}
	return nil
}

func matches(secrets []string, ts string, body []byte, sigs [][]byte) bool {
	for _, s := range secrets {
		want := mac(s, ts, body)
		for _, sig := range sigs {
			if hmac.Equal(sig, want) {
				return true
			}
		}
	}
	return false
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// digits reports whether s is a plain decimal that fits an int64.
func digits(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
