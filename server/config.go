package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"strings"

	"github.com/mailgun/mailgun-go/v4"

	mailcfg "github.com/tally-invoicing/tally/internal/mail"
	"github.com/tally-invoicing/tally/internal/outbound"
	"github.com/tally-invoicing/tally/internal/ratelimit"
)

// config is everything Tally reads at start-up. Each setting is an
// environment variable and a flag; the flag wins.
type config struct {
	Addr        string
	DataDir     string
	DatabaseURL string
	BaseURL     string
	Env         string
	// Mail: Mailgun when an API key and domain are given, else the dev mailbox.
	MailFrom          string
	MailgunAPIKey     string
	MailgunDomain     string
	MailgunRegion     string
	MailgunSigningKey string
	// CryptoWebhookSecrets verify /webhooks/crypto (comma-separated: several
	// during a rotation).
	CryptoWebhookSecrets string
	// TrustedProxies: comma-separated CIDRs of the reverse proxies whose
	// X-Forwarded-For names the client (for per-IP rate limits).
	TrustedProxies string
	// RateLimits is on or off (benchmarks only; refused in production).
	RateLimits string

	// trustedProxies is TrustedProxies parsed by validate.
	trustedProxies []netip.Prefix
	// limits replaces ratelimit.Defaults when set (tests use small or
	// generous rules); RateLimits=off still turns every limit off.
	limits *ratelimit.Rules
	// bodies replaces defaultBodyTimeouts when set (tests use short ones).
	bodies *bodyTimeouts
}

// bodyTimeouts are the read deadlines for request bodies.
func (c config) bodyTimeouts() bodyTimeouts {
	if c.bodies != nil {
		return *c.bodies
	}
	return defaultBodyTimeouts()
}

// rateRules are the limits to enforce: none with --rate-limits=off, else
// ratelimit.Defaults (or what a test put in limits).
func (c config) rateRules() ratelimit.Rules {
	switch {
	case c.RateLimits == "off":
		return ratelimit.Rules{}
	case c.limits != nil:
		return *c.limits
	}
	return ratelimit.Defaults()
}

// sandbox reports whether the built-in payment sandboxes (Infini, chain
// transfers) are served: in development only, never in production.
func (c config) sandbox() bool { return !c.production() }

func (c config) cryptoWebhookSecrets() []string {
	var out []string
	for _, s := range strings.Split(c.CryptoWebhookSecrets, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (c config) production() bool { return c.Env == "production" }

// setting documents one configuration value for --help.
type setting struct {
	flag, env, def, usage string
	dst                   *string
}

func parseConfig(args []string) (config, error) {
	var c config
	settings := []setting{
		{"addr", "TALLY_ADDR", "", "address to listen on, host:port (default: 127.0.0.1:8080 in development, this machine only; :8080 in production)", &c.Addr},
		{"data-dir", "TALLY_DATA_DIR", "./data", "directory for the SQLite database and other local files", &c.DataDir},
		{"database-url", "DATABASE_URL", "", "postgres://user@host:5432/db for PostgreSQL; empty for SQLite in the data dir", &c.DatabaseURL},
		{"base-url", "TALLY_BASE_URL", "", "public URL used in links and emails (default: http://localhost:<port>)", &c.BaseURL},
		{"env", "TALLY_ENV", "development", "development or production", &c.Env},
		{"mail-from", "TALLY_MAIL_FROM", "", "sending address, e.g. invoices@mg.example.com (default: invoices@<base-url host>)", &c.MailFrom},
		{"mailgun-api-key", "TALLY_MAILGUN_API_KEY", "", "Mailgun private API key; empty = dev mailbox, nothing is sent", &c.MailgunAPIKey},
		{"mailgun-domain", "TALLY_MAILGUN_DOMAIN", "", "Mailgun sending domain, e.g. mg.example.com", &c.MailgunDomain},
		{"mailgun-region", "TALLY_MAILGUN_REGION", "us", "us or eu (which Mailgun API), or an https:// API base URL ending in /v3", &c.MailgunRegion},
		{"mailgun-webhook-signing-key", "TALLY_MAILGUN_WEBHOOK_SIGNING_KEY", "", "verifies Mailgun's delivery webhooks at /webhooks/mailgun", &c.MailgunSigningKey},
		{"crypto-webhook-secrets", "TALLY_CRYPTO_WEBHOOK_SECRETS", "", "comma-separated secrets a chain watcher signs /webhooks/crypto with (Tally-Signature)", &c.CryptoWebhookSecrets},
		{"trusted-proxies", "TALLY_TRUSTED_PROXIES", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For gives the client address, e.g. 10.0.0.0/8; empty = trust none", &c.TrustedProxies},
		{"rate-limits", "TALLY_RATE_LIMITS", "on", "on, or off for benchmarks only (refused in production); limits are per process", &c.RateLimits},
	}
	fs := flag.NewFlagSet("tally", flag.ContinueOnError)
	fs.Usage = func() {
		// Help goes to stderr; a failed write there has nowhere to be told.
		_, _ = fmt.Fprintf(fs.Output(), "tally serves the Tally invoicing API and dashboard.\n\nUsage: tally [flags]\n\nEvery flag can also be set by its environment variable:\n\n")
		for _, s := range settings {
			def := s.def
			if def == "" {
				def = `""`
			}
			_, _ = fmt.Fprintf(fs.Output(), "  --%-14s %-16s %s (default %s)\n", s.flag, s.env, s.usage, def)
		}
	}
	for _, s := range settings {
		def := s.def
		if v, ok := os.LookupEnv(s.env); ok {
			def = v
		}
		fs.StringVar(s.dst, s.flag, def, s.usage)
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q; settings are flags like --addr=:8080", fs.Arg(0))
	}
	return c, c.validate()
}

func (c *config) validate() error {
	switch c.Env {
	case "development", "production":
	default:
		return fmt.Errorf("TALLY_ENV (--env) is %q; use development or production", c.Env)
	}
	// A development server's sandboxes let anyone mark invoices paid, so
	// it listens on this machine unless told otherwise.
	defaultAddr := c.Addr == ""
	if defaultAddr {
		c.Addr = "127.0.0.1:8080"
		if c.production() {
			c.Addr = ":8080"
		}
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || port == "" {
		return fmt.Errorf("TALLY_ADDR (--addr) is %q; use host:port, e.g. :8080 or 127.0.0.1:8080", c.Addr)
	}
	if c.DatabaseURL != "" && !strings.Contains(c.DatabaseURL, "://") && !strings.HasPrefix(c.DatabaseURL, "sqlite:") {
		return fmt.Errorf("DATABASE_URL (--database-url) must be a URL such as postgres://user@host:5432/tally")
	}
	if c.BaseURL == "" {
		if c.production() {
			return errors.New("TALLY_BASE_URL (--base-url) is required in production: the public https URL customers open from emails")
		}
		if host == "" || host == "0.0.0.0" || host == "::" || defaultAddr {
			host = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("TALLY_BASE_URL (--base-url) is %q; use an absolute URL such as https://billing.example.com", c.BaseURL)
	}
	if c.production() && u.Scheme != "https" {
		return fmt.Errorf("TALLY_BASE_URL (--base-url) must use https in production, got %q", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if (c.MailgunAPIKey == "") != (c.MailgunDomain == "") {
		return errors.New("TALLY_MAILGUN_API_KEY and TALLY_MAILGUN_DOMAIN go together: give both to send with Mailgun, or neither for the dev mailbox")
	}
	if err := c.checkMailgunRegion(); err != nil {
		return fmt.Errorf("TALLY_MAILGUN_REGION (--mailgun-region) is %q; %w", c.MailgunRegion, err)
	}
	if c.MailFrom == "" {
		host := u.Hostname()
		if net.ParseIP(host) != nil {
			// An address such as invoices@::1 does not parse; with no
			// Mailgun domain this is the dev mailbox, which sends nothing.
			host = "localhost"
		}
		c.MailFrom = "invoices@" + host
		if c.MailgunDomain != "" {
			c.MailFrom = "invoices@" + c.MailgunDomain
		}
	}
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		return fmt.Errorf("TALLY_MAIL_FROM (--mail-from) is %q; use an address such as invoices@mg.example.com", c.MailFrom)
	}
	if c.trustedProxies, err = ratelimit.ParsePrefixes(c.TrustedProxies); err != nil {
		return fmt.Errorf("TALLY_TRUSTED_PROXIES (--trusted-proxies): %w", err)
	}
	if c.production() {
		if err := c.productionSecrets(); err != nil {
			return err
		}
	}
	switch c.RateLimits {
	case "", "on":
		c.RateLimits = "on"
	case "off":
		if c.production() {
			return errors.New("TALLY_RATE_LIMITS (--rate-limits) is off, which is for benchmarks only and refused in production: it would leave sign-in open to password guessing")
		}
	default:
		return fmt.Errorf("TALLY_RATE_LIMITS (--rate-limits) is %q; use on or off (off is for benchmarks only)", c.RateLimits)
	}
	return nil
}

// checkMailgunRegion accepts us, eu, or an API base URL as mailgun-go wants
// it: ending in /v3, the API version every send path is appended to. A URL
// without it would start fine and then fail every email.
func (c *config) checkMailgunRegion() error {
	c.MailgunRegion = strings.TrimSpace(c.MailgunRegion)
	switch strings.ToLower(c.MailgunRegion) {
	case "":
		c.MailgunRegion = "us"
		return nil
	case "us", "eu":
		return nil
	}
	c.MailgunRegion = strings.TrimRight(c.MailgunRegion, "/")
	u, err := url.Parse(c.MailgunRegion)
	if err != nil || u.Host == "" || !(u.Scheme == "https" || u.Scheme == "http" && !c.production() && isLoopbackHost(u.Hostname())) {
		return errors.New("use us, eu, or an https:// API base URL such as https://api.mailgun.net/v3")
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return errors.New("the API base URL takes no user, query or fragment, e.g. https://api.mailgun.net/v3")
	}
	if !strings.HasSuffix(u.Path, "/v3") {
		return fmt.Errorf("a Mailgun API base URL ends in /v3, e.g. %s/v3 (or use us or eu)", strings.TrimSuffix(c.MailgunRegion, u.EscapedPath()))
	}
	if err := c.outboundPolicy().CheckHost(u.Hostname()); err != nil {
		return fmt.Errorf("production calls no loopback or private address: %w", err)
	}
	return nil
}

func isLoopbackHost(host string) bool {
	a, err := netip.ParseAddr(host)
	return host == "localhost" || (err == nil && a.IsLoopback())
}

// outboundPolicy is where Tally's own calls may go: development may reach
// loopback and private networks (the Infini sandbox is Tally itself, test
// servers listen on 127.0.0.1); production only the public internet.
func (c config) outboundPolicy() outbound.Policy {
	return outbound.Policy{AllowPrivate: !c.production()}
}

// listenNotice says at start-up who can reach the server, and how to change
// it. A development server reachable from the network is a warning: its
// sandboxes let anyone mark invoices paid.
func (c config) listenNotice() (slog.Level, string) {
	if c.production() {
		return slog.LevelInfo, ""
	}
	host, _, _ := net.SplitHostPort(c.Addr)
	if isLoopbackHost(host) {
		return slog.LevelInfo, "development server: listening on this machine only; set TALLY_ADDR (--addr), e.g. 0.0.0.0:8080, to listen elsewhere"
	}
	return slog.LevelWarn, "development server reachable from the network at TALLY_ADDR " + c.Addr + ": its payment sandboxes let anyone who can reach it mark invoices paid; use TALLY_ADDR=127.0.0.1:8080 unless that is intended"
}

// productionSecrets refuses to run a production server that would silently
// fall back to development behaviour: emails to the dev mailbox, delivery
// webhooks or chain transfers that cannot be verified.
func (c config) productionSecrets() error {
	var missing []string
	for _, s := range []struct{ name, value string }{
		{"TALLY_MAILGUN_API_KEY", c.MailgunAPIKey},
		{"TALLY_MAILGUN_DOMAIN", c.MailgunDomain},
		{"TALLY_MAILGUN_WEBHOOK_SIGNING_KEY", c.MailgunSigningKey},
		{"TALLY_CRYPTO_WEBHOOK_SECRETS", strings.Join(c.cryptoWebhookSecrets(), "")},
	} {
		if s.value == "" {
			missing = append(missing, s.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("production needs its secrets; set %s (emails are sent with Mailgun, and its delivery webhooks and chain transfers are verified with these)", strings.Join(missing, ", "))
	}
	for _, s := range c.cryptoWebhookSecrets() {
		if len(s) < 32 {
			return errors.New("TALLY_CRYPTO_WEBHOOK_SECRETS: each secret must be at least 32 characters in production (e.g. openssl rand -hex 32)")
		}
	}
	return nil
}

// mailgun returns the Mailgun settings, with the region turned into an API base.
func (c config) mailgun() mailcfg.MailgunConfig {
	base := mailgun.APIBaseUS
	switch r := strings.ToLower(c.MailgunRegion); {
	case r == "eu":
		base = mailgun.APIBaseEU
	case strings.HasPrefix(r, "http"):
		base = c.MailgunRegion
	}
	return mailcfg.MailgunConfig{APIKey: c.MailgunAPIKey, Domain: c.MailgunDomain, APIBase: base, WebhookSigningKey: c.MailgunSigningKey}
}
