package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// wsMessage is a graphql-transport-ws message.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// subscribe keeps one invoiceStatusChanged subscription open for the
// merchant until ctx ends, reconnecting when the server goes away, and
// counts the events it receives.
func (c *vclient) subscribe(ctx context.Context) {
	u := "ws" + strings.TrimPrefix(c.rq.base, "http") + "/query"
	for ctx.Err() == nil {
		err := c.subscribeOnce(ctx, u)
		if ctx.Err() != nil {
			return
		}
		c.cnt.subDrops.Add(1)
		c.cnt.noteDrop(err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(300+c.rng.IntN(700)) * time.Millisecond):
		}
	}
}

func (c *vclient) subscribeOnce(ctx context.Context, u string) error {
	t0 := time.Now()
	fail := func(class, msg string) error {
		c.rq.stats.record("subscribe (ws)", attempt{latency: time.Since(t0), class: class, message: msg})
		c.rq.stats.finish("subscribe (ws)", false, false, false)
		return errors.New(msg)
	}
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	conn, res, err := websocket.Dial(dctx, u, &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
		HTTPHeader:   http.Header{"X-Forwarded-For": {c.xff}},
	})
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		if res != nil && res.StatusCode >= 500 {
			return fail(class5xx, err.Error())
		}
		if res != nil && res.StatusCode >= 400 {
			return fail(class4xx, err.Error())
		}
		return fail(classTransport, err.Error())
	}
	defer func() { _ = conn.CloseNow() }()
	conn.SetReadLimit(4 << 20)
	if err := wsjson.Write(dctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"token": c.bearer}}); err != nil {
		return fail(classTransport, "connection_init: "+err.Error())
	}
	var m wsMessage
	if err := wsjson.Read(dctx, conn, &m); err != nil {
		return fail(classTransport, "waiting for connection_ack: "+err.Error())
	}
	if m.Type != "connection_ack" {
		return fail("gql", fmt.Sprintf("got %q instead of connection_ack: %s", m.Type, m.Payload))
	}
	if err := wsjson.Write(dctx, conn, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query": `subscription LoadStatus { invoiceStatusChanged { from to version at invoice { id status } } }`,
	}}); err != nil {
		return fail(classTransport, "subscribe: "+err.Error())
	}
	c.rq.stats.record("subscribe (ws)", attempt{latency: time.Since(t0)})
	c.rq.stats.finish("subscribe (ws)", true, false, false)
	c.cnt.subConnects.Add(1)
	for {
		var m wsMessage
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			return err
		}
		switch m.Type {
		case "next":
			c.cnt.subEvents.Add(1)
			var p struct {
				Data struct {
					InvoiceStatusChanged struct{ At time.Time }
				}
			}
			if json.Unmarshal(m.Payload, &p) == nil && !p.Data.InvoiceStatusChanged.At.IsZero() {
				c.cnt.noteLag(time.Since(p.Data.InvoiceStatusChanged.At))
			}
		case "ping":
			if err := wsjson.Write(ctx, conn, map[string]any{"type": "pong"}); err != nil {
				return err
			}
		case "error":
			return fmt.Errorf("subscription error: %s", m.Payload)
		case "complete":
			return errors.New("subscription completed by the server")
		}
	}
}
