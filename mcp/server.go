package mcp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// serverState is where a server is in its life.
type serverState int

const (
	stateStarting serverState = iota
	stateReady
	stateFailed
)

// server is one configured MCP server. Its fields after stderr are guarded by the Manager's
// mutex; calls has its own.
type server struct {
	cfg    ServerConfig
	name   string
	stderr *tailBuffer

	state     serverState
	conn      *conn
	tools     []mcp.Tool
	err       error
	transport string
	restarted bool

	callsMu sync.Mutex
	calls   map[string]*activeCall
	seq     uint64
	// refreshMu makes tool-list refreshes of this server apply in order.
	refreshMu sync.Mutex
}

// activeCall is a tool call in flight on a server: where its progress and elicitation
// requests go.
type activeCall struct {
	ctx      context.Context
	seq      uint64
	progress func(Progress)
	elicit   ElicitFunc
	sample   SampleFunc
}

// conn is a live connection to a server.
type conn struct {
	client    *mcpclient.Client
	proc      *stdioProcess // stdio only
	transport string
	// stale is set (under the Manager's mutex) when the tool list changed before the
	// connection was installed, so it must be listed again.
	stale bool
}

func (c *conn) close() {
	c.client.Close()
	if c.proc != nil {
		c.proc.stop()
	}
}

// dead reports why a stdio server's connection is gone, or nil.
func (c *conn) dead() error {
	if c.proc == nil {
		return nil
	}
	return c.proc.exitErr()
}

// connect starts the server (or reaches it) and does the handshake and the first tool
// listing, within the manager's start timeout. A URL with no type is tried as streamable
// HTTP first and as legacy SSE when the server does not speak it, as VS Code does.
func (m *Manager) connect(s *server) (*conn, []mcp.Tool, error) {
	kind := s.cfg.Transport()
	c, tools, err := m.connectAs(s, kind)
	if err != nil && kind == "http" && s.cfg.Type == "" && errors.Is(err, transport.ErrLegacySSEServer) {
		c, tools, err = m.connectAs(s, "sse")
		if err != nil {
			err = fmt.Errorf("%w (streamable HTTP was refused, so legacy SSE was tried too)", err)
		}
	}
	return c, tools, err
}

func (m *Manager) connectAs(s *server, kind string) (*conn, []mcp.Tool, error) {
	ctx, cancel := context.WithTimeout(m.base, m.opts.StartTimeout)
	defer cancel()
	c := &conn{transport: kind}
	opts := []mcpclient.ClientOption{
		mcpclient.WithElicitationHandler(elicitHandler{s: s, def: m.opts.Elicit}),
		mcpclient.WithRootsHandler(rootsFor(s.cfg, m.opts.Roots)),
		mcpclient.WithProtocolVersion(ProtocolVersion),
	}
	if m.opts.Sampling {
		opts = append(opts, mcpclient.WithSamplingHandler(samplingHandler{s: s}))
	}
	var tr transport.Interface
	switch kind {
	case "stdio":
		p, err := startStdio(s.cfg, s.stderr)
		if err != nil {
			return nil, nil, err
		}
		c.proc = p
		tr = newWire(p.transport(), true, m.opts.Sampling)
	case "sse":
		t, err := transport.NewSSE(s.cfg.URL, transport.WithHeaders(s.cfg.Headers), transport.WithSSELogger(s.logger()),
			// mcp-go's own 60s cap would cut calls short of --tool-timeout; the call's context rules.
			transport.WithResponseTimeout(24*time.Hour))
		if err != nil {
			return nil, nil, fmt.Errorf("bad url %q: %w", s.cfg.URL, err)
		}
		// mcp-go's legacy SSE transport cannot answer server requests, so we declare nothing.
		tr = newWire(t, false, false)
	case "http":
		t, err := transport.NewStreamableHTTP(s.cfg.URL, transport.WithHTTPHeaders(s.cfg.Headers),
			transport.WithContinuousListening(), transport.WithHTTPLogger(s.logger()))
		if err != nil {
			return nil, nil, fmt.Errorf("bad url %q: %w", s.cfg.URL, err)
		}
		tr = newWire(t, true, m.opts.Sampling)
	case "inprocess":
		if s.cfg.InProcess == nil {
			return nil, nil, errors.New("in-process server has no implementation")
		}
		cl, err := mcpclient.NewInProcessClientWithOptions(s.cfg.InProcess, opts...)
		if err != nil {
			return nil, nil, err
		}
		c.client = cl
	default:
		return nil, nil, fmt.Errorf("unknown server type %q: use stdio, http or sse", s.cfg.Type)
	}
	if c.client == nil {
		c.client = mcpclient.NewClient(tr, opts...)
	}
	c.client.OnNotification(func(n mcp.JSONRPCNotification) { m.onNotification(s, c, n) })
	tools, err := m.handshake(ctx, s, c)
	if err != nil {
		err = m.explain(s, c, err) // before close: how the process ended is part of the story
		c.close()
		return nil, nil, err
	}
	return c, tools, nil
}

// handshake starts the transport (on the manager's long-lived context: SSE and HTTP streams
// live as long as it), initializes and lists the tools, all within ctx.
func (m *Manager) handshake(ctx context.Context, s *server, c *conn) ([]mcp.Tool, error) {
	started := make(chan error, 1)
	go func() { started <- c.client.Start(m.base) }()
	select {
	case err := <-started:
		if err != nil {
			return nil, fmt.Errorf("connect: %w", err)
		}
	case <-ctx.Done():
		return nil, fmt.Errorf("connect: no connection within %s", m.opts.StartTimeout)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = ProtocolVersion
	req.Params.ClientInfo = mcp.Implementation{Name: m.opts.ClientName, Version: m.opts.ClientVersion}
	init, err := c.client.Initialize(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("initialize: %w", err)
	}
	if init.Capabilities.Tools == nil {
		// A server of only prompts or resources: nothing to list (tools/list would fail).
		return nil, nil
	}
	res, err := c.client.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		return nil, fmt.Errorf("list tools: %w", err)
	}
	return res.Tools, nil
}

// explain turns a failure into the error the user sees: a timeout says so, a stdio server
// that died says how, and what it printed (stderr, or stdout that was not JSON-RPC) is the
// usual real reason.
func (m *Manager) explain(s *server, c *conn, err error) error {
	var auth *transport.AuthorizationRequiredError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		err = fmt.Errorf("no answer within %s (%v)", m.opts.StartTimeout, err)
	case errors.As(err, &auth):
		err = fmt.Errorf("%w: the server wants an OAuth login, which tiny-agents does not do yet; give a token in the server's headers (Authorization: Bearer ...)", err)
	}
	if c != nil && c.proc != nil {
		if exit := c.proc.waitExit(200 * time.Millisecond); exit != nil {
			err = fmt.Errorf("%v: %w", exit, err)
		}
		if g := c.proc.sniff.Garbage(); g != "" {
			err = fmt.Errorf("%w; it printed on stdout what is not MCP (JSON-RPC): %q", err, g)
		}
	}
	return s.withStderr(err)
}

// logger is where mcp-go's transports log for this server: its log, never our terminal.
func (s *server) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(s.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// withStderr adds the last lines the server wrote on stderr to an error, since that is
// usually the real reason ("Cannot find module ...").
func (s *server) withStderr(err error) error {
	if tail := s.stderr.LastLines(3); tail != "" {
		label := "log"
		if s.cfg.Transport() == "stdio" {
			label = "stderr"
		}
		return fmt.Errorf("%w; %s: %s", err, label, tail)
	}
	return err
}

// latestCall is the latest call running on the server that has what the request needs (a
// server request carries no call id, so it goes to the newest call able to answer it).
func (s *server) latestCall(able func(*activeCall) bool) *activeCall {
	s.callsMu.Lock()
	defer s.callsMu.Unlock()
	var last *activeCall
	for _, c := range s.calls {
		if able(c) && (last == nil || c.seq > last.seq) {
			last = c
		}
	}
	return last
}

// currentElicit returns the elicitation handler of the latest call running on the server,
// and its context; nil when no call has one.
func (s *server) currentElicit() (ElicitFunc, context.Context) {
	if c := s.latestCall(func(c *activeCall) bool { return c.elicit != nil }); c != nil {
		return c.elicit, c.ctx
	}
	return nil, nil
}
