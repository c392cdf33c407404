package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/agents"
	"github.com/tiny-agents/tiny-agents/internal/app"
	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
	"github.com/tiny-agents/tiny-agents/mcp"
)

// serveFaultMCP is a real MCP server (mcp-go's) over stdio with badly behaved tools. In mode
// "flood" it also writes 4 MB to stderr before it starts.
func serveFaultMCP(mode string) {
	if mode == "flood" {
		flood(4 << 20)
	}
	s := server.NewMCPServer("faulty", "1.0")
	text := func(t string) *mcpgo.CallToolResult { return mcpgo.NewToolResultText(t) }
	s.AddTool(mcpgo.NewTool("noisy", mcpgo.WithDescription("writes 8 MB to stderr, then answers")),
		func(ctx context.Context, _ mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
			flood(8 << 20)
			return text("quiet now"), nil
		})
	s.AddTool(mcpgo.NewTool("big", mcpgo.WithDescription("returns 10 MB")),
		func(ctx context.Context, _ mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
			return text(strings.Repeat("0123456789abcdef", 10<<20/16)), nil
		})
	s.AddTool(mcpgo.NewTool("die", mcpgo.WithDescription("exits during the call")),
		func(ctx context.Context, _ mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
			os.Exit(7)
			return nil, nil
		})
	s.AddTool(mcpgo.NewTool("hang", mcpgo.WithDescription("never answers")),
		func(ctx context.Context, _ mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		})
	s.AddTool(mcpgo.NewTool("ok", mcpgo.WithDescription("answers")),
		func(ctx context.Context, _ mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
			return text("fine"), nil
		})
	_ = server.ServeStdio(s)
}

func flood(n int) {
	line := strings.Repeat("x", 1023) + "\n"
	for i := 0; i < n/len(line); i++ {
		os.Stderr.WriteString(line)
	}
}

// startFaulty starts an app whose one server is the fault server, with the fake model.
func startFaulty(t *testing.T, mode string, model *fakemodel.Server, toolTimeout time.Duration) *app.App {
	t.Helper()
	cfg := &agents.Agent{Name: "faulty", Prompt: "sys", Config: agents.Config{Model: "m", EndpointURL: model.URL,
		Servers: []mcp.ServerConfig{{Name: "faulty", Command: os.Args[0], Args: []string{"-test.run=^$"},
			Env: map[string]string{"TA_FAULT_MCP": mode}}}}}
	a, err := app.Start(context.Background(), cfg, app.Options{Version: "test", ToolTimeout: toolTimeout, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if len(a.Ready.Servers) != 1 || a.Ready.Servers[0].Error != "" {
		t.Fatalf("the fault server did not start: %+v", a.Ready.Servers)
	}
	return a
}

// turn runs one user turn and returns the event kinds (runs folded), the tool results, and Done.
func turn(a *app.App, conv *agent.Conversation, prompt string) (string, []agent.ToolResult, agent.Done) {
	rec := &recorder{}
	conv.AddUser(prompt)
	done := a.Agent.Run(context.Background(), conv, rec.emit)
	var results []agent.ToolResult
	for _, ev := range rec.events {
		if r, ok := ev.(agent.ToolResult); ok {
			results = append(results, r)
		}
	}
	return rec.kinds(), results, done
}

type recorder struct{ events []agent.Event }

func (r *recorder) emit(ev agent.Event) { r.events = append(r.events, ev) }

func (r *recorder) kinds() string {
	var out []string
	for _, ev := range r.events {
		k := strings.TrimPrefix(fmt.Sprintf("%T", ev), "agent.")
		if k == "Usage" {
			continue
		}
		if len(out) == 0 || out[len(out)-1] != k {
			out = append(out, k)
		}
	}
	return strings.Join(out, ",")
}

func checkToolMessages(t *testing.T, conv *agent.Conversation) {
	t.Helper()
	open := map[string]bool{}
	for _, m := range conv.Messages {
		for _, tc := range m.ToolCalls {
			open[tc.ID] = true
		}
		if m.Role == "tool" {
			delete(open, m.ToolCallID)
		}
	}
	if len(open) > 0 {
		t.Errorf("tool calls without a tool message: %v", open)
	}
}

func call(name string) fakemodel.Reply {
	return fakemodel.Reply{ToolCalls: []fakemodel.Call{{ID: "call-" + name, Name: name, Arguments: `{}`}}}
}

func TestMCPFaultsKeepTheSessionGoing(t *testing.T) {
	cases := []struct {
		mode, tool string
		kinds      string
		isError    bool
		words      string
	}{
		{"flood", "noisy", "ToolCallStarted,ToolCallArgsDelta,ToolCallDone,ToolResult,TextDelta,Done", false, "quiet now"},
		{"plain", "big", "ToolCallStarted,ToolCallArgsDelta,ToolCallDone,ToolResult,TextDelta,Done", false, "[Output truncated"},
		{"plain", "die", "ToolCallStarted,ToolCallArgsDelta,ToolCallDone,Error,ToolResult,TextDelta,Done", true, "failed"},
		{"plain", "hang", "ToolCallStarted,ToolCallArgsDelta,ToolCallDone,Error,ToolResult,TextDelta,Done", true, "timed out"},
	}
	for _, c := range cases {
		t.Run(c.tool, func(t *testing.T) {
			model := fakemodel.New(call(c.tool), fakemodel.Reply{Text: "first answer"},
				call("ok"), fakemodel.Reply{Text: "second answer"})
			defer model.Close()
			// Only the hanging tool needs a short timeout; 10 MB take a while under -race.
			timeout := 30 * time.Second
			if c.tool == "hang" {
				timeout = time.Second
			}
			a := startFaulty(t, c.mode, model, timeout)
			var conv agent.Conversation
			kinds, results, done := turn(a, &conv, "go")
			if kinds != c.kinds {
				t.Errorf("events %s\nwant   %s", kinds, c.kinds)
			}
			if done.Stop != agent.StopAnswer || done.Content != "first answer" {
				t.Errorf("done %+v", done)
			}
			if len(results) != 1 || results[0].IsError != c.isError || !strings.Contains(results[0].Content, c.words) {
				t.Fatalf("tool result %.300v, want is_error=%v with %q", results, c.isError, c.words)
			}
			if n := len(results[0].Content); n > agent.DefaultMaxResultBytes+200 {
				t.Errorf("a %d-byte result went to the model", n)
			}
			checkToolMessages(t, &conv)
			// The next turn works, on the same server (restarted once if it died).
			kinds, results, done = turn(a, &conv, "again")
			if done.Stop != agent.StopAnswer || done.Content != "second answer" || len(results) != 1 || results[0].Content != "fine" {
				t.Errorf("next turn: %s %+v %+v", kinds, results, done)
			}
			checkToolMessages(t, &conv)
			if c.mode == "flood" {
				if log := a.Servers.Stderr("faulty"); len(log) > 1<<20 {
					t.Errorf("the stderr log kept %d bytes; it must stay bounded", len(log))
				}
			}
		})
	}
}

func TestHeadlessToolFailureExitsZeroWithTheErrorInEvents(t *testing.T) {
	model := fakemodel.New(call("hang"), fakemodel.Reply{Text: "the tool timed out, sorry"})
	defer model.Close()
	dir := t.TempDir()
	self, _ := os.Executable()
	writeJSON(t, dir+"/agent.json", map[string]any{"model": "m", "endpointUrl": model.URL,
		"servers": []any{map[string]any{"name": "faulty", "command": self, "args": []string{"-test.run=^$"},
			"env": map[string]string{"TA_FAULT_MCP": "plain"}}}})
	r := runBin(t, nil, "run", dir, "-p", "go", "--output", "json", "--tool-timeout", "500ms")
	if r.code != 0 {
		t.Fatalf("exit %d, want 0 (the model answered); stderr %s", r.code, r.stderr)
	}
	var types []string
	for _, ev := range jsonEvents(t, r.stdout) {
		if typ := ev["type"].(string); len(types) == 0 || types[len(types)-1] != typ {
			types = append(types, typ)
		}
		if ev["type"] == "tool_result" && (ev["is_error"] != true || !strings.Contains(ev["content"].(string), "timed out")) {
			t.Errorf("tool_result %v", ev)
		}
	}
	if got := strings.Join(types, ","); got != "ready,tool_call,error,tool_result,text,done" {
		t.Errorf("events %s", got)
	}
}
