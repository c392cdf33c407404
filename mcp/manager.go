package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// ProtocolVersion is the MCP revision we ask for; the server's answer is accepted. mcp-go's
// newest default (2026-07-28, stateless) is not understood by the official conformance suite
// and most servers in the wild, so we pin the last stateful revision. Pinning it also keeps
// mcp-go from probing with server/discover first.
const ProtocolVersion = "2025-11-25"

// Options tune a Manager.
type Options struct {
	// ClientName and ClientVersion are sent in initialize.
	ClientName, ClientVersion string
	// StartTimeout bounds one server's connection and handshake. Zero means 60s (a first
	// `npx -y` download is slow).
	StartTimeout time.Duration
	// ReadyWait bounds how long Start waits for all servers before returning; slower servers
	// keep starting in the background and join later with a Notice. Zero means 10s.
	ReadyWait time.Duration
	// ToolTimeout bounds one tool call. Zero means 2 minutes.
	ToolTimeout time.Duration
	// OnNotice, when set, receives what the user should know outside a turn: a server that
	// joined late or failed late, a server's tool list that changed, a restarted server, a
	// renamed tool. It is called from background goroutines.
	OnNotice func(Notice)
	// Elicit answers elicitation requests of calls whose context has none (WithElicitation).
	// Nil means DefaultElicit.
	Elicit ElicitFunc
	// Roots are the folders offered to servers that ask (roots/list). Nil means, for each
	// server, the folders on its command line if it has some, else the working directory.
	Roots []string
	// Sampling offers servers the client's model (sampling/createMessage) on stdio and
	// streamable HTTP. Requests go to the sampler of the tool call they come during
	// (WithSampling); without one they are refused.
	Sampling bool
}

// Notice is something about a server the user should know that is not the result of a call.
type Notice struct {
	Server string
	Text   string
}

// Tool is a tool as the model sees it.
type Tool struct {
	// Name is the name given to the model (unique across servers).
	Name string
	// Original is the tool's name on its server.
	Original    string
	Server      string
	Description string
	// InputSchema is the tool's JSON Schema, passed through unchanged.
	InputSchema json.RawMessage
}

// ServerStatus is the state of one server, for `ready` and the UI.
type ServerStatus struct {
	Name string
	// Transport is stdio, sse, http or inprocess: the one in use once connected (a URL with
	// no type may have fallen back to sse).
	Transport string
	Tools     int
	// Starting is true while the server is still connecting after Start returned.
	Starting bool
	Err      error
}

// Manager owns the MCP servers of one agent. It is safe for concurrent use.
type Manager struct {
	opts   Options
	base   context.Context
	cancel context.CancelFunc

	mu          sync.RWMutex
	servers     []*server
	tools       []Tool
	byName      map[string]toolRef
	renamed     map[string]bool
	readyPassed bool
	closed      bool
	// starting counts servers still connecting: Close waits for them, so that a server
	// stuck in its handshake is stopped before the program exits, not orphaned.
	starting sync.WaitGroup
}

type toolRef struct {
	srv      *server
	original string
}

// NewManager returns a Manager with no servers.
func NewManager(opts Options) *Manager {
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 60 * time.Second
	}
	if opts.ReadyWait <= 0 {
		opts.ReadyWait = 10 * time.Second
	}
	if opts.ToolTimeout <= 0 {
		opts.ToolTimeout = 2 * time.Minute
	}
	if opts.ClientName == "" {
		opts.ClientName = "tiny-agents"
	}
	if opts.ClientVersion == "" {
		opts.ClientVersion = "dev"
	}
	if opts.Elicit == nil {
		opts.Elicit = DefaultElicit
	}
	base, cancel := context.WithCancel(context.Background())
	return &Manager{opts: opts, base: base, cancel: cancel,
		byName: map[string]toolRef{}, renamed: map[string]bool{}}
}

// Start connects to every server in parallel and returns when all have answered, when
// Options.ReadyWait has passed, or when ctx ends, whichever comes first. A server that fails
// keeps its error; the others work. Servers still starting go on in the background.
func (m *Manager) Start(ctx context.Context, cfgs []ServerConfig) {
	m.mu.Lock()
	taken := map[string]bool{}
	for _, s := range m.servers {
		taken[s.name] = true
	}
	srvs := make([]*server, 0, len(cfgs))
	for _, cfg := range cfgs {
		s := &server{cfg: cfg, name: uniqueName(cfg.DisplayName(), taken), stderr: newTailBuffer(64 * 1024),
			transport: cfg.Transport(), calls: map[string]*activeCall{}}
		srvs = append(srvs, s)
	}
	m.servers = append(m.servers, srvs...)
	m.readyPassed = false
	m.mu.Unlock()

	done := make(chan struct{}, len(srvs))
	m.starting.Add(len(srvs))
	for _, s := range srvs {
		go func() {
			defer m.starting.Done()
			m.startServer(s)
			done <- struct{}{}
		}()
	}
	timer := time.NewTimer(m.opts.ReadyWait)
	defer timer.Stop()
wait:
	for range srvs {
		select {
		case <-done:
		case <-timer.C:
			break wait
		case <-ctx.Done():
			break wait
		}
	}
	m.mu.Lock()
	m.readyPassed = true
	m.mu.Unlock()
}

func uniqueName(name string, taken map[string]bool) string {
	n := name
	for i := 2; taken[n]; i++ {
		n = fmt.Sprintf("%s-%d", name, i)
	}
	taken[n] = true
	return n
}

func (m *Manager) startServer(s *server) {
	c, tools, err := m.connect(s)
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		if c != nil {
			c.close()
		}
		return
	}
	if err != nil {
		s.state, s.err = stateFailed, err
	} else {
		s.state, s.conn, s.tools, s.transport = stateReady, c, tools, c.transport
	}
	renames := m.rebuildLocked()
	late := m.readyPassed
	n := m.toolCountLocked(s)
	stale := c != nil && c.stale
	m.mu.Unlock()
	if stale {
		go m.refresh(s, c)
	}
	if late {
		if err != nil {
			m.notice(s.name, "failed to start: "+err.Error())
		} else {
			m.notice(s.name, fmt.Sprintf("ready (late), %d tools", n))
		}
	}
	m.noticeRenames(renames)
}

func (m *Manager) notice(server, text string) {
	if m.opts.OnNotice != nil {
		m.opts.OnNotice(Notice{Server: server, Text: text})
	}
}

func (m *Manager) toolCountLocked(s *server) int {
	n := 0
	for _, t := range m.tools {
		if t.Server == s.name {
			n++
		}
	}
	return n
}

// Tools lists the tools of all ready servers, in server order.
func (m *Manager) Tools() []Tool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return append([]Tool(nil), m.tools...)
}

// Servers lists the state of every server, in configuration order.
func (m *Manager) Servers() []ServerStatus {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]ServerStatus, 0, len(m.servers))
	for _, s := range m.servers {
		out = append(out, ServerStatus{Name: s.name, Transport: s.transport, Err: s.err,
			Starting: s.state == stateStarting, Tools: m.toolCountLocked(s)})
	}
	return out
}

// Stderr returns the tail of what a stdio server wrote on stderr (and the log messages any
// server sent): the per-server log.
func (m *Manager) Stderr(server string) string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, s := range m.servers {
		if s.name == server {
			return s.stderr.String()
		}
	}
	return ""
}

// Close shuts every server down, in parallel, and waits for them (a stdio server that does
// not exit within two seconds of its stdin closing is killed with its process group).
func (m *Manager) Close() error {
	m.mu.Lock()
	srvs := m.servers
	m.servers = nil
	m.tools = nil
	m.byName = map[string]toolRef{}
	m.closed = true
	var conns []*conn
	for _, s := range srvs {
		if s.conn != nil {
			conns = append(conns, s.conn)
			s.conn = nil
		}
	}
	m.mu.Unlock()
	m.cancel()
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() { defer wg.Done(); c.close() }()
	}
	// A server still in its handshake sees the cancel and stops its process itself; wait
	// for that (a stdio server is killed within about 1.5 s of its stdin closing).
	wg.Add(1)
	go func() { defer wg.Done(); m.starting.Wait() }()
	wait := make(chan struct{})
	go func() { wg.Wait(); close(wait) }()
	select {
	case <-wait:
	case <-time.After(closeWait):
	}
	return nil
}

// closeWait bounds how long Close waits for servers to stop.
const closeWait = 5 * time.Second

// ToolNames is a convenience for listing the model-facing names, in registry order.
func ToolNames(tools []Tool) []string {
	out := make([]string, len(tools))
	for i, t := range tools {
		out[i] = t.Name
	}
	return out
}
