// Package tally is the root of the Tally module. `go generate .` (or
// `make generate`) regenerates ent first, then gqlgen, in that order.
package tally

//go:generate go run -mod=mod ./ent/entc.go
//go:generate go run -mod=mod ./graph/gqlgen.go
