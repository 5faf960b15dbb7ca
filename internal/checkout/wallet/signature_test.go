package wallet

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestVerifySignature(t *testing.T) {
	body := []byte(`{"network":"TRON"}`)
	now := time.Unix(1_760_000_000, 0)
	signed := Sign("old", body, now)
	v1 := func(secret string) string { return strings.Split(Sign(secret, body, now), ",")[1] }
	ts := "t=1760000000"
	tests := []struct {
		name    string
		header  string
		body    string
		secrets []string
		now     time.Time
		want    error
	}{
		{"valid", signed, "", []string{"old"}, now, nil},
		{"rotated: second secret", Sign("new", body, now), "", []string{"old", "new"}, now, nil},
		{"two v1, second valid", ts + ",v1=" + strings.Repeat("ab", 32) + "," + v1("old"), "", []string{"old"}, now, nil},
		{"unknown keys ignored", "v0=zz," + signed + ",scheme=x", "", []string{"old"}, now, nil},
		{"spaces", " t=1760000000, " + v1("old") + " ", "", []string{"old"}, now, nil},
		{"300 s old", signed, "", []string{"old"}, now.Add(300 * time.Second), nil},
		{"300 s ahead", signed, "", []string{"old"}, now.Add(-300 * time.Second), nil},
		{"tampered body", signed, `{"network":"BSC"}`, []string{"old"}, now, ErrSignatureMismatch},
		{"wrong secret", signed, "", []string{"new"}, now, ErrSignatureMismatch},
		{"timestamp changed", "t=1760000001," + v1("old"), "", []string{"old"}, now, ErrSignatureMismatch},
		{"empty secret skipped", Sign("", body, now), "", []string{"", "old"}, now, ErrSignatureMismatch},
		{"301 s old", signed, "", []string{"old"}, now.Add(301 * time.Second), ErrTimestampOutsideTolerance},
		{"301 s ahead", signed, "", []string{"old"}, now.Add(-301 * time.Second), ErrTimestampOutsideTolerance},
		{"missing t", v1("old"), "", []string{"old"}, now, ErrBadSignatureHeader},
		{"missing v1", ts, "", []string{"old"}, now, ErrBadSignatureHeader},
		{"v1 not hex", ts + ",v1=nothex", "", []string{"old"}, now, ErrBadSignatureHeader},
		{"t not a number", "t=soon," + v1("old"), "", []string{"old"}, now, ErrBadSignatureHeader},
		{"negative t", "t=-1," + v1("old"), "", []string{"old"}, now, ErrBadSignatureHeader},
		{"two t", ts + "," + ts + "," + v1("old"), "", []string{"old"}, now, ErrBadSignatureHeader},
		{"garbage", "hello world", "", []string{"old"}, now, ErrBadSignatureHeader},
		{"missing header", "", "", []string{"old"}, now, ErrNoSignature},
		{"no secrets", signed, "", nil, now, ErrNoSecret},
		{"only empty secret", signed, "", []string{""}, now, ErrNoSecret},
	}
	for _, tt := range tests {
		b := body
		if tt.body != "" {
			b = []byte(tt.body)
		}
		if err := VerifySignature(tt.header, b, tt.secrets, tt.now); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestSign(t *testing.T) {
	// HMAC-SHA256("secret", "1760000000.{}"), computed with openssl dgst.
	got := Sign("secret", []byte("{}"), time.Unix(1_760_000_000, 0))
	want := "t=1760000000,v1=" + "53dc054739ad94d3532227ba8d397f66ed2166a6b66940c2006692fa6db6829f"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
