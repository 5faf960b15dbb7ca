package static

import (
	"strconv"
	"strings"
)

// choose returns the index in variants (the file as it is first, then its
// compressed copies in order of preference) of the one to send for the
// Accept-Encoding header value accept, following RFC 9110 section 12.5.3:
//
//   - each listed coding has a weight, q=1 unless given; q=0 means "not this";
//   - "*" weighs every coding not listed by name;
//   - the file as it is ("identity") is acceptable unless excluded by
//     identity;q=0, or by *;q=0 without identity listed; when not listed it
//     comes after every coding the client did list;
//   - no header, or an empty one, asks for the file as it is.
//
// The heaviest acceptable variant wins; equal weights go to the earlier
// variant, except that identity yields to an encoding of the same weight
// (brotli and gzip are what browsers list, all at q=1). When nothing is
// acceptable the file is sent as it is, as the RFC advises, rather than 406.
func choose(accept string, variants []variant) int {
	weights := parseAcceptEncoding(accept)
	best, bestQ := 0, -1.0
	for i, v := range variants {
		q := weight(weights, v.encoding)
		if q > bestQ || (q == bestQ && v.encoding != "" && variants[best].encoding == "") {
			best, bestQ = i, q
		}
	}
	if bestQ <= 0 {
		return 0
	}
	return best
}

// unlistedIdentity weighs the file as it is when the header does not name
// it: acceptable, but below the lowest q-value a client can give (0.001).
const unlistedIdentity = 0.0001

// weight is the q-value accept gives to coding ("" for identity).
func weight(weights map[string]float64, coding string) float64 {
	if coding == "" {
		coding = "identity"
	}
	if q, ok := weights[coding]; ok {
		return q
	}
	if q, ok := weights["*"]; ok {
		return q
	}
	if coding == "identity" {
		return unlistedIdentity
	}
	return 0
}

// parseAcceptEncoding maps each coding named in an Accept-Encoding value
// (lower-cased; x-gzip counts as gzip) to its q-value. An entry with a
// malformed q-value is ignored, as if it were not there.
func parseAcceptEncoding(accept string) map[string]float64 {
	weights := map[string]float64{}
	for entry := range strings.SplitSeq(accept, ",") {
		coding, params, _ := strings.Cut(entry, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding == "" {
			continue
		}
		if coding == "x-gzip" {
			coding = "gzip"
		}
		q, ok := 1.0, true
		for param := range strings.SplitSeq(params, ";") {
			key, value, _ := strings.Cut(strings.TrimSpace(param), "=")
			if strings.EqualFold(strings.TrimSpace(key), "q") {
				q, ok = parseQ(strings.TrimSpace(value))
			}
		}
		if !ok {
			continue
		}
		if prev, seen := weights[coding]; !seen || q > prev {
			weights[coding] = q
		}
	}
	return weights
}

// parseQ reads a qvalue: 0 to 1 with at most three decimals.
func parseQ(s string) (float64, bool) {
	if s == "" || len(s) > 5 || (s[0] != '0' && s[0] != '1') {
		return 0, false
	}
	q, err := strconv.ParseFloat(s, 64)
	if err != nil || q < 0 || q > 1 {
		return 0, false
	}
	return q, true
}
