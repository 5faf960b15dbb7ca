package main

import (
	"net/http"
)

// Content-Security-Policies. Every response gets apiPolicy unless its
// handler sets its own: JSON and webhooks need nothing from a browser. The
// payment page (internal/checkout) and PDFs (internal/document/pdfhttp)
// set theirs in their handlers.
const (
	apiPolicy = "default-src 'none'; frame-ancestors 'none'"
	// dashboardPolicy: the React bundle is served from here; Mantine sets
	// inline style attributes; invoice PDFs are shown from blob: URLs and
	// emails in srcdoc frames; live updates use a websocket to /query.
	dashboardPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; " +
		"frame-src 'self' blob:; object-src 'self' blob:; worker-src 'self' blob:; " +
		"frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
	// sandboxPolicy is for the development-only Infini sandbox pages.
	sandboxPolicy = "default-src 'self' 'unsafe-inline' data:; frame-ancestors 'none'"
)

// securityHeaders sets what every response carries; handlers that serve
// HTML replace the Content-Security-Policy with their own.
func securityHeaders(production bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Content-Security-Policy", apiPolicy)
		if production {
			// Production is https only (config refuses an http base URL).
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// withPolicy serves next under its own Content-Security-Policy.
func withPolicy(policy string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", policy)
		next.ServeHTTP(w, r)
	})
}
