package main

import (
	"log/slog"
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

// A Mailgun base URL without the /v3 that mailgun-go appends every path to
// would start and then fail every email; it must stop start-up instead. In
// production it must not point inside the server's network either.
func TestConfigMailgunRegion(t *testing.T) {
	for _, tc := range []struct {
		region     string
		production bool
		want       string // the base URL used; "" means refused
	}{
		{"us", false, "https://api.mailgun.net/v3"},
		{"EU", true, "https://api.eu.mailgun.net/v3"},
		{"", true, "https://api.mailgun.net/v3"},
		{"https://api.mailgun.net/v3", true, "https://api.mailgun.net/v3"},
		{"https://api.eu.mailgun.net/v3/", true, "https://api.eu.mailgun.net/v3"},
		{"http://127.0.0.1:5555/v3", false, "http://127.0.0.1:5555/v3"}, // a test server
		{"https://api.mailgun.net", true, ""},
		{"https://api.mailgun.net/", false, ""},
		{"https://api.mailgun.net/v4", true, ""},
		{"https://api.mailgun.net/v3?x=1", true, ""},
		{"api.mailgun.net/v3", true, ""},
		{"asia", true, ""},
		{"http://api.mailgun.net/v3", false, ""},
		{"http://127.0.0.1:5555/v3", true, ""},
		{"https://127.0.0.1/v3", true, ""},
		{"https://10.0.0.1/v3", true, ""},
		{"https://169.254.169.254/v3", true, ""},
		{"https://localhost/v3", true, ""},
	} {
		args := []string{"--mailgun-region", tc.region}
		if tc.production {
			args = append(productionArgs(), args...)
		}
		c, err := parseConfig(args)
		switch {
		case tc.want == "" && (err == nil || !strings.Contains(err.Error(), "TALLY_MAILGUN_REGION")):
			t.Errorf("region %q (production %v): %v, want an error naming TALLY_MAILGUN_REGION", tc.region, tc.production, err)
		case tc.want != "" && err != nil:
			t.Errorf("region %q (production %v): %v", tc.region, tc.production, err)
		case tc.want != "" && c.mailgun().APIBase != tc.want:
			t.Errorf("region %q: API base %q, want %q", tc.region, c.mailgun().APIBase, tc.want)
		}
	}
	_, err := parseConfig(append(productionArgs(), "--mailgun-region", "https://api.mailgun.net"))
	if err == nil || !strings.Contains(err.Error(), "https://api.mailgun.net/v3") {
		t.Errorf("a region without /v3: %v, want the error to show the URL with /v3", err)
	}
}

// A development server's sandboxes let anyone mark invoices paid: it
// listens on this machine unless told otherwise, and says so.
func TestConfigListenAddress(t *testing.T) {
	t.Setenv("TALLY_ADDR", "") // unset: the default
	for _, tc := range []struct {
		args      []string
		addr      string
		baseURL   string
		level     slog.Level
		sayInNote string
	}{
		{nil, "127.0.0.1:8080", "http://localhost:8080", slog.LevelInfo, "this machine only"},
		{[]string{"--addr", ":8080"}, ":8080", "http://localhost:8080", slog.LevelWarn, "mark invoices paid"},
		{[]string{"--addr", "0.0.0.0:9000"}, "0.0.0.0:9000", "http://localhost:9000", slog.LevelWarn, "reachable from the network"},
		{[]string{"--addr", "localhost:8080"}, "localhost:8080", "http://localhost:8080", slog.LevelInfo, "TALLY_ADDR"},
		{productionArgs(), ":8080", "https://billing.example.com", slog.LevelInfo, ""},
	} {
		c, err := parseConfig(tc.args)
		if err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		level, note := c.listenNotice()
		if c.Addr != tc.addr || c.BaseURL != tc.baseURL || level != tc.level || !strings.Contains(note, tc.sayInNote) || (tc.sayInNote == "") != (note == "") {
			t.Errorf("%q: addr %q, base URL %q, notice %v %q; want %q, %q, %v saying %q", tc.args, c.Addr, c.BaseURL, level, note, tc.addr, tc.baseURL, tc.level, tc.sayInNote)
		}
	}
	// An IPv6 listener: the default sender must still be an address.
	if c, err := parseConfig([]string{"--addr", "[::1]:8080"}); err != nil || c.MailFrom != "invoices@localhost" || c.BaseURL != "http://[::1]:8080" {
		t.Errorf("--addr [::1]:8080: %v, mail from %q, base URL %q; want it to start, with invoices@localhost", err, c.MailFrom, c.BaseURL)
	}
	t.Setenv("TALLY_ADDR", ":8080") // an explicit choice is honoured
	if c, err := parseConfig(nil); err != nil || c.Addr != ":8080" {
		t.Errorf("TALLY_ADDR=:8080: addr %q, %v", c.Addr, err)
	}
}
