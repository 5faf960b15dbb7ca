package bench

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

var (
	concurrency = flag.Int("concurrency", 8, "requests in flight per side")
	rounds      = flag.Int("rounds", 9, "timed rounds per side, alternating the sides")
	roundTime   = flag.Duration("duration", 3*time.Second, "length of one timed round")
	warmupTime  = flag.Duration("warmup", time.Second, "untimed load per side before the rounds")
	goal        = flag.Float64("goal", 0.6, "GraphQL/SQL ratio to aim for; shown in the report, never enforced")
	profilePath = flag.String("server-cpuprofile", "", "write a CPU profile of the Tally server during the first GraphQL round to this file")
)

const (
	benchCustomers = 20
	benchInvoices  = 200
	pageSize       = 50
)

// invoiceListQuery is what the dashboard's invoice list asks for.
const invoiceListQuery = `{ invoices(first: 50) { totalCount edges { node { id number reference status total amountDue dueDate issuedAt customer { id name email } items { name quantity unitPrice amount } } } } }`

// TestInvoiceListThroughput compares the requests per second of
// `invoices(first: 50)` through Tally's GraphQL endpoint with the same rows
// read by plain SQL and encoded with encoding/json, in the same run, and
// reports their ratio. See README.md.
func TestInvoiceListThroughput(t *testing.T) {
	if os.Getenv("TALLY_BENCH") != "1" {
		t.Skip("set TALLY_BENCH=1 (or run `make bench`) to run the benchmark")
	}
	databaseURL := freshSchema(t)
	var pprofAddr string
	if *profilePath != "" {
		pprofAddr = freeAddr(t)
	}
	tallyURL, tallyPID := startTally(t, databaseURL, pprofAddr)

	client := &http.Client{Transport: &http.Transport{
		MaxIdleConns:        4 * *concurrency,
		MaxIdleConnsPerHost: 2 * *concurrency,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}}
	t.Cleanup(client.CloseIdleConnections)

	seeded := time.Now()
	s := seedMerchant(t, &gqlClient{http: client, url: tallyURL + "/query"}, benchCustomers, benchInvoices)
	t.Logf("seeded %d customers and %d issued invoices through the API in %s", benchCustomers, benchInvoices, time.Since(seeded).Round(time.Millisecond))

	base, err := newBaseline(databaseURL, s.merchantID)
	if err != nil {
		t.Fatal(err)
	}
	baseURL := serve(t, base)
	t.Cleanup(func() { _ = base.db.Close() })

	body, _ := json.Marshal(map[string]string{"query": invoiceListQuery})
	header := http.Header{
		"Content-Type":  {"application/json"},
		"Authorization": {"Bearer " + s.token},
	}
	// Both sides get the identical request; the baseline ignores it.
	graphQL := target{name: "GraphQL (Tally)", url: tallyURL + "/query", header: header, body: body, checker: checkPage}
	plain := target{name: "plain SQL + JSON", url: baseURL, header: header, body: body, checker: checkPage}

	sameResponses(t, client, graphQL, plain)

	for _, tg := range []target{graphQL, plain} {
		if r := hammer(client, tg, *concurrency, *warmupTime); r.errors > 0 {
			t.Fatalf("warm-up: %d of %d requests failed, first: %v", r.errors, r.requests, r.firstErr)
		}
	}
	// Alternate the sides, and which goes first, so that drift on the
	// machine (other processes, autovacuum, thermal) hits both alike.
	var a, b sideStats
	runGraphQL := func(round int) {
		if round > 0 || pprofAddr == "" {
			a.round(client, graphQL, *concurrency, *roundTime, tallyPID)
			return
		}
		profiled := make(chan error, 1)
		go func() { profiled <- cpuProfile(pprofAddr, *roundTime, *profilePath) }()
		a.round(client, graphQL, *concurrency, *roundTime, tallyPID)
		if err := <-profiled; err != nil {
			t.Errorf("server CPU profile: %v", err)
		} else {
			t.Logf("wrote the server's CPU profile to %s; see it with: go tool pprof -top %s", *profilePath, *profilePath)
		}
	}
	for round := range *rounds {
		if round%2 == 0 {
			runGraphQL(round)
			b.round(client, plain, *concurrency, *roundTime, tallyPID)
		} else {
			b.round(client, plain, *concurrency, *roundTime, tallyPID)
			runGraphQL(round)
		}
	}

	t.Log("\n" + report(graphQL, plain, &a, &b))
	for _, side := range []struct {
		tg target
		s  *sideStats
	}{{graphQL, &a}, {plain, &b}} {
		if side.s.errors > 0 {
			t.Errorf("%s: %d of %d requests failed, first: %v", side.tg.name, side.s.errors, side.s.requests, side.s.firstErr)
		}
	}
}

func report(graphQL, plain target, a, b *sideStats) string {
	var w strings.Builder
	fmt.Fprintf(&w, "invoices(first: %d), concurrency %d, %d rounds x %s, PostgreSQL\n", pageSize, *concurrency, *rounds, *roundTime)
	fmt.Fprintf(&w, "%-20s %9s %9s %9s %9s\n", "", "req/s", "p50", "p99", "requests")
	for _, side := range []struct {
		name string
		s    *sideStats
	}{{graphQL.name, a}, {plain.name, b}} {
		fmt.Fprintf(&w, "%-20s %9.1f %9s %9s %9d\n", side.name, side.s.medianPerSecond(),
			ms(side.s.percentile(0.50)), ms(side.s.percentile(0.99)), side.s.requests)
	}
	ratio := pairedRatio(a, b)
	verdict := "met"
	if ratio < *goal {
		verdict = "NOT met"
	}
	fmt.Fprintf(&w, "%-20s %9.2f  (median of the rounds' ratios; goal >= %.2f: %s)\n", "ratio GraphQL/SQL", ratio, *goal, verdict)
	fmt.Fprintf(&w, "rounds req/s: GraphQL %s; SQL %s\n", rates(a.perSecond), rates(b.perSecond))
	fmt.Fprintf(&w, "rounds' ratios: %s", ratios(a.perSecond, b.perSecond))
	if a.hasCPU() && b.hasCPU() {
		fmt.Fprintf(&w, "\n%-20s %13s %13s %16s", "CPU per request", "Tally server", "test process", "rest of machine")
		for _, side := range []struct {
			name string
			s    *sideStats
		}{{graphQL.name, a}, {plain.name, b}} {
			server, self, rest := side.s.cpuPerRequest()
			fmt.Fprintf(&w, "\n%-20s %13s %13s %16s", side.name, ms2(server), ms2(self), ms2(rest))
		}
	}
	return w.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }

func ms2(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func ratios(a, b []float64) string {
	s := make([]string, min(len(a), len(b)))
	for i := range s {
		s[i] = fmt.Sprintf("%.2f", a[i]/b[i])
	}
	return strings.Join(s, " ")
}

func rates(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%.0f", x)
	}
	return strings.Join(s, " ")
}

// serve runs h on a free loopback port until t ends and returns its URL.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

var (
	nodeKey   = []byte(`"node":`)
	errorsKey = []byte(`"errors":`)
)

// checkPage is the per-request check under load: status 200, no GraphQL
// errors, and a full page. It counts edges in the raw body rather than
// decoding it, because the load generator shares the machine's two cores
// with both servers: a full decode per response would add the same cost to
// both sides and pull the ratio towards 1. sameResponses decodes and
// compares the bodies in full once, before the load.
func checkPage(status int, body []byte) error {
	if status != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", status, body)
	}
	if bytes.Contains(body, errorsKey) {
		return fmt.Errorf("errors in response: %.300s", body)
	}
	if n := bytes.Count(body, nodeKey); n != pageSize {
		return fmt.Errorf("got %d edges, want %d", n, pageSize)
	}
	return nil
}

// sameResponses fails the run unless both sides answer with the same data,
// so the baseline cannot get faster by reading less.
func sameResponses(t *testing.T, client *http.Client, sides ...target) {
	t.Helper()
	var first any
	for i, tg := range sides {
		var buf bytes.Buffer
		if err := roundTrip(t.Context(), client, tg, &buf); err != nil {
			t.Fatal(err)
		}
		var v struct {
			Data   any `json:"data"`
			Errors any `json:"errors"`
		}
		if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", tg.name, err)
		}
		if v.Errors != nil || v.Data == nil {
			t.Fatalf("%s: %.500s", tg.name, buf.Bytes())
		}
		if i == 0 {
			first = v.Data
			continue
		}
		if !reflect.DeepEqual(first, v.Data) {
			t.Fatal(describeDiff(sides[0].name, first, tg.name, v.Data))
		}
	}
}

func describeDiff(nameA string, a any, nameB string, b any) string {
	ja, _ := json.MarshalIndent(a, "", " ")
	jb, _ := json.MarshalIndent(b, "", " ")
	la, lb := strings.Split(string(ja), "\n"), strings.Split(string(jb), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("responses differ at line %d:\n  %s: %s\n  %s: %s", i+1, nameA, la[i], nameB, lb[i])
		}
	}
	return fmt.Sprintf("responses differ in length: %s %d lines, %s %d lines", nameA, len(la), nameB, len(lb))
}
