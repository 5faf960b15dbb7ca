package infini

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// DocumentedBaseURLs are Infini's API hosts. A production server calls no
// other: a base URL is a merchant's input, and Tally sends signed requests
// to it on behalf of anonymous payers.
var DocumentedBaseURLs = []string{ProductionURL, SandboxURL}

// CheckBaseURL returns raw without a trailing slash, or why it cannot be
// used. allowed lists the accepted base URLs; nil accepts any https URL and
// http on loopback (development: the built-in sandbox and test servers).
func CheckBaseURL(raw string, allowed []string) (string, error) {
	base := strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("%q is not an absolute URL; use %s", raw, ProductionURL)
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", fmt.Errorf("the base URL takes no user, query or fragment; use %s", ProductionURL)
	}
	if allowed != nil {
		// Compared in canonical form: scheme and host are case-insensitive.
		canon := strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + u.EscapedPath()
		if i := slices.Index(allowed, canon); i >= 0 {
			return allowed[i], nil
		}
		return "", errors.New("use " + ProductionURL + ", or " + SandboxURL + " for Infini's sandbox; this server calls no other Infini host")
	}
	if u.Scheme != "https" && (u.Scheme != "http" || !isLoopback(u.Hostname())) {
		return "", fmt.Errorf("use %s or %s (http only for a sandbox on this machine)", ProductionURL, SandboxURL)
	}
	return base, nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
