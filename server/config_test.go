package main

import (
	"strings"
	"testing"
)

func TestConfigRejectsBadSettingsByName(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--env", "staging"}, "TALLY_ENV"},
		{[]string{"--addr", "8080"}, "TALLY_ADDR"},
		{[]string{"--database-url", "mysql-ish"}, "DATABASE_URL"},
		{[]string{"--base-url", "billing.example.com"}, "TALLY_BASE_URL"},
		{[]string{"--env", "production"}, "TALLY_BASE_URL"},
		{[]string{"--env", "production", "--base-url", "http://billing.example.com"}, "https"},
		{[]string{"stray"}, "unexpected argument"},
		{[]string{"--env", "production", "--base-url", "https://billing.example.com"}, "TALLY_MAILGUN_API_KEY, TALLY_MAILGUN_DOMAIN, TALLY_MAILGUN_WEBHOOK_SIGNING_KEY, TALLY_CRYPTO_WEBHOOK_SECRETS"},
		{append(productionArgs(), "--crypto-webhook-secrets", "short"), "at least 32 characters"},
		{append(productionArgs(), "--rate-limits", "off"), "TALLY_RATE_LIMITS"},
	} {
		_, err := parseConfig(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseConfig(%q) = %v, want an error naming %s", tc.args, err, tc.want)
		}
	}
}

func TestConfigDefaultsAndEnvironment(t *testing.T) {
	t.Setenv("TALLY_ADDR", "127.0.0.1:9191")
	t.Setenv("TALLY_DATA_DIR", "/var/lib/tally")
	c, err := parseConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9191" || c.DataDir != "/var/lib/tally" || c.BaseURL != "http://127.0.0.1:9191" || c.Env != "development" {
		t.Fatalf("config = %+v", c)
	}
	c, err = parseConfig([]string{"--addr", ":8080", "--base-url", "https://pay.example.com/"})
	if err != nil || c.Addr != ":8080" || c.BaseURL != "https://pay.example.com" {
		t.Fatalf("flags override env: %+v %v", c, err)
	}
}

// productionArgs is a complete production configuration.
func productionArgs() []string {
	return []string{"--env", "production", "--base-url", "https://billing.example.com",
		"--mailgun-api-key", "key-test", "--mailgun-domain", "mg.example.com",
		"--mailgun-webhook-signing-key", "signing-test", "--crypto-webhook-secrets", strings.Repeat("s", 32)}
}

func TestProductionConfigStarts(t *testing.T) {
	c, err := parseConfig(productionArgs())
	if err != nil {
		t.Fatal(err)
	}
	if !c.production() || c.sandbox() {
		t.Fatalf("production config: production=%v sandbox=%v", c.production(), c.sandbox())
	}
}
