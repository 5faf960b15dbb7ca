package main

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// Garbage collector defaults for the server process.
//
// Tally's live heap is small (connection pools, caches, the GraphQL schema)
// while each API request allocates much short-lived memory, so with Go's
// default GOGC=100 the collector runs very often under load and takes a
// large share of the server's CPU (bench/README.md, TestInvoiceListThroughput,
// has the measurements). So the server starts with:
//
//   - GOGC=400: a collection starts when the heap reaches 5x the live heap
//     instead of 2x, so a quarter as many collections for a little more
//     memory at Tally's usual live heap;
//   - a soft memory limit (GOMEMLIMIT) of half the container's memory limit
//     (cgroup memory.max; the other half is left to Chromium, which prints
//     PDFs as child processes in the same container), or 1 GiB without one.
//     Below the limit the GOGC=400 pacing applies; near it the collector
//     runs more often rather than letting the heap grow, so a large live
//     heap (a big statement import) cannot take 5x its size.
//
// GOGC and GOMEMLIMIT in the environment override each default as for any
// Go program (GOMEMLIMIT=off for no limit, GOGC=100 for Go's default).
func init() { applyGCDefaults(os.Getenv, cgroupMemoryLimit) }

const (
	defaultGCPercent   = 400
	defaultMemoryLimit = 1 << 30
	// A cgroup "limit" at least this large means no limit (cgroup v1 writes
	// 2^63 rounded down to a page).
	unlimitedCgroup = 1 << 60
)

// gcDefaults returns the GC percent and memory limit to set, each -1 when
// the environment already sets it. cgroupLimit is the process's cgroup
// memory limit in bytes, 0 when there is none.
func gcDefaults(getenv func(string) string, cgroupLimit int64) (percent int, limit int64) {
	percent, limit = -1, -1
	if getenv("GOGC") == "" {
		percent = defaultGCPercent
	}
	if getenv("GOMEMLIMIT") == "" {
		limit = defaultMemoryLimit
		if cgroupLimit > 0 {
			limit = cgroupLimit / 2
		}
	}
	return percent, limit
}

func applyGCDefaults(getenv func(string) string, cgroupLimit func() int64) {
	percent, limit := gcDefaults(getenv, cgroupLimit())
	if percent >= 0 {
		debug.SetGCPercent(percent)
	}
	if limit >= 0 {
		debug.SetMemoryLimit(limit)
	}
}

// cgroupMemoryLimit is the memory limit of the process's cgroup (v2
// memory.max, else v1 memory.limit_in_bytes), or 0 when there is none or
// it cannot be read.
func cgroupMemoryLimit() int64 {
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil || n <= 0 || n >= unlimitedCgroup {
			return 0 // "max", or no real limit
		}
		return n
	}
	return 0
}
