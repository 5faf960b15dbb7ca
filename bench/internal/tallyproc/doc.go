// Package tallyproc runs the real tally binary for the command-line
// benchmarks (bench/load, bench/abuse): it builds ./server, gives it a fresh
// PostgreSQL database, and starts, stops and kills it as a child process.
package tallyproc
