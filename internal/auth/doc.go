// Package auth signs merchants up and in, issues session tokens and API keys,
// and turns a request's bearer token or cookie into the tenant.Viewer that
// every other package acts as.
package auth
