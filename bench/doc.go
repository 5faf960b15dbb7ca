// Package bench measures Tally's API against a plain baseline served in the
// same run, and reports the ratio. Its tests are skipped unless TALLY_BENCH=1;
// `make bench` runs them. README.md says what each one measures.
package bench
