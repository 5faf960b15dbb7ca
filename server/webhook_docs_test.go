package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/webhook"
)

// TestPartnerDocWebhooks checks the guide's webhook section: every event
// type of the catalogue is listed, and the Go and TypeScript signature
// verifiers it shows accept what Tally signs (also during a rotation) and
// reject a changed body, a wrong secret and an old timestamp. The
// requests are signed here, by an implementation independent of the
// server's.
func TestPartnerDocWebhooks(t *testing.T) {
	doc, err := os.ReadFile(partnerDoc)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range webhook.Catalogue {
		if !strings.Contains(string(doc), "| `"+c.Type+"` |") {
			t.Errorf("%s: the event catalogue does not list %s", partnerDoc, c.Type)
		}
	}
	block := func(lang string) string {
		m := regexp.MustCompile("(?s)\n```"+lang+"\n(.*?)\n```\n").FindAllStringSubmatch(string(doc), -1)
		if len(m) != 1 {
			t.Fatalf("%s: want exactly one ```%s block, found %d", partnerDoc, lang, len(m))
		}
		return m[0][1] + "\n"
	}
	goSrc, tsSrc := block("go"), block("typescript")

	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, ".tmp"), 0o750); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(filepath.Join(root, ".tmp"), "docs-webhooks-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })

	var programs = map[string][]string{}
	if _, err := exec.LookPath("go"); err == nil {
		goDir := filepath.Join(dir, "go")
		_ = os.Mkdir(goDir, 0o750)
		if err := os.WriteFile(filepath.Join(goDir, "verify.go"), []byte(goSrc), 0o600); err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(goDir, "verify")
		build := exec.Command("go", "build", "-o", bin, "verify.go")
		build.Dir = goDir
		build.Env = append(os.Environ(), "GO111MODULE=off")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("the Go verifier of %s does not build (%v):\n%s", partnerDoc, err, out)
		}
		programs["go"] = []string{bin}
	} else {
		t.Errorf("go is not on PATH: %v", err)
	}
	if _, err := exec.LookPath("node"); err == nil {
		ts := filepath.Join(dir, "verify.ts")
		if err := os.WriteFile(ts, []byte(tsSrc), 0o600); err != nil {
			t.Fatal(err)
		}
		compileTS(t, root, []string{ts})
		programs["typescript"] = []string{"node", strings.TrimSuffix(ts, ".ts") + ".js"}
	} else {
		t.Skipf("node is not on PATH: %v", err)
	}

	const secret, old = "whsec_docs_secret_0123456789abcdef", "whsec_docs_previous_secret"
	body := []byte(`{"id":"wev_1","type":"invoice.paid","createdAt":"2026-03-02T10:15:04Z","data":{"id":"inv_1","amountDue":"0.00"}}`)
	sign := func(key string, t time.Time, b []byte) string {
		ts := strconv.FormatInt(t.Unix(), 10)
		m := hmac.New(sha256.New, []byte(key))
		m.Write([]byte(ts + "."))
		m.Write(b)
		return hex.EncodeToString(m.Sum(nil))
	}
	now := time.Now()
	ts := "t=" + strconv.FormatInt(now.Unix(), 10)
	cases := []struct {
		name   string
		header string
		body   []byte
		ok     bool
	}{
		{"valid", ts + ",v1=" + sign(secret, now, body), body, true},
		{"during a rotation", ts + ",v1=" + sign(secret, now, body) + ",v1=" + sign(old, now, body), body, true},
		{"rotated, old secret first", ts + ",v1=" + sign(old, now, body) + ",v1=" + sign(secret, now, body), body, true},
		{"tampered body", ts + ",v1=" + sign(secret, now, body), bytes.Replace(body, []byte(`"0.00"`), []byte(`"9.00"`), 1), false},
		{"wrong secret", ts + ",v1=" + sign(old, now, body), body, false},
		{"old timestamp", "t=" + strconv.FormatInt(now.Add(-10*time.Minute).Unix(), 10) + ",v1=" + sign(secret, now.Add(-10*time.Minute), body), body, false},
		{"no signature", ts, body, false},
	}
	for lang, argv := range programs {
		for _, tc := range cases {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			cmd := exec.CommandContext(ctx, argv[0], argv[1:]...) //nolint:gosec // the repository's own doc examples
			cmd.Env = append(cleanEnv(), "TALLY_SIGNATURE="+tc.header, "TALLY_WEBHOOK_SECRET="+secret)
			cmd.Stdin = bytes.NewReader(tc.body)
			out, err := cmd.CombinedOutput()
			cancel()
			verified := err == nil && strings.TrimSpace(string(out)) == "verified"
			if verified != tc.ok || (!tc.ok && !strings.HasPrefix(string(out), "rejected:")) {
				t.Errorf("%s verifier, %s: exit %v, printed %q; want accepted=%v", lang, tc.name, err, out, tc.ok)
			}
		}
	}
}
