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
