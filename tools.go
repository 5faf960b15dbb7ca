//go:build tools

// Tools the Makefile runs with `go run`, pinned in go.mod.
package tally

import (
	_ "github.com/99designs/gqlgen"
	_ "gotest.tools/gotestsum"
)
