package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// ProtocolVersion is the MCP revision we ask for; the server's answer is accepted. mcp-go's
// newest default (2026-07-28, stateless) is not understood by the official conformance suite
// and most servers in the wild, so we pin the last stateful revision.
const ProtocolVersion = "2025-11-25"

// Options tune a Manager.
type Options struct {
	// ClientName and ClientVersion are sent in initialize.
	ClientName, ClientVersion string
	// StartTimeout bounds how long Start waits for the servers. Zero means 30s.
	StartTimeout time.Duration
	// ToolTimeout bounds one tool call. Zero means 2 minutes.
	ToolTimeout time.Duration
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
	Name      string
	Transport string
	Tools     int
	Err       error
}

// Manager owns the MCP servers of one agent.
type Manager struct {
	opts    Options
	mu      sync.RWMutex
	servers []*server
	tools   []Tool
	byName  map[string]toolRef
}

type toolRef struct {
	srv      *server
	original string
}

type server struct {
	cfg    ServerConfig
	name   string
	client *mcpclient.Client
	tools  []mcp.Tool
	err    error
	stderr *tailBuffer
}

// NewManager returns a Manager with no servers.
func NewManager(opts Options) *Manager {
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 30 * time.Second
	}
	if opts.ToolTimeout == 0 {
		opts.ToolTimeout = 2 * time.Minute
	}
	if opts.ClientName == "" {
		opts.ClientName = "tiny-agents"
	}
	if opts.ClientVersion == "" {
		opts.ClientVersion = "dev"
	}
	return &Manager{opts: opts, byName: map[string]toolRef{}}
}

// Start connects to every server in parallel and waits until all have answered or the start
// timeout has passed. A server that fails keeps its error; the others work.
func (m *Manager) Start(ctx context.Context, cfgs []ServerConfig) {
	ctx, cancel := context.WithTimeout(ctx, m.opts.StartTimeout)
	defer cancel()
	srvs := make([]*server, len(cfgs))
	var wg sync.WaitGroup
	for i, cfg := range cfgs {
		srvs[i] = &server{cfg: cfg, name: cfg.DisplayName(), stderr: newTailBuffer(64 * 1024)}
		wg.Add(1)
		go func(s *server) {
			defer wg.Done()
			s.err = m.connect(ctx, s)
		}(srvs[i])
	}
	wg.Wait()
	m.mu.Lock()
	m.servers = append(m.servers, srvs...)
	m.rebuildLocked()
	m.mu.Unlock()
}

func (m *Manager) connect(ctx context.Context, s *server) error {
	c, err := m.newClient(s)
	if err != nil {
		return err
	}
	if err := c.Start(ctx); err != nil {
		c.Close()
		return fmt.Errorf("start: %w", err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = ProtocolVersion
	req.Params.ClientInfo = mcp.Implementation{Name: m.opts.ClientName, Version: m.opts.ClientVersion}
	if _, err := c.Initialize(ctx, req); err != nil {
		c.Close()
		return fmt.Errorf("initialize: %w", s.withStderr(err))
	}
	res, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		c.Close()
		return fmt.Errorf("list tools: %w", err)
	}
	s.client = c
	s.tools = res.Tools
	return nil
}

func (m *Manager) newClient(s *server) (*mcpclient.Client, error) {
	switch s.cfg.Transport() {
	case "stdio":
		if s.cfg.Command == "" {
			return nil, errors.New("no command to start")
		}
		t := transport.NewStdioWithOptions(s.cfg.Command, nil, s.cfg.Args,
			transport.WithCommandFunc(commandFunc(s.cfg)),
			transport.WithCommandStderrWriter(s.stderr))
		return mcpclient.NewClient(t), nil
	case "sse":
		return mcpclient.NewSSEMCPClient(s.cfg.URL, transport.WithHeaders(s.cfg.Headers))
	case "http":
		return mcpclient.NewStreamableHttpClient(s.cfg.URL, transport.WithHTTPHeaders(s.cfg.Headers))
	case "inprocess":
		if s.cfg.InProcess == nil {
			return nil, errors.New("in-process server has no implementation")
		}
		return mcpclient.NewInProcessClient(s.cfg.InProcess)
	}
	return nil, fmt.Errorf("unknown transport %q", s.cfg.Type)
}

// withStderr adds the last line the server wrote on stderr to an error, since that is
// usually the real reason ("Cannot find module ...").
func (s *server) withStderr(err error) error {
	if tail := s.stderr.LastLines(3); tail != "" {
		return fmt.Errorf("%w; stderr: %s", err, tail)
	}
	return err
}

// rebuildLocked recomputes the tool registry. A name taken by an earlier server is given to
// the later one with a server prefix (`server__tool`), so names are stable across runs.
func (m *Manager) rebuildLocked() {
	m.tools = m.tools[:0]
	m.byName = map[string]toolRef{}
	for _, s := range m.servers {
		if s.client == nil {
			continue
		}
		allowed := map[string]bool{}
		for _, n := range s.cfg.AllowedTools {
			allowed[n] = true
		}
		for _, t := range s.tools {
			if len(allowed) > 0 && !allowed[t.Name] {
				continue
			}
			name := t.Name
			if _, taken := m.byName[name]; taken {
				name = sanitizeToolName(s.name + "__" + t.Name)
			}
			m.byName[name] = toolRef{srv: s, original: t.Name}
			m.tools = append(m.tools, Tool{Name: name, Original: t.Name, Server: s.name,
				Description: t.Description, InputSchema: inputSchema(t)})
		}
	}
}

// sanitizeToolName keeps a name within what OpenAI-compatible APIs accept: [a-zA-Z0-9_-], 64 chars.
func sanitizeToolName(n string) string {
	b := []byte(n)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	if len(b) > 64 {
		b = b[:64]
	}
	return string(b)
}

func inputSchema(t mcp.Tool) json.RawMessage {
	if len(t.RawInputSchema) > 0 {
		return t.RawInputSchema
	}
	b, err := json.Marshal(t.InputSchema)
	if err != nil {
		return json.RawMessage(`{"type":"object"}`)
	}
	return b
}

// Tools lists the tools of all ready servers, in server order.
func (m *Manager) Tools() []Tool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return append([]Tool(nil), m.tools...)
}

// Servers lists the state of every server.
func (m *Manager) Servers() []ServerStatus {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]ServerStatus, 0, len(m.servers))
	for _, s := range m.servers {
		st := ServerStatus{Name: s.name, Transport: s.cfg.Transport(), Err: s.err}
		for _, t := range m.tools {
			if t.Server == s.name {
				st.Tools++
			}
		}
		out = append(out, st)
	}
	return out
}

// ErrUnknownTool is returned by Call for a name no server has.
var ErrUnknownTool = errors.New("unknown tool")

// Progress is a progress notification of a running tool call.
type Progress struct {
	Progress float64
	Total    float64
	Message  string
}

// Call runs a tool. A tool that reports an error gives a Result with IsError set; the error
// return is for calls that could not be made (unknown tool, transport failure, timeout).
// progress, when not nil, receives the call's progress notifications.
func (m *Manager) Call(ctx context.Context, name string, args map[string]any, progress func(Progress)) (Result, error) {
	m.mu.RLock()
	ref, ok := m.byName[name]
	m.mu.RUnlock()
	if !ok {
		return Result{}, fmt.Errorf("%w %q", ErrUnknownTool, name)
	}
	ctx, cancel := context.WithTimeout(ctx, m.opts.ToolTimeout)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name = ref.original
	req.Params.Arguments = args
	res, err := ref.srv.client.CallTool(ctx, req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return Result{}, fmt.Errorf("tool %s timed out after %s", name, m.opts.ToolTimeout)
		}
		return Result{}, fmt.Errorf("tool %s on server %s: %w", name, ref.srv.name, err)
	}
	return formatResult(res), nil
}

// Stderr returns the tail of what a stdio server wrote on stderr.
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

// Close shuts every server down, in parallel.
func (m *Manager) Close() error {
	m.mu.Lock()
	srvs := m.servers
	m.servers = nil
	m.tools = nil
	m.byName = map[string]toolRef{}
	m.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range srvs {
		if s.client == nil {
			continue
		}
		wg.Add(1)
		go func(c io.Closer) { defer wg.Done(); c.Close() }(s.client)
	}
	wg.Wait()
	return nil
}

// ToolNames is a convenience for listing the model-facing names, sorted as registered.
func ToolNames(tools []Tool) []string {
	out := make([]string, len(tools))
	for i, t := range tools {
		out[i] = t.Name
	}
	return out
}
