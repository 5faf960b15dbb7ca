package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

var (
	fanoutSubscribers = flag.Int("fanout-subscribers", 1000, "websocket subscribers per side")
	fanoutEvents      = flag.Int("fanout-events", 30, "status changes timed per side and round")
	fanoutRounds      = flag.Int("fanout-rounds", 2, "rounds per side, alternating which side goes first")
)

const (
	// The goals: the dashboard shows a payment within 200 ms for
	// 99% of open screens, and a second process at most doubles that.
	fanoutGoalP99   = 200 * time.Millisecond
	fanoutGoalRatio = 2.0

	// fanoutWarmups bounds the untimed changes a side makes before timing:
	// at least two, and then until one reached every subscriber, which is
	// the only sign that every subscription has started.
	fanoutWarmups = 8
	// fanoutWait is how long one change may take to reach every subscriber
	// before the missing ones are counted as lost.
	fanoutWait = 10 * time.Second
)

// fanoutSubscription is the dashboard's list screen's subscription, trimmed
// to what the run reads.
const fanoutSubscription = `subscription { invoiceStatusChanged { invoice { id } to version } }`

// TestSubscriberFanout measures how long an invoice status change takes to
// reach 1,000 open websocket subscriptions of one merchant, all on one tally
// process, and split over two processes on the same PostgreSQL, and reports
// the two-process/one-process ratio. See README.md.
func TestSubscriberFanout(t *testing.T) {
	if os.Getenv("TALLY_BENCH") != "1" {
		t.Skip("set TALLY_BENCH=1 to run the benchmark")
	}
	n := *fanoutSubscribers
	raiseOpenFiles(t, uint64(n+1024)) //nolint:gosec // G115: a count of subscribers, never negative
	load0 := loadAverage()

	databaseURL := freshSchema(t)
	url1, pid1 := startTally(t, databaseURL, "")
	url2, pid2 := startTally(t, databaseURL, "")
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true}}
	t.Cleanup(client.CloseIdleConnections)
	api := &gqlClient{http: client, url: url1 + "/query"}

	seeded := time.Now()
	perSide := *fanoutEvents + fanoutWarmups
	s := seedMerchant(t, api, 1, 2**fanoutRounds*perSide)
	pool := openInvoiceIDs(t, api)
	t.Logf("seeded %d issued invoices through the API in %s", len(pool), time.Since(seeded).Round(time.Millisecond))

	sides := []*fanoutSide{
		{name: fmt.Sprintf("one process (%d)", n), urls: []string{url1}, pids: []int{pid1, pid2}},
		{name: fmt.Sprintf("two processes (%d + %d)", n-n/2, n/2), urls: []string{url1, url2}, pids: []int{pid1, pid2}},
	}
	for round := range *fanoutRounds {
		// Alternate which side goes first, so drift in the machine's load
		// hits both alike.
		order := sides
		if round%2 == 1 {
			order = []*fanoutSide{sides[1], sides[0]}
		}
		for _, side := range order {
			side.round(t, api, s.token, n, pool[:perSide])
			pool = pool[perSide:]
		}
	}

	one, two := sides[0], sides[1]
	ratio := float64(pdfQuantile(two.deliveries, 0.99)) / float64(pdfQuantile(one.deliveries, 0.99))
	t.Log("\n" + fanoutReport(n, load0, one, two, ratio))

	for _, side := range sides {
		if side.lost > 0 {
			t.Errorf("%s: %d deliveries never arrived within %s", side.name, side.lost, fanoutWait)
		}
	}
	if p99 := pdfQuantile(one.deliveries, 0.99); p99 > fanoutGoalP99 {
		t.Errorf("one process: p99 %s, goal <= %s", ms(p99), ms(fanoutGoalP99))
	}
	if ratio > fanoutGoalRatio {
		t.Errorf("two processes: p99 %.2f x one process's, goal <= %.1f", ratio, fanoutGoalRatio)
	}
}

// fanoutSide is one arrangement of the subscribers, summed over its rounds.
type fanoutSide struct {
	name string
	urls []string // subscribers are split evenly over these; changes go to the first
	pids []int    // every tally process, for CPU

	deliveries []time.Duration // every subscriber's latency for every change
	last       []time.Duration // per change, the last subscriber's
	mutations  []time.Duration // markInvoicePaid round trips
	lost       int             // deliveries that never came
	events     int
	cpu        fanoutCPU // over the timed changes only
}

// round connects n subscribers, pays the first fanoutWarmups invoices (or
// fewer) untimed and the next fanoutEvents timed, and records the timed ones.
func (side *fanoutSide) round(t *testing.T, api *gqlClient, token string, n int, invoices []string) {
	t.Helper()
	warm, events := invoices[:fanoutWarmups], invoices[fanoutWarmups:fanoutWarmups+*fanoutEvents]
	f := &fanout{}
	subs := connectSubscribers(t, side.urls, token, n, f)
	defer closeSubscribers(subs)

	// Warm up, and wait for every subscription to be live: the protocol
	// does not acknowledge a subscribe.
	for k, id := range warm {
		ev := f.expect(id, n)
		if err := markPaid(api, id); err != nil {
			t.Fatalf("%s: warm-up markInvoicePaid: %v", side.name, err)
		}
		select {
		case <-ev.done:
		case <-time.After(3 * time.Second):
		}
		if k >= 1 && ev.got.Load() == int64(n) {
			break
		}
		if k == len(warm)-1 {
			t.Fatalf("%s: %d warm-up changes and still only %d of %d subscribers heard the last one", side.name, len(warm), ev.got.Load(), n)
		}
	}
	f.expect("", 0)
	time.Sleep(200 * time.Millisecond) // let the last warm-up's stragglers land

	t0s := make([]time.Time, len(events))
	cpu0 := readFanoutCPU(side.pids)
	for i, id := range events {
		ev := f.expect(id, n)
		sent := time.Now()
		if err := markPaid(api, id); err != nil {
			t.Fatalf("%s: markInvoicePaid: %v", side.name, err)
		}
		t0s[i] = time.Now() // the response has been read in full
		side.mutations = append(side.mutations, t0s[i].Sub(sent))
		select {
		case <-ev.done:
		case <-time.After(fanoutWait):
		}
		// A pause between changes, so one's tail does not queue the next.
		time.Sleep(50 * time.Millisecond)
	}
	side.cpu = side.cpu.add(readFanoutCPU(side.pids).sub(cpu0))
	side.events += len(events)
	f.expect("", 0)
	closeSubscribers(subs)

	for i, id := range events {
		var last time.Duration
		got := 0
		for _, s := range subs {
			at, ok := s.arrival(id)
			if !ok {
				continue
			}
			got++
			d := at.Sub(t0s[i])
			side.deliveries = append(side.deliveries, d)
			last = max(last, d)
		}
		side.lost += n - got
		side.last = append(side.last, last)
	}
}

// fanout tells the subscribers' readers which change is being timed, so the
// run knows when every subscriber has it.
type fanout struct {
	current atomic.Pointer[fanoutEvent]
}

type fanoutEvent struct {
	invoiceID string
	want      int64
	got       atomic.Int64
	done      chan struct{} // closed when got reaches want
}

// expect makes invoiceID's change the one counted, until the next expect.
func (f *fanout) expect(invoiceID string, want int) *fanoutEvent {
	ev := &fanoutEvent{invoiceID: invoiceID, want: int64(want), done: make(chan struct{})}
	f.current.Store(ev)
	return ev
}

// heard counts one subscriber's delivery of invoiceID.
func (f *fanout) heard(invoiceID []byte) {
	ev := f.current.Load()
	if ev != nil && ev.want > 0 && string(invoiceID) == ev.invoiceID && ev.got.Add(1) == ev.want {
		close(ev.done)
	}
}

// subscriber is one websocket with one subscription. Its goroutine reads
// every message, timestamps it on receipt and keeps it; decoding waits until
// the run is over.
type subscriber struct {
	conn     *websocket.Conn
	done     chan struct{}
	received []receipt // written by the reader only; read after done
	ids      map[string]time.Time
}

type receipt struct {
	at   time.Time
	data []byte
}

var (
	nextType = []byte(`"type":"next"`)
	idField  = []byte(`"invoice":{"id":"`)
)

func (s *subscriber) read(f *fanout) {
	defer close(s.done)
	for {
		_, data, err := s.conn.Read(context.Background())
		at := time.Now()
		if err != nil {
			return // closed by the run, or by the server: counted as lost
		}
		if !bytes.Contains(data, nextType) {
			continue
		}
		s.received = append(s.received, receipt{at, data})
		if i := bytes.Index(data, idField); i >= 0 {
			id := data[i+len(idField):]
			if j := bytes.IndexByte(id, '"'); j >= 0 {
				f.heard(id[:j])
			}
		}
	}
}

// arrival is when the subscriber received invoiceID's change to PAID.
func (s *subscriber) arrival(invoiceID string) (time.Time, bool) {
	if s.ids == nil {
		s.ids = make(map[string]time.Time, len(s.received))
		for _, r := range s.received {
			var m struct {
				Payload struct {
					Data struct {
						InvoiceStatusChanged struct {
							Invoice struct{ ID string }
							To      string
						}
					}
				}
			}
			if json.Unmarshal(r.data, &m) == nil && m.Payload.Data.InvoiceStatusChanged.To == "PAID" {
				s.ids[m.Payload.Data.InvoiceStatusChanged.Invoice.ID] = r.at
			}
		}
	}
	at, ok := s.ids[invoiceID]
	return at, ok
}

// connectSubscribers opens n sockets, split evenly over urls in order, each
// authenticated in connection_init and subscribed without a filter.
func connectSubscribers(t *testing.T, urls []string, token string, n int, f *fanout) []*subscriber {
	t.Helper()
	subs := make([]*subscriber, n)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	next := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range next {
				s, err := subscribe(urls[i*len(urls)/n], token)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("subscriber %d: %w", i, err)
					}
					mu.Unlock()
					continue
				}
				subs[i] = s
				go s.read(f)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		closeSubscribers(subs)
		t.Fatal(firstErr)
	}
	return subs
}

func subscribe(base, token string) (*subscriber, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/query",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, err
	}
	send := func(v any) error {
		b, _ := json.Marshal(v)
		return conn.Write(ctx, websocket.MessageText, b)
	}
	if err := send(map[string]any{"type": "connection_init", "payload": map[string]string{"token": token}}); err != nil {
		_ = conn.CloseNow()
		return nil, err
	}
	_, ack, err := conn.Read(ctx)
	if err != nil {
		_ = conn.CloseNow()
		return nil, fmt.Errorf("connection_init: %w", err)
	}
	if !bytes.Contains(ack, []byte(`"connection_ack"`)) {
		_ = conn.CloseNow()
		return nil, fmt.Errorf("connection_init: got %s", ack)
	}
	if err := send(map[string]any{"type": "subscribe", "id": "1", "payload": map[string]string{"query": fanoutSubscription}}); err != nil {
		_ = conn.CloseNow()
		return nil, err
	}
	return &subscriber{conn: conn, done: make(chan struct{})}, nil
}

// closeSubscribers closes every socket and waits for its reader.
func closeSubscribers(subs []*subscriber) {
	for _, s := range subs {
		if s != nil {
			_ = s.conn.CloseNow()
		}
	}
	for _, s := range subs {
		if s != nil {
			<-s.done
		}
	}
}

// markPaid records the amount due of invoice id as a bank transfer.
func markPaid(api *gqlClient, id string) error {
	var out struct{ MarkInvoicePaid struct{ Status string } }
	err := api.do(context.Background(), `mutation($id: ID!) { markInvoicePaid(id: $id, input: {channel: BANK_TRANSFER}) { status } }`,
		map[string]any{"id": id}, &out)
	if err == nil && out.MarkInvoicePaid.Status != "PAID" {
		err = fmt.Errorf("invoice %s is %s after markInvoicePaid, want PAID", id, out.MarkInvoicePaid.Status)
	}
	return err
}

// openInvoiceIDs lists the merchant's OPEN invoices.
func openInvoiceIDs(t *testing.T, api *gqlClient) []string {
	t.Helper()
	var ids []string
	var after any
	for {
		var out struct {
			Invoices struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
				Edges []struct{ Node struct{ ID string } }
			}
		}
		err := api.do(context.Background(), `query($after: Cursor) { invoices(first: 100, after: $after, where: {status: OPEN}) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
			map[string]any{"after": after}, &out)
		if err != nil {
			t.Fatalf("invoices: %v", err)
		}
		for _, e := range out.Invoices.Edges {
			ids = append(ids, e.Node.ID)
		}
		if !out.Invoices.PageInfo.HasNextPage {
			return ids
		}
		after = out.Invoices.PageInfo.EndCursor
	}
}

// raiseOpenFiles lifts this process's open-file limit to at least need, up
// to the hard limit: every subscriber is a socket here. The tally processes
// inherit it.
func raiseOpenFiles(t *testing.T, need uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Logf("open-file limit unknown: %v", err)
		return
	}
	if lim.Cur >= need {
		return
	}
	lim.Cur = min(need, lim.Max)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur < need {
		t.Fatalf("open-file limit %d, need %d (hard limit %d): %v", lim.Cur, need, lim.Max, err)
	}
}

// fanoutCPU is CPU time spent by each tally process, this process (the
// subscribers and the caller) and the whole machine.
type fanoutCPU struct {
	servers       []time.Duration
	self, machine time.Duration
}

func readFanoutCPU(pids []int) fanoutCPU {
	var c fanoutCPU
	for _, pid := range pids {
		d, _ := processCPU(fmt.Sprintf("/proc/%d/stat", pid))
		c.servers = append(c.servers, d)
	}
	c.self, _ = processCPU("/proc/self/stat")
	c.machine, _ = machineCPU()
	return c
}

func (c fanoutCPU) sub(d fanoutCPU) fanoutCPU {
	out := fanoutCPU{self: c.self - d.self, machine: c.machine - d.machine}
	for i := range c.servers {
		out.servers = append(out.servers, c.servers[i]-d.servers[i])
	}
	return out
}

func (c fanoutCPU) add(d fanoutCPU) fanoutCPU {
	out := fanoutCPU{servers: slices.Clone(d.servers), self: c.self + d.self, machine: c.machine + d.machine}
	for i := range c.servers {
		out.servers[i] += c.servers[i]
	}
	return out
}

func fanoutReport(n int, load0 string, one, two *fanoutSide, ratio float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Subscriber fan-out: %d subscribers of one merchant, %d timed changes per side (%d rounds, alternating), PostgreSQL, %d cores, load avg at start %s, at end %s\n\n",
		n, one.events, *fanoutRounds, runtime.NumCPU(), load0, loadAverage())
	fmt.Fprintf(&b, "latency: a subscriber's receipt of the next message minus the time markInvoicePaid's HTTP response was read in full\n")
	fmt.Fprintf(&b, "%-26s %32s   %26s   %10s\n", "", "every delivery", "last subscriber per change", "markPaid")
	fmt.Fprintf(&b, "%-26s %8s %7s %7s %7s   %8s %8s %8s   %10s\n", "", "n", "p50", "p99", "max", "p50", "p99", "max", "p50")
	for _, s := range []*fanoutSide{one, two} {
		fmt.Fprintf(&b, "%-26s %8d %7s %7s %7s   %8s %8s %8s   %10s\n", s.name, len(s.deliveries),
			ms(pdfQuantile(s.deliveries, 0.5)), ms(pdfQuantile(s.deliveries, 0.99)), ms(pdfQuantile(s.deliveries, 1)),
			ms(pdfQuantile(s.last, 0.5)), ms(pdfQuantile(s.last, 0.99)), ms(pdfQuantile(s.last, 1)), ms(pdfQuantile(s.mutations, 0.5)))
	}
	p99 := pdfQuantile(one.deliveries, 0.99)
	fmt.Fprintf(&b, "\none process p99 %s (goal <= %s: %s)\n", ms(p99), ms(fanoutGoalP99), metOrNot(p99 <= fanoutGoalP99))
	fmt.Fprintf(&b, "ratio two/one p99 %.2f (goal <= %.1f: %s); last subscriber p99 ratio %.2f\n", ratio, fanoutGoalRatio, metOrNot(ratio <= fanoutGoalRatio),
		float64(pdfQuantile(two.last, 0.99))/float64(pdfQuantile(one.last, 0.99)))
	fmt.Fprintf(&b, "lost deliveries: one process %d, two processes %d\n\n", one.lost, two.lost)

	fmt.Fprintf(&b, "CPU per change (%d subscribers' deliveries)   tally 1   tally 2   test process   rest of machine\n", n)
	for _, s := range []*fanoutSide{one, two} {
		per := func(d time.Duration) string { return ms2(d / time.Duration(max(s.events, 1))) }
		fmt.Fprintf(&b, "  %-42s %9s %9s %14s %17s\n", s.name, per(s.cpu.servers[0]), per(s.cpu.servers[1]), per(s.cpu.self),
			per(s.cpu.machine-s.cpu.servers[0]-s.cpu.servers[1]-s.cpu.self))
	}
	return b.String()
}

func metOrNot(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
