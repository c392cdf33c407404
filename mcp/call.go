package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// ErrUnknownTool is returned by Call for a name no ready server has.
var ErrUnknownTool = errors.New("unknown tool")

// ErrToolTimeout is returned by Call when the call did not finish within Options.ToolTimeout.
var ErrToolTimeout = errors.New("tool call timed out")

// ErrServerDown is returned by Call when the tool's server is gone (exited, crashed, closed
// the connection) and could not be restarted.
var ErrServerDown = errors.New("server down")

// Progress is a progress notification of a running tool call.
type Progress struct {
	Progress float64
	// Total is zero when the server does not know it.
	Total   float64
	Message string
}

// Call runs a tool. A tool that reports an error gives a Result with IsError set; the error
// return is for calls that could not be made (unknown tool, transport failure, timeout,
// cancellation: ctx's error is returned at once and the server is sent
// notifications/cancelled). progress, when not nil, receives the call's progress
// notifications; elicitation requests go to the handler of WithElicitation(ctx), if any.
func (m *Manager) Call(ctx context.Context, name string, args map[string]any, progress func(Progress)) (Result, error) {
	m.mu.RLock()
	ref, ok := m.byName[name]
	m.mu.RUnlock()
	if !ok {
		return Result{}, fmt.Errorf("%w %q", ErrUnknownTool, name)
	}
	s := ref.srv
	c, err := m.liveConn(s)
	if err != nil {
		return Result{}, err
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, m.opts.ToolTimeout)
	defer cancel()

	token := s.register(ctx, progress, elicitFrom(parent), sampleFrom(parent))
	defer s.unregister(token)
	req := mcp.CallToolRequest{}
	req.Params.Name = ref.original
	req.Params.Arguments = args
	req.Params.Meta = &mcp.Meta{ProgressToken: token}
	res, err := c.client.CallTool(ctx, req)
	if err == nil {
		return formatResult(res), nil
	}
	switch {
	case parent.Err() != nil:
		return Result{}, fmt.Errorf("tool %s: %w", name, parent.Err())
	case expired(ctx):
		return Result{}, fmt.Errorf("%w: %s on server %s took longer than %s", ErrToolTimeout, name, s.name, m.opts.ToolTimeout)
	case errors.Is(err, transport.ErrTransportClosed) && c.proc != nil:
		// The server's stdout ended: it died. Say how, and what it said on the way out.
		exit := c.proc.waitExit(time.Second)
		if exit == nil {
			exit = errors.New("the server closed its stdout")
		}
		return Result{}, s.withStderr(fmt.Errorf("%w: tool %s: %v during the call (it is restarted on the next call)", ErrServerDown, name, exit))
	}
	return Result{}, fmt.Errorf("tool %s on server %s: %w", name, s.name, err)
}

// liveConn returns the server's connection. A stdio server that has exited is restarted, once
// in the life of the Manager: a server that keeps crashing stays down with its error.
func (m *Manager) liveConn(s *server) (*conn, error) {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	m.mu.RLock()
	c, state, err, restarted := s.conn, s.state, s.err, s.restarted
	m.mu.RUnlock()
	if state != stateReady || c == nil {
		if err == nil {
			err = errors.New("not ready")
		}
		return nil, fmt.Errorf("%w: server %s: %v", ErrServerDown, s.name, err)
	}
	exit := c.dead()
	if exit == nil {
		return c, nil
	}
	if restarted {
		return nil, s.withStderr(fmt.Errorf("%w: server %s: %v again after a restart; fix it and start tiny-agents again", ErrServerDown, s.name, exit))
	}
	c.close()
	nc, tools, cerr := m.connect(s)
	m.mu.Lock()
	s.restarted = true
	if cerr != nil {
		s.state, s.conn, s.err = stateFailed, nil, fmt.Errorf("%v, and the restart failed: %w", exit, cerr)
	} else {
		s.conn, s.tools = nc, tools
	}
	renames := m.rebuildLocked()
	m.mu.Unlock()
	m.noticeRenames(renames)
	if cerr != nil {
		m.notice(s.name, "exited, and the restart failed: "+cerr.Error())
		return nil, fmt.Errorf("%w: server %s: %v, and the restart failed: %v", ErrServerDown, s.name, exit, cerr)
	}
	m.notice(s.name, fmt.Sprintf("restarted (%v)", exit))
	return nc, nil
}

func (s *server) register(ctx context.Context, progress func(Progress), elicit ElicitFunc, sample SampleFunc) string {
	s.callsMu.Lock()
	defer s.callsMu.Unlock()
	s.seq++
	token := "tiny-agents-" + strconv.FormatUint(s.seq, 10)
	s.calls[token] = &activeCall{ctx: ctx, seq: s.seq, progress: progress, elicit: elicit, sample: sample}
	return token
}

func (s *server) unregister(token string) {
	s.callsMu.Lock()
	delete(s.calls, token)
	s.callsMu.Unlock()
}

// onNotification routes a server's notifications: progress to its call, a changed tool list
// to a refresh, log messages to the server's log.
func (m *Manager) onNotification(s *server, c *conn, n mcp.JSONRPCNotification) {
	switch n.Method {
	case string(mcp.MethodNotificationProgress):
		var p mcp.ProgressNotificationParams
		if !decodeParams(n, &p) {
			return
		}
		token := fmt.Sprint(p.ProgressToken)
		s.callsMu.Lock()
		call := s.calls[token]
		s.callsMu.Unlock()
		if call != nil && call.progress != nil {
			call.progress(Progress{Progress: p.Progress, Total: p.Total, Message: p.Message})
		}
	case mcp.MethodNotificationToolsListChanged:
		go m.refresh(s, c)
	case "notifications/message":
		var p struct {
			Level  string `json:"level"`
			Logger string `json:"logger"`
			Data   any    `json:"data"`
		}
		if decodeParams(n, &p) {
			fmt.Fprintf(s.stderr, "[%s] %v\n", p.Level, p.Data)
		}
	}
}

func decodeParams(n mcp.JSONRPCNotification, v any) bool {
	b, err := json.Marshal(n.Params)
	return err == nil && json.Unmarshal(b, v) == nil
}

// refresh lists a server's tools again after notifications/tools/list_changed.
func (m *Manager) refresh(s *server, c *conn) {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	m.mu.Lock()
	if s.conn != c {
		// Still in the handshake: list again once the connection is installed.
		c.stale = true
		m.mu.Unlock()
		return
	}
	m.mu.Unlock()
	ctx, cancel := context.WithTimeout(m.base, m.opts.StartTimeout)
	defer cancel()
	res, err := c.client.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		m.mu.Lock()
		closed := m.closed
		m.mu.Unlock()
		if closed || m.base.Err() != nil {
			return // shutting down: not news to the user
		}
		m.notice(s.name, "could not list its changed tools: "+err.Error())
		return
	}
	m.mu.Lock()
	if s.conn != c {
		m.mu.Unlock()
		return
	}
	before := m.toolCountLocked(s)
	s.tools = res.Tools
	renames := m.rebuildLocked()
	after := m.toolCountLocked(s)
	late := m.readyPassed
	m.mu.Unlock()
	m.noticeRenames(renames)
	if late && before != after {
		m.notice(s.name, fmt.Sprintf("tools changed: %d tools now (was %d)", after, before))
	}
}
