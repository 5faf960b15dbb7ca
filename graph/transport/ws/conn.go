package ws

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Message types of graphql-transport-ws.
const (
	msgConnectionInit = "connection_init"
	msgConnectionAck  = "connection_ack"
	msgPing           = "ping"
	msgPong           = "pong"
	msgSubscribe      = "subscribe"
	msgNext           = "next"
	msgError          = "error"
	msgComplete       = "complete"
)

// inMessage is a message from the client. Payload stays raw until its
// type says what it should hold.
type inMessage struct {
	ID      *string         `json:"id"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

// outMessage is a message to the client.
type outMessage struct {
	ID      string `json:"id,omitempty"`
	Type    string `json:"type"`
	Payload any    `json:"payload,omitempty"`
}

// subscribePayload is the payload of a subscribe message. Pointers tell
// an absent or null member from a present one.
type subscribePayload struct {
	Query         *string        `json:"query"`
	OperationName *string        `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"`
}

// conn is one graphql-transport-ws connection.
type conn struct {
	t    *Transport
	ws   *websocket.Conn
	r    *http.Request
	exec graphql.GraphExecutor

	// ctx is cancelled when the connection ends or starts closing.
	ctx    context.Context
	cancel context.CancelFunc

	// closing is set once, by whoever first decides the connection ends;
	// after that nothing more is written.
	closing atomic.Bool
	// acked is set once connection_ack has been sent.
	acked atomic.Bool

	// Read loop only.
	initReceived bool
	initCtx      context.Context

	writeMu sync.Mutex // one writer at a time

	opsMu sync.Mutex
	ops   map[string]*operation

	wg sync.WaitGroup // operations, supervisor and watcher goroutines
}

// operation is one running subscribe.
type operation struct {
	id     string
	ctx    context.Context
	cancel context.CancelFunc
}

func newConn(t *Transport, wsc *websocket.Conn, r *http.Request, exec graphql.GraphExecutor) *conn {
	ctx, cancel := context.WithCancel(r.Context())
	return &conn{
		t:      t,
		ws:     wsc,
		r:      r,
		exec:   exec,
		ctx:    ctx,
		cancel: cancel,
		ops:    make(map[string]*operation),
	}
}

// serve runs the connection until it ends, then cancels every operation
// and waits for all of its goroutines.
func (c *conn) serve() {
	c.wg.Add(1)
	go c.supervise(c.r.Context())

	c.readLoop()

	// The read loop ends only once the socket is closed or closing. If
	// nobody has claimed the close yet (the peer closed or vanished),
	// claim it so that nothing else tries to write or close.
	owner := c.closing.CompareAndSwap(false, true)
	c.cancel()
	c.cancelAll()
	if owner {
		_ = c.ws.CloseNow()
	}
	c.wg.Wait()
	_ = c.ws.CloseNow() // no-op unless a close handshake failed midway
}

// supervise enforces the init timeout, sends keepalive pings and closes
// the connection when the request context ends or Shutdown is called.
func (c *conn) supervise(reqCtx context.Context) {
	defer c.wg.Done()
	initTimer := time.NewTimer(c.t.opts.InitTimeout)
	defer initTimer.Stop()
	var tick <-chan time.Time
	if c.t.opts.PingInterval > 0 {
		ticker := time.NewTicker(c.t.opts.PingInterval)
		defer ticker.Stop()
		tick = ticker.C
	}
	for {
		select {
		case <-c.ctx.Done():
			if reqCtx.Err() != nil {
				c.closeWith(CloseError{CloseGoingAway, "Server shutting down"})
			}
			return
		case <-c.t.shutdown:
			c.closeWith(CloseError{CloseGoingAway, "Server shutting down"})
			return
		case <-initTimer.C:
			if !c.acked.Load() {
				c.closeWith(CloseError{CloseInitTimeout, "Connection initialisation timeout"})
				return
			}
		case <-tick:
			if c.acked.Load() {
				_ = c.send(outMessage{Type: msgPing})
			}
		}
	}
}

// readLoop reads and handles messages until the connection closes or a
// handler decides it must.
func (c *conn) readLoop() {
	for {
		// context.Background: the socket is ended by closing it, never by
		// a cancelled read context (which would drop it without a close
		// frame).
		_, data, err := c.ws.Read(context.Background())
		if err != nil {
			return
		}
		if c.closing.Load() {
			return
		}
		if !c.handle(data) {
			return
		}
	}
}

// handle processes one message; false means the connection is closing.
func (c *conn) handle(data []byte) bool {
	var m inMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return c.closeWith(CloseError{CloseBadRequest, "Invalid message received: " + err.Error()})
	}
	switch m.Type {
	case msgConnectionInit:
		return c.handleInit(m)
	case msgPing:
		payload, ok := objectPayload(m.Payload)
		if !ok {
			return c.closeWith(CloseError{CloseBadRequest, "Invalid message received: ping payload must be an object"})
		}
		pong := outMessage{Type: msgPong}
		if payload != nil {
			pong.Payload = payload
		}
		_ = c.send(pong)
		return true
	case msgPong:
		return true
	case msgSubscribe:
		return c.handleSubscribe(m)
	case msgComplete:
		if m.ID == nil || *m.ID == "" {
			return c.closeWith(CloseError{CloseBadRequest, "Invalid message received: complete needs an id"})
		}
		c.opsMu.Lock()
		op := c.ops[*m.ID]
		delete(c.ops, *m.ID)
		c.opsMu.Unlock()
		if op != nil {
			op.cancel()
		}
		return true
	case msgConnectionAck, msgNext, msgError:
		return c.closeWith(CloseError{CloseBadRequest, fmt.Sprintf("Unexpected message of type %s received", m.Type)})
	case "":
		return c.closeWith(CloseError{CloseBadRequest, "Invalid message received: missing type"})
	default:
		return c.closeWith(CloseError{CloseBadRequest, fmt.Sprintf("Invalid message received: unknown type %q", m.Type)})
	}
}

func (c *conn) handleInit(m inMessage) bool {
	if c.initReceived {
		return c.closeWith(CloseError{CloseTooManyInitRequests, "Too many initialisation requests"})
	}
	c.initReceived = true
	payload, ok := objectPayload(m.Payload)
	if !ok {
		return c.closeWith(CloseError{CloseBadRequest, "Invalid message received: connection_init payload must be an object"})
	}
	if payload == nil {
		payload = map[string]any{}
	}
	ctx := context.WithValue(c.ctx, initPayloadKey{}, payload)
	if c.t.opts.Init != nil {
		var err error
		ctx, err = c.callInit(ctx, payload)
		if err != nil {
			ce, ok := asCloseError(err)
			if !ok {
				ce = CloseError{CloseForbidden, "Forbidden"}
			}
			return c.closeWith(ce.normalise())
		}
		if ctx == nil {
			return c.closeWith(CloseError{CloseInternalError, "Internal server error"})
		}
	}
	if c.closing.Load() {
		return false // the init timeout fired while Init ran
	}
	c.initCtx = ctx
	// Watch before the ack: a client that revokes its credential right
	// after connection_ack must still see the socket closed.
	if c.t.opts.Watch != nil {
		if ch := c.t.opts.Watch(ctx); ch != nil {
			c.wg.Add(1)
			go c.watch(ch)
		}
	}
	ack := outMessage{Type: msgConnectionAck}
	if p, _ := ctx.Value(ackPayloadKey{}).(map[string]any); p != nil {
		ack.Payload = p
	}
	if err := c.send(ack); err != nil {
		return false
	}
	c.acked.Store(true)
	return true
}

// callInit runs Options.Init, turning a panic into a 4500 close.
func (c *conn) callInit(ctx context.Context, payload map[string]any) (_ context.Context, err error) {
	defer func() {
		if p := recover(); p != nil {
			slog.ErrorContext(c.ctx, "ws: Init panicked", "panic", p)
			err = CloseError{CloseInternalError, "Internal server error"}
		}
	}()
	return c.t.opts.Init(ctx, c.r, payload)
}

// watch closes the connection when Options.Watch's channel yields.
func (c *conn) watch(ch <-chan CloseError) {
	defer c.wg.Done()
	select {
	case ce, ok := <-ch:
		if !ok || ce.Code == 0 {
			ce = CloseError{CloseForbidden, "Forbidden"}
		}
		c.closeWith(ce.normalise())
	case <-c.ctx.Done():
	}
}

func (c *conn) handleSubscribe(m inMessage) bool {
	if m.ID == nil || *m.ID == "" {
		return c.closeWith(CloseError{CloseBadRequest, "Invalid message received: subscribe needs an id"})
	}
	id := *m.ID
	var p subscribePayload
	if !isObject(m.Payload) {
		return c.closeWith(CloseError{CloseBadRequest, "Invalid message received: subscribe payload must be an object"})
	}
	dec := json.NewDecoder(bytes.NewReader(m.Payload))
	dec.UseNumber() // as gqlgen's HTTP transports do, so Int variables stay exact
	if err := dec.Decode(&p); err != nil {
		return c.closeWith(CloseError{CloseBadRequest, "Invalid message received: " + err.Error()})
	}
	if !c.acked.Load() {
		return c.closeWith(CloseError{CloseUnauthorized, "Unauthorized"})
	}

	c.opsMu.Lock()
	if _, dup := c.ops[id]; dup {
		c.opsMu.Unlock()
		return c.closeWith(CloseError{CloseSubscriberExists, "Subscriber for " + id + " already exists"})
	}
	if len(c.ops) >= c.t.opts.MaxSubscriptions {
		c.opsMu.Unlock()
		_ = c.send(outMessage{ID: id, Type: msgError, Payload: gqlerror.List{{
			Message:    fmt.Sprintf("too many operations on this connection (at most %d at once)", c.t.opts.MaxSubscriptions),
			Extensions: map[string]any{"code": "RATE_LIMITED"},
		}}})
		return true
	}
	opCtx, cancel := context.WithCancel(c.initCtx)
	op := &operation{id: id, ctx: opCtx, cancel: cancel}
	c.ops[id] = op
	c.wg.Add(1)
	c.opsMu.Unlock()

	params := &graphql.RawParams{
		Variables:  p.Variables,
		Extensions: p.Extensions,
		Headers:    c.r.Header,
	}
	if p.Query != nil {
		params.Query = *p.Query
	}
	if p.OperationName != nil {
		params.OperationName = *p.OperationName
	}
	go c.run(op, params, graphql.Now())
	return true
}

// run executes one operation, sending next for each response, then
// complete; or error if the operation cannot start.
func (c *conn) run(op *operation, params *graphql.RawParams, readAt time.Time) {
	defer c.wg.Done()
	defer op.cancel()
	defer func() {
		if p := recover(); p != nil {
			slog.ErrorContext(op.ctx, "ws: operation panicked", "id", op.id, "panic", p)
			if c.finish(op) {
				_ = c.send(outMessage{ID: op.id, Type: msgError, Payload: gqlerror.List{{Message: "internal server error"}}})
			}
		}
	}()

	ctx := graphql.StartOperationTrace(op.ctx)
	params.ReadTime = graphql.TraceTiming{Start: readAt, End: graphql.Now()}
	rc, errs := c.exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := c.exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		if c.finish(op) {
			_ = c.send(outMessage{ID: op.id, Type: msgError, Payload: resp.Errors})
		}
		return
	}
	responses, ctx := c.exec.DispatchOperation(ctx, rc)
	for op.ctx.Err() == nil {
		resp := responses(ctx)
		if resp == nil || op.ctx.Err() != nil {
			break
		}
		if err := c.send(outMessage{ID: op.id, Type: msgNext, Payload: resp}); err != nil {
			return
		}
	}
	if c.finish(op) {
		_ = c.send(outMessage{ID: op.id, Type: msgComplete})
	}
}

// finish removes op from the running set. It reports whether op was still
// running, that is whether the client has not completed it and the
// connection is not ending: only then is a final message due.
func (c *conn) finish(op *operation) bool {
	c.opsMu.Lock()
	defer c.opsMu.Unlock()
	if c.ops[op.id] != op {
		return false
	}
	delete(c.ops, op.id)
	return op.ctx.Err() == nil
}

// cancelAll cancels every running operation.
func (c *conn) cancelAll() {
	c.opsMu.Lock()
	defer c.opsMu.Unlock()
	for id, op := range c.ops {
		op.cancel()
		delete(c.ops, id)
	}
}

var errClosing = errors.New("ws: connection is closing")

// send writes one message. Writes are serialised; once the connection is
// closing nothing more is written. A failed write drops the connection.
func (c *conn) send(m outMessage) error {
	b, err := json.Marshal(m)
	if err != nil {
		slog.ErrorContext(c.ctx, "ws: cannot encode message", "type", m.Type, "id", m.ID, "err", err)
		b, _ = json.Marshal(outMessage{ID: m.ID, Type: msgError, Payload: gqlerror.List{{Message: "internal server error: response could not be encoded"}}})
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.closing.Load() {
		return errClosing
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.t.opts.WriteTimeout)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		if c.closing.CompareAndSwap(false, true) {
			c.cancel()
			_ = c.ws.CloseNow()
		}
		return err
	}
	return nil
}

// closeWith closes the connection with ce (already normalised by the
// caller when it came from user code) unless it is already closing. It
// cancels every operation first. It always returns false, for handlers
// that end the read loop with it.
func (c *conn) closeWith(ce CloseError) bool {
	if !c.closing.CompareAndSwap(false, true) {
		return false
	}
	c.cancel()
	c.cancelAll()
	// Wait for a write in progress, so the close frame follows it.
	c.writeMu.Lock()
	c.writeMu.Unlock() //nolint:staticcheck // an empty critical section is the point
	_ = c.ws.Close(websocket.StatusCode(ce.Code), truncateReason(ce.Reason))
	return false
}

// objectPayload decodes an optional object payload: absent or null gives
// nil, an object gives its members, anything else is not ok.
func objectPayload(raw json.RawMessage) (map[string]any, bool) {
	if isNull(raw) {
		return nil, true
	}
	if !isObject(raw) {
		return nil, false
	}
	var p map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil {
		return nil, false
	}
	return p, true
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

func isObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{'
}
