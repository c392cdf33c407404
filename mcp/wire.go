package mcp

import (
	"context"
	"encoding/json"
	"time"

	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// wire wraps an mcp-go transport to do three things mcp-go v1.2.1 does not:
//   - declare the client capabilities in the form servers check: mcp-go can only say
//     `elicitation:{form:{}}`, while the conformance suite (and the TS SDK) look for
//     `elicitation:{form:{applyDefaults:true}}`;
//   - send notifications/cancelled for an abandoned request on every transport (mcp-go sends
//     it over stdio only; over HTTP it relies on a 2026 revision we do not speak);
//   - decline sampling/createMessage with a clear error when sampling is not offered.
//
// It claims to be an HTTPConnection (SetProtocolVersion) so that mcp-go leaves cancellation
// to it instead of sending a second notification over stdio.
type wire struct {
	inner transport.Interface
	// caps is the capabilities object sent in initialize.
	caps map[string]any
	// sampling is set when the sampling capability is declared.
	sampling bool
}

func newWire(inner transport.Interface, bidirectional, sampling bool) *wire {
	caps := map[string]any{}
	if bidirectional {
		// roots never change during a run, so no listChanged.
		caps["roots"] = map[string]any{}
		caps["elicitation"] = map[string]any{"form": map[string]any{"applyDefaults": true}}
		if sampling {
			caps["sampling"] = map[string]any{}
		}
	}
	return &wire{inner: inner, caps: caps, sampling: bidirectional && sampling}
}

func (w *wire) Start(ctx context.Context) error { return w.inner.Start(ctx) }

func (w *wire) SendRequest(ctx context.Context, req transport.JSONRPCRequest) (*transport.JSONRPCResponse, error) {
	if req.Method == string(mcp.MethodInitialize) {
		req.Params = w.initializeParams(req.Params)
	}
	resp, err := w.inner.SendRequest(ctx, req)
	if err != nil && expired(ctx) && req.Method != string(mcp.MethodInitialize) {
		w.cancelled(req.ID, cmpOr(ctx.Err(), context.DeadlineExceeded))
	}
	return resp, err
}

// initializeParams replaces the capabilities mcp-go computed with ours.
func (w *wire) initializeParams(params any) any {
	b, err := json.Marshal(params)
	if err != nil {
		return params
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return params
	}
	m["capabilities"] = w.caps
	return m
}

// cancelled tells the server to stop a request whose caller has gone, off the caller's path:
// a server that does not read its input must not hold the caller up.
func (w *wire) cancelled(id mcp.RequestId, reason error) {
	n := mcp.JSONRPCNotification{JSONRPC: mcp.JSONRPC_VERSION, Notification: mcp.Notification{
		Method: string(mcp.MethodNotificationCancelled),
		Params: mcp.NotificationParams{AdditionalFields: map[string]any{"requestId": id, "reason": reason.Error()}},
	}}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = w.inner.SendNotification(ctx, n)
	}()
}

func (w *wire) SendNotification(ctx context.Context, n mcp.JSONRPCNotification) error {
	return w.inner.SendNotification(ctx, n)
}

func (w *wire) SetNotificationHandler(h func(mcp.JSONRPCNotification)) {
	w.inner.SetNotificationHandler(h)
}

func (w *wire) Close() error { return w.inner.Close() }

func (w *wire) GetSessionId() string { return w.inner.GetSessionId() }

// SetRequestHandler passes server requests to mcp-go's handler, except sampling, which we
// do not offer.
func (w *wire) SetRequestHandler(h transport.RequestHandler) {
	bi, ok := w.inner.(transport.BidirectionalInterface)
	if !ok {
		return
	}
	bi.SetRequestHandler(func(ctx context.Context, req transport.JSONRPCRequest) (*transport.JSONRPCResponse, error) {
		if req.Method == string(mcp.MethodSamplingCreateMessage) && !w.sampling {
			return transport.NewJSONRPCErrorResponse(req.ID, mcp.METHOD_NOT_FOUND,
				"tiny-agents does not offer sampling (sampling/createMessage): it did not declare the sampling capability", nil), nil
		}
		return h(ctx, req)
	})
}

// SetProtocolVersion passes the negotiated version to HTTP transports (the
// MCP-Protocol-Version header).
func (w *wire) SetProtocolVersion(v string) {
	if hc, ok := w.inner.(transport.HTTPConnection); ok {
		hc.SetProtocolVersion(v)
	}
}

// SetConnectionLostHandler passes mcp-go's connection-lost hook through (legacy SSE).
func (w *wire) SetConnectionLostHandler(h func(error)) {
	if s, ok := w.inner.(interface{ SetConnectionLostHandler(func(error)) }); ok {
		s.SetConnectionLostHandler(h)
	}
}

// expired reports whether ctx has ended or is at its deadline: mcp-go's SSE transport times a
// request out on a timer set to the deadline, which can fire a moment before the context does.
func expired(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && time.Until(dl) < 50*time.Millisecond
}

func cmpOr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}
