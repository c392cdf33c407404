package serve_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/inference"
	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
	"github.com/tiny-agents/tiny-agents/internal/serve"
	"github.com/tiny-agents/tiny-agents/internal/testservers"
	"github.com/tiny-agents/tiny-agents/mcp"
)

// The real server-everything, started once for the package: serve shares its MCP servers
// between requests, and so do the tests.
var (
	everythingOnce sync.Once
	everythingMgr  *mcp.Manager
	everythingErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if everythingMgr != nil {
		everythingMgr.Close()
	}
	os.Exit(code)
}

func everything(t testing.TB) *mcp.Manager {
	t.Helper()
	node, args := testservers.Everything(t)
	everythingOnce.Do(func() {
		everythingMgr = mcp.NewManager(mcp.Options{ClientName: "tiny-agents-test", ToolTimeout: time.Minute})
		everythingMgr.Start(context.Background(), []mcp.ServerConfig{{Type: "stdio", Command: node, Args: args}})
		for _, s := range everythingMgr.Servers() {
			if s.Err != nil {
				everythingErr = s.Err
			}
		}
	})
	if everythingErr != nil {
		t.Fatalf("server-everything did not start: %v", everythingErr)
	}
	return everythingMgr
}

// fixture is a serve handler on an httptest server, in front of a scripted model.
type fixture struct {
	model *fakemodel.Server
	srv   *httptest.Server
	h     *serve.Handler
	agent *agent.Agent
	log   *syncBuffer
}

type fixtureOption func(*serve.Options, *inference.Config)

func withTools(t testing.TB) fixtureOption {
	m := everything(t)
	return func(o *serve.Options, _ *inference.Config) {
		o.Agent.Tools = m
		o.Servers = func() []agent.ServerInfo {
			return []agent.ServerInfo{{Name: "everything", Transport: "stdio", Tools: len(m.Tools())}}
		}
	}
}

func newFixture(t testing.TB, replies []fakemodel.Reply, opts ...fixtureOption) *fixture {
	t.Helper()
	model := fakemodel.New(replies...)
	t.Cleanup(model.Close)
	cfg := inference.Config{Model: "fake-model", EndpointURL: model.URL, IdleTimeout: 20 * time.Second,
		Getenv: func(string) string { return "" }}
	log := &syncBuffer{}
	o := serve.Options{Agent: &agent.Agent{SystemPrompt: "You are the test agent."}, ModelID: "test-agent",
		Backend: "fake-model", Log: log}
	for _, opt := range opts {
		opt(&o, &cfg)
	}
	if o.Agent.Model == nil {
		client, err := inference.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		o.Agent.Model = client
	}
	h := serve.New(o)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &fixture{model: model, srv: srv, h: h, agent: o.Agent, log: log}
}

// post sends a chat-completion request body as JSON.
func (f *fixture) post(t testing.TB, body any, header ...string) *http.Response {
	t.Helper()
	b, ok := body.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/v1/chat/completions", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func userRequest(text string, stream bool) map[string]any {
	return map[string]any{"model": "test-agent", "stream": stream,
		"messages": []any{map[string]any{"role": "user", "content": text}}}
}

// completion is a decoded non-streamed answer.
type completion struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	Model   string `json:"model"`
	Choices []struct {
		Index   int `json:"index"`
		Message struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage        map[string]int   `json:"usage"`
	ToolActivity []map[string]any `json:"tool_activity"`
}

func decodeCompletion(t testing.TB, resp *http.Response) completion {
	t.Helper()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var c completion
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatalf("body is not a completion: %v\n%s", err, body)
	}
	if c.Object != "chat.completion" || !strings.HasPrefix(c.ID, "chatcmpl-") || c.Model != "test-agent" || len(c.Choices) != 1 {
		t.Errorf("completion envelope: %+v", c)
	}
	return c
}

// sseStream is a decoded stream: every data payload but [DONE], and whether [DONE] ended it.
type sseStream struct {
	chunks []map[string]any
	done   bool
	raw    string
}

// readSSE reads a whole event stream and checks its framing: every event is one `data:`
// line, [DONE] is last.
func readSSE(t testing.TB, resp *http.Response) sseStream {
	t.Helper()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q, want text/event-stream", ct)
	}
	var s sseStream
	var raw strings.Builder
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		raw.WriteString(line + "\n")
		switch {
		case line == "" || strings.HasPrefix(line, ":"):
		case line == "data: [DONE]":
			if s.done {
				t.Errorf("[DONE] twice")
			}
			s.done = true
		case strings.HasPrefix(line, "data: "):
			if s.done {
				t.Errorf("data after [DONE]: %s", line)
			}
			var c map[string]any
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &c); err != nil {
				t.Fatalf("chunk is not JSON: %s", line)
			}
			s.chunks = append(s.chunks, c)
		default:
			t.Errorf("unexpected SSE line %q", line)
		}
	}
	s.raw = raw.String()
	return s
}

// content joins the content deltas, as an OpenAI client assembles the answer.
func (s sseStream) content() string {
	var b strings.Builder
	for _, c := range s.chunks {
		for _, ch := range choices(c) {
			if d, ok := ch["delta"].(map[string]any); ok {
				if text, ok := d["content"].(string); ok {
					b.WriteString(text)
				}
			}
		}
	}
	return b.String()
}

func (s sseStream) activity() []map[string]any {
	var out []map[string]any
	for _, c := range s.chunks {
		if a, ok := c["tool_activity"].(map[string]any); ok {
			out = append(out, a)
		}
	}
	return out
}

func (s sseStream) finishReason() string {
	for _, c := range s.chunks {
		for _, ch := range choices(c) {
			if r, ok := ch["finish_reason"].(string); ok {
				return r
			}
		}
	}
	return ""
}

func choices(c map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := c["choices"].([]any)
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// apiErrorBody decodes an OpenAI-style error response.
func apiErrorBody(t testing.TB, resp *http.Response) map[string]any {
	t.Helper()
	b, _ := io.ReadAll(resp.Body)
	var body struct {
		Error map[string]any `json:"error"`
	}
	if err := json.Unmarshal(b, &body); err != nil || body.Error == nil {
		t.Fatalf("status %d: body is not an OpenAI error: %s", resp.StatusCode, b)
	}
	if _, ok := body.Error["message"].(string); !ok {
		t.Errorf("error has no message: %s", b)
	}
	if _, ok := body.Error["type"].(string); !ok {
		t.Errorf("error has no type: %s", b)
	}
	return body.Error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// eventually polls cond until it holds or the time is up.
func eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
