// Package frontend holds the built merchant dashboard (a React single-page
// app) so the Go server can serve it from the binary.
//
// Dist is the contents of frontend/dist as produced by `npm run build` at the
// repository root. On a clean clone only dist/.keep exists, which keeps
// `go build` working before the dashboard has been built; the server then has
// no index.html to serve.
package frontend

import "embed"

// Dist is the built dashboard; paths are rooted at "dist/".
//
//go:embed all:dist
var Dist embed.FS
