package agent_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/inference"
	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
	"github.com/tiny-agents/tiny-agents/mcp"
)

// echoTools is a toolbox with one tool, echo, that answers "Echo: <message>".
type echoTools struct {
	mu    sync.Mutex
	calls []map[string]any
	block chan struct{} // when set, calls wait on it (or on ctx)
}

func (e *echoTools) Tools() []mcp.Tool {
	return []mcp.Tool{{Name: "echo", Server: "test", Description: "Echo a message",
		InputSchema: json.RawMessage(`{"type":"object","properties":{"message":{"type":"string"}}}`)}}
}

func (e *echoTools) Call(ctx context.Context, name string, args map[string]any, _ func(mcp.Progress)) (mcp.Result, error) {
	e.mu.Lock()
	e.calls = append(e.calls, args)
	e.mu.Unlock()
	if name != "echo" {
		return mcp.Result{}, fmt.Errorf("%w %q", mcp.ErrUnknownTool, name)
	}
	if e.block != nil {
		select {
		case <-e.block:
		case <-ctx.Done():
			return mcp.Result{}, ctx.Err()
		}
	}
	return mcp.Result{Text: fmt.Sprintf("Echo: %v", args["message"])}, nil
}

type recorder struct {
	mu     sync.Mutex
	events []agent.Event
}

func (r *recorder) emit(ev agent.Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
}

// kinds lists the events' type names, with runs of the same type folded into one.
func (r *recorder) kinds() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, ev := range r.events {
		k := strings.TrimPrefix(fmt.Sprintf("%T", ev), "agent.")
		if len(out) == 0 || out[len(out)-1] != k {
			out = append(out, k)
		}
	}
	return strings.Join(out, ",")
}

func (r *recorder) errorEvent() *agent.Error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ev := range r.events {
		if e, ok := ev.(agent.Error); ok {
			return &e
		}
	}
	return nil
}

func newTestAgent(t *testing.T, url string, tools agent.Toolbox) *agent.Agent {
	t.Helper()
	c, err := inference.New(inference.Config{Model: "m", EndpointURL: url, IdleTimeout: 300 * time.Millisecond,
		Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	return &agent.Agent{Model: c, Tools: tools, SystemPrompt: "sys", MaxTurns: 4}
}

// checkHistory asserts that every tool call in the conversation has exactly one tool message.
func checkHistory(t *testing.T, conv *agent.Conversation) {
	t.Helper()
	pending := map[string]bool{}
	for _, m := range conv.Messages {
		for _, tc := range m.ToolCalls {
			pending[tc.ID] = true
		}
		if m.Role == "tool" {
			if !pending[m.ToolCallID] {
				t.Errorf("tool message for unknown or repeated call %q", m.ToolCallID)
			}
			delete(pending, m.ToolCallID)
		}
	}
	for id := range pending {
		t.Errorf("tool call %s has no tool message", id)
	}
}

var echoCall = fakemodel.Reply{ToolCalls: []fakemodel.Call{{ID: "c1", Name: "echo", Arguments: `{"message":"hi"}`}}}

func TestModelFaults(t *testing.T) {
	cases := []struct {
		name     string
		replies  []fakemodel.Reply
		kinds    string
		stop     agent.StopReason
		errKind  agent.ErrorKind
		errWords string
	}{
		{"401", []fakemodel.Reply{{Status: 401, Body: `{"error":"Invalid username or password."}`}},
			"Error,Done", agent.StopError, agent.ErrAuth, "Invalid username or password"},
		{"403", []fakemodel.Reply{{Status: 403, Body: `{"error":"not allowed"}`, Header: map[string]string{"X-Request-Id": "req-42"}}},
			"Error,Done", agent.StopError, agent.ErrAuth, "req-42"},
		{"500", []fakemodel.Reply{{Status: 500, Body: `{"message":"boom"}`}},
			"Error,Done", agent.StopError, agent.ErrHTTP, "boom"},
		{"error mid-stream", []fakemodel.Reply{{Text: "partial answer", ErrorMidStream: "model overloaded"}},
			"TextDelta,Error,Done", agent.StopError, agent.ErrStream, "model overloaded"},
		{"stream stops without closing", []fakemodel.Reply{{Text: "slow", Hang: true}},
			"TextDelta,Error,Done", agent.StopError, agent.ErrTimeout, "timed out"},
		{"never stops calling tools", []fakemodel.Reply{echoCall, echoCall, echoCall, echoCall, echoCall},
			"ToolCallStarted,ToolCallArgsDelta,ToolCallDone,ToolResult,ToolCallStarted,ToolCallArgsDelta,ToolCallDone,ToolResult,ToolCallStarted,ToolCallArgsDelta,ToolCallDone,ToolResult,ToolCallStarted,ToolCallArgsDelta,ToolCallDone,ToolResult,Done",
			agent.StopMaxTurns, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			model := fakemodel.New(append(c.replies, fakemodel.Reply{Text: "next turn works"})...)
			defer model.Close()
			a := newTestAgent(t, model.URL, &echoTools{})
			var conv agent.Conversation
			conv.AddUser("hello")
			rec := &recorder{}
			done := a.Run(context.Background(), &conv, rec.emit)
			if got := rec.kinds(); got != c.kinds {
				t.Errorf("events %s\nwant   %s", got, c.kinds)
			}
			if done.Stop != c.stop {
				t.Errorf("stop %s, want %s", done.Stop, c.stop)
			}
			if c.errKind != "" {
				e := rec.errorEvent()
				if e == nil || e.Kind != c.errKind || !strings.Contains(e.Err.Error(), c.errWords) {
					t.Errorf("error event %+v, want kind %s containing %q", e, c.errKind, c.errWords)
				}
			}
			checkHistory(t, &conv)
			if c.stop == agent.StopMaxTurns && done.Turns != 4 {
				t.Errorf("turns %d, want 4 (the cap)", done.Turns)
			}
			// The session goes on: the next turn works on the same conversation.
			conv.AddUser("again")
			next := a.Run(context.Background(), &conv, func(agent.Event) {})
			if next.Stop != agent.StopAnswer || next.Content != "next turn works" {
				t.Errorf("next turn: %+v", next)
			}
			checkHistory(t, &conv)
		})
	}
}

func TestConnectionResetMidStream(t *testing.T) {
	// A server that sends one chunk, then drops the connection.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"half\"}}]}\n\n")
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		}
	}))
	defer srv.Close()
	a := newTestAgent(t, srv.URL, &echoTools{})
	var conv agent.Conversation
	conv.AddUser("hi")
	rec := &recorder{}
	done := a.Run(context.Background(), &conv, rec.emit)
	if done.Stop != agent.StopError || rec.errorEvent() == nil || rec.errorEvent().Kind != agent.ErrStream {
		t.Fatalf("done %+v, error %+v; want a stream error", done, rec.errorEvent())
	}
	if last := conv.Messages[len(conv.Messages)-1]; last.Role != "assistant" || last.Content != "half" {
		t.Errorf("what was streamed is not kept: %+v", last)
	}
}

func TestBadToolCallsGetErrorResults(t *testing.T) {
	model := fakemodel.New(
		fakemodel.Reply{ToolCalls: []fakemodel.Call{
			{ID: "bad-json", Name: "echo", Arguments: `{"message": "unterminated`},
			{ID: "unknown", Name: "no_such_tool", Arguments: `{}`},
			{ID: "no-name", Name: "", Arguments: `{}`},
			{ID: "array", Name: "echo", Arguments: `["hi"]`},
			{ID: "good", Name: "echo", Arguments: `{"message":"ok"}`},
		}},
		fakemodel.Reply{Text: "handled"},
	)
	defer model.Close()
	tools := &echoTools{}
	a := newTestAgent(t, model.URL, tools)
	var conv agent.Conversation
	conv.AddUser("go")
	rec := &recorder{}
	done := a.Run(context.Background(), &conv, rec.emit)
	if done.Stop != agent.StopAnswer || done.Content != "handled" {
		t.Fatalf("done %+v", done)
	}
	results := map[string]agent.ToolResult{}
	for _, ev := range rec.events {
		if r, ok := ev.(agent.ToolResult); ok {
			results[r.ID] = r
		}
	}
	want := map[string]struct {
		isError bool
		words   string
	}{
		"bad-json": {true, "Invalid JSON"},
		"unknown":  {true, "no tool named"},
		"no-name":  {true, "no function name"},
		"array":    {true, "must be a JSON object, not array"},
		"good":     {false, "Echo: ok"},
	}
	for id, w := range want {
		r, ok := results[id]
		if !ok || r.IsError != w.isError || !strings.Contains(r.Content, w.words) {
			t.Errorf("result %s = %+v, want is_error=%v containing %q", id, r, w.isError, w.words)
		}
	}
	checkHistory(t, &conv)
	// The model saw every result in the second request.
	if n := len(model.Requests()); n != 2 {
		t.Fatalf("%d requests", n)
	}
	msgs := model.Requests()[1].Messages
	if tail := msgs[len(msgs)-5:]; tail[0]["tool_call_id"] != "bad-json" || tail[4]["content"] != "Echo: ok" {
		t.Errorf("tool messages sent back: %v", tail)
	}
}

func TestExitToolEndsTurnAndAnswersEveryCall(t *testing.T) {
	model := fakemodel.New(fakemodel.Reply{Text: "All done.", ToolCalls: []fakemodel.Call{
		{ID: "a", Name: "task_complete", Arguments: `{}`},
		{ID: "b", Name: "echo", Arguments: `{"message":"late"}`},
	}})
	defer model.Close()
	tools := &echoTools{}
	a := newTestAgent(t, model.URL, tools)
	var conv agent.Conversation
	conv.AddUser("finish")
	done := a.Run(context.Background(), &conv, func(agent.Event) {})
	if done.Stop != agent.StopExitTool || done.Content != "All done." || done.Turns != 1 {
		t.Errorf("done %+v", done)
	}
	if len(tools.calls) != 0 {
		t.Errorf("a call after the exit tool ran: %v", tools.calls)
	}
	checkHistory(t, &conv)
}

func TestCancelDuringToolCallIsInterruptedAndConsistent(t *testing.T) {
	model := fakemodel.New(echoCall, fakemodel.Reply{Text: "after"})
	defer model.Close()
	tools := &echoTools{block: make(chan struct{})}
	a := newTestAgent(t, model.URL, tools)
	var conv agent.Conversation
	conv.AddUser("go")
	ctx, cancel := context.WithCancel(context.Background())
	done := a.Run(ctx, &conv, func(ev agent.Event) {
		if _, ok := ev.(agent.ToolCallDone); ok {
			go func() { time.Sleep(20 * time.Millisecond); cancel() }()
		}
	})
	if done.Stop != agent.StopInterrupted {
		t.Fatalf("stop %s, want interrupted", done.Stop)
	}
	checkHistory(t, &conv)
	if n := len(model.Requests()); n != 1 {
		t.Errorf("%d model requests after cancel, want 1", n)
	}
}

func TestCancelDuringStreamKeepsText(t *testing.T) {
	model := fakemodel.New(fakemodel.Reply{Text: "streamed so far", Hang: true})
	defer model.Close()
	c, _ := inference.New(inference.Config{Model: "m", EndpointURL: model.URL, Getenv: func(string) string { return "" }})
	a := &agent.Agent{Model: c}
	var conv agent.Conversation
	conv.AddUser("go")
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	done := a.Run(ctx, &conv, func(ev agent.Event) {
		if td, ok := ev.(agent.TextDelta); ok && strings.Contains(td.Text, "far") {
			once.Do(cancel)
		}
	})
	if done.Stop != agent.StopInterrupted || !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("done %+v", done)
	}
	if last := conv.Messages[len(conv.Messages)-1]; last.Content != "streamed so far" {
		t.Errorf("kept %q", last.Content)
	}
}

func TestApprovalDenyAndAllowForSession(t *testing.T) {
	model := fakemodel.New(echoCall, fakemodel.Reply{Text: "ok"}, echoCall, fakemodel.Reply{Text: "ok2"},
		echoCall, fakemodel.Reply{Text: "ok3"})
	defer model.Close()
	tools := &echoTools{}
	a := newTestAgent(t, model.URL, tools)
	a.Ask = true
	var conv agent.Conversation
	answer := func(d agent.Decision) (asked int, results []agent.ToolResult) {
		conv.AddUser("go")
		a.Run(context.Background(), &conv, func(ev agent.Event) {
			switch e := ev.(type) {
			case agent.ApprovalRequest:
				asked++
				e.Reply <- d
			case agent.ToolResult:
				results = append(results, e)
			}
		})
		return
	}
	if asked, res := answer(agent.Deny); asked != 1 || !res[0].IsError || !strings.Contains(res[0].Content, "denied") {
		t.Errorf("deny: asked %d, results %+v", asked, res)
	}
	if asked, res := answer(agent.AllowSession); asked != 1 || res[0].IsError {
		t.Errorf("allow for session: asked %d, results %+v", asked, res)
	}
	if asked, res := answer(agent.Deny); asked != 0 || res[0].IsError {
		t.Errorf("after allow for session the tool must run without asking: asked %d, results %+v", asked, res)
	}
	if len(tools.calls) != 2 {
		t.Errorf("tool ran %d times, want 2", len(tools.calls))
	}
	checkHistory(t, &conv)
}

func TestRateLimitsAndUnavailableAreRetriedBeforeTheStream(t *testing.T) {
	cases := []struct {
		name     string
		replies  []fakemodel.Reply
		requests int
		stop     agent.StopReason
		kind     agent.ErrorKind
		waits    string
	}{
		{"429 with a wait, then an answer",
			[]fakemodel.Reply{{Status: 429, Body: `{"error":"slow down"}`, Header: map[string]string{"Retry-After": "2"}}, {Text: "ok"}},
			2, agent.StopAnswer, "", "2s"},
		{"503 without a wait, then an answer",
			[]fakemodel.Reply{{Status: 503, Body: `{"error":"loading"}`}, {Text: "ok"}},
			2, agent.StopAnswer, "", "1s"},
		{"429 every time: a rate-limit error after the retries",
			[]fakemodel.Reply{{Status: 429, Body: `{"error":"quota"}`}, {Status: 429, Body: `{"error":"quota"}`},
				{Status: 429, Body: `{"error":"quota"}`}, {Status: 429, Body: `{"error":"quota"}`}},
			4, agent.StopError, agent.ErrRateLimit, "1s,2s,4s"},
		{"429 asking for an hour: not retried",
			[]fakemodel.Reply{{Status: 429, Body: `{"error":"daily quota"}`, Header: map[string]string{"Retry-After": "3600"}}},
			1, agent.StopError, agent.ErrRateLimit, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			model := fakemodel.New(c.replies...)
			defer model.Close()
			var waits []string
			client, err := inference.New(inference.Config{Model: "m", EndpointURL: model.URL, Getenv: func(string) string { return "" },
				Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d.String()); return nil }})
			if err != nil {
				t.Fatal(err)
			}
			a := &agent.Agent{Model: client}
			var conv agent.Conversation
			conv.AddUser("hi")
			rec := &recorder{}
			done := a.Run(context.Background(), &conv, rec.emit)
			if done.Stop != c.stop || len(model.Requests()) != c.requests {
				t.Errorf("stop %s after %d requests, want %s after %d", done.Stop, len(model.Requests()), c.stop, c.requests)
			}
			if got := strings.Join(waits, ","); got != c.waits {
				t.Errorf("waited %q, want %q", got, c.waits)
			}
			if c.kind != "" {
				if e := rec.errorEvent(); e == nil || e.Kind != c.kind {
					t.Errorf("error %+v, want kind %s", e, c.kind)
				}
			}
		})
	}
}
