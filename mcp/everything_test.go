package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiny-agents/tiny-agents/internal/testservers"
)

// everything returns the config of server-everything over one transport; the HTTP modes run
// on a loopback port for the test.
func everything(t *testing.T, transport string) ServerConfig {
	t.Helper()
	return everythingB(t, transport)
}

func everythingB(t testing.TB, transport string) ServerConfig {
	t.Helper()
	switch transport {
	case "sse":
		return ServerConfig{Name: "everything", Type: "sse", URL: testservers.EverythingHTTP(t, "sse") + "/sse"}
	case "http":
		return ServerConfig{Name: "everything", Type: "http", URL: testservers.EverythingHTTP(t, "streamableHttp") + "/mcp"}
	}
	node, args := testservers.Everything(t)
	return ServerConfig{Name: "everything", Command: node, Args: args}
}

func startManager(t *testing.T, opts Options, cfgs ...ServerConfig) *Manager {
	t.Helper()
	if opts.ReadyWait == 0 {
		opts.ReadyWait = 30 * time.Second
	}
	m := NewManager(opts)
	t.Cleanup(func() { m.Close() })
	m.Start(context.Background(), cfgs)
	return m
}

func hasTool(m *Manager, name string) bool {
	for _, t := range m.Tools() {
		if t.Name == name {
			return true
		}
	}
	return false
}

// waitTool waits for a tool that a server registers after initialize (and announces with
// notifications/tools/list_changed).
func waitTool(t *testing.T, m *Manager, name string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !hasTool(m, name) {
		if time.Now().After(deadline) {
			t.Fatalf("tool %s never appeared; tools: %v", name, ToolNames(m.Tools()))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestEverythingServerOverEachTransport(t *testing.T) {
	for _, tr := range []string{"stdio", "sse", "http"} {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			m := startManager(t, Options{ToolTimeout: 3 * time.Second}, everything(t, tr))
			st := m.Servers()[0]
			if st.Err != nil || st.Transport != tr || st.Tools < 10 {
				t.Fatalf("server status %+v", st)
			}
			ctx := context.Background()

			t.Run("text result", func(t *testing.T) {
				r, err := m.Call(ctx, "echo", map[string]any{"message": "héllo"}, nil)
				if err != nil || r.IsError || !strings.Contains(r.Text, "héllo") {
					t.Fatalf("echo: %+v %v", r, err)
				}
			})
			t.Run("image result is kept as a part and summarised", func(t *testing.T) {
				r, err := m.Call(ctx, "get-tiny-image", map[string]any{}, nil)
				if err != nil {
					t.Fatal(err)
				}
				var img *Part
				for i := range r.Parts {
					if r.Parts[i].Type == "image" {
						img = &r.Parts[i]
					}
				}
				if img == nil || img.MIMEType != "image/png" || img.Size < 1000 || img.Data == "" {
					t.Fatalf("no PNG part in %+v", r.Parts)
				}
				if strings.Contains(r.Text, img.Data[:40]) || !strings.Contains(r.Text, "image/png") {
					t.Fatalf("the model's text should summarise the image, not carry it: %q", r.Text)
				}
			})
			t.Run("structured result", func(t *testing.T) {
				r, err := m.Call(ctx, "get-structured-content", map[string]any{"location": "Chicago"}, nil)
				if err != nil {
					t.Fatal(err)
				}
				var v map[string]any
				if err := json.Unmarshal(r.Structured, &v); err != nil || v["temperature"] == nil {
					t.Fatalf("structuredContent %s (%v)", r.Structured, err)
				}
			})
			t.Run("error result keeps isError", func(t *testing.T) {
				r, err := m.Call(ctx, "get-resource-reference", map[string]any{"resourceType": "Nope"}, nil)
				if err != nil || !r.IsError || r.Text == "" {
					t.Fatalf("want an isError result, got %+v %v", r, err)
				}
			})
			t.Run("resource links and embedded resources", func(t *testing.T) {
				r, err := m.Call(ctx, "get-resource-links", map[string]any{"count": 2}, nil)
				if err != nil || countParts(r, "resource_link") != 2 || !strings.Contains(r.Text, "demo://") {
					t.Fatalf("resource links: %+v %v", r, err)
				}
				r, err = m.Call(ctx, "get-resource-reference", map[string]any{"resourceType": "Text", "resourceId": 1}, nil)
				if err != nil || countParts(r, "resource") != 1 {
					t.Fatalf("embedded resource: %+v %v", r, err)
				}
			})
			t.Run("progress notifications reach the callback", func(t *testing.T) {
				var mu sync.Mutex
				var got []Progress
				r, err := m.Call(ctx, "trigger-long-running-operation", map[string]any{"duration": 0.6, "steps": 3}, func(p Progress) {
					mu.Lock()
					got = append(got, p)
					mu.Unlock()
				})
				if err != nil || r.IsError {
					t.Fatalf("%+v %v", r, err)
				}
				mu.Lock()
				defer mu.Unlock()
				if len(got) != 3 || got[2].Progress != 3 || got[2].Total != 3 {
					t.Fatalf("progress %+v", got)
				}
			})
			t.Run("a cancelled call returns at once", func(t *testing.T) {
				ctx, cancel := context.WithCancel(ctx)
				time.AfterFunc(300*time.Millisecond, cancel)
				start := time.Now()
				_, err := m.Call(ctx, "trigger-long-running-operation", map[string]any{"duration": 20, "steps": 2}, nil)
				if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
					t.Fatalf("err %v after %s", err, time.Since(start))
				}
				// The server is still usable.
				if r, err := m.Call(context.Background(), "get-sum", map[string]any{"a": 1, "b": 2}, nil); err != nil || !strings.Contains(r.Text, "3") {
					t.Fatalf("after cancel: %+v %v", r, err)
				}
			})
			t.Run("a long call times out", func(t *testing.T) {
				start := time.Now()
				_, err := m.Call(ctx, "trigger-long-running-operation", map[string]any{"duration": 20, "steps": 2}, nil)
				if !errors.Is(err, ErrToolTimeout) || time.Since(start) > 6*time.Second {
					t.Fatalf("err %v after %s", err, time.Since(start))
				}
			})
		})
	}
}

func countParts(r Result, typ string) int {
	n := 0
	for _, p := range r.Parts {
		if p.Type == typ {
			n++
		}
	}
	return n
}

func TestElicitationGoesToTheCallsHandler(t *testing.T) {
	for _, tr := range []string{"stdio", "http"} {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			m := startManager(t, Options{}, everything(t, tr))
			waitTool(t, m, "trigger-elicitation-request")
			var asked ElicitationRequest
			ctx := WithElicitation(context.Background(), func(_ context.Context, req ElicitationRequest) (ElicitationReply, error) {
				asked = req
				content := map[string]any{}
				for k, v := range map[string]any{"name": "Ada", "check": true, "email": "ada@example.com", "integer": 3, "number": 1.5, "untitledSingleSelectEnum": "option1"} {
					content[k] = v
				}
				return ElicitationReply{Action: "accept", Content: content}, nil
			})
			r, err := m.Call(ctx, "trigger-elicitation-request", map[string]any{}, nil)
			if err != nil || r.IsError {
				t.Fatalf("%+v %v", r, err)
			}
			if asked.Server != "everything" || asked.Message == "" || !strings.Contains(string(asked.Schema), "properties") {
				t.Fatalf("request %+v", asked)
			}
			if !strings.Contains(r.Text, "accept") || !strings.Contains(r.Text, "Ada") {
				t.Fatalf("the server did not get the answer: %q", r.Text)
			}
		})
	}
}

func TestHeadlessElicitationDeclinesWithoutDefaults(t *testing.T) {
	m := startManager(t, Options{}, everything(t, "stdio"))
	waitTool(t, m, "trigger-elicitation-request")
	// server-everything's form has required fields without defaults: nobody can answer them.
	r, err := m.Call(context.Background(), "trigger-elicitation-request", map[string]any{}, nil)
	if err != nil || !strings.Contains(r.Text, "decline") {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestRootsAreTheWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	m := startManager(t, Options{Roots: []string{dir}}, everything(t, "stdio"))
	waitTool(t, m, "get-roots-list")
	r, err := m.Call(context.Background(), "get-roots-list", map[string]any{}, nil)
	if err != nil || !strings.Contains(r.Text, fileURI(dir)) {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestFilesystemAndMemoryServersOverStdio(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "note.txt"), []byte("tiny agents were here"), 0o644); err != nil {
		t.Fatal(err)
	}
	mem := filepath.Join(t.TempDir(), "memory.jsonl")
	node := testservers.Node(t)
	// server-filesystem replaces its command-line folders with the client's roots.
	m := startManager(t, Options{Roots: []string{dir}},
		ServerConfig{Name: "fs", Command: node, Args: []string{testservers.Script(t, "@modelcontextprotocol/server-filesystem/dist/index.js"), dir}},
		ServerConfig{Name: "memory", Command: node, Args: []string{testservers.Script(t, "@modelcontextprotocol/server-memory/dist/index.js")},
			Env: map[string]string{"MEMORY_FILE_PATH": mem}},
	)
	for _, s := range m.Servers() {
		if s.Err != nil || s.Tools == 0 {
			t.Fatalf("%+v", s)
		}
	}
	ctx := context.Background()
	r, err := m.Call(ctx, "read_text_file", map[string]any{"path": filepath.Join(dir, "note.txt")}, nil)
	if err != nil || r.IsError || !strings.Contains(r.Text, "tiny agents were here") {
		t.Fatalf("read_text_file: %+v %v", r, err)
	}
	r, err = m.Call(ctx, "read_text_file", map[string]any{"path": "/etc/passwd"}, nil)
	if err != nil || !r.IsError {
		t.Fatalf("a path outside the allowed folder must be an error result: %+v %v", r, err)
	}
	r, err = m.Call(ctx, "create_entities", map[string]any{"entities": []any{
		map[string]any{"name": "Ada", "entityType": "person", "observations": []any{"wrote the first program"}}}}, nil)
	if err != nil || r.IsError {
		t.Fatalf("create_entities: %+v %v", r, err)
	}
	r, err = m.Call(ctx, "search_nodes", map[string]any{"query": "Ada"}, nil)
	if err != nil || !strings.Contains(r.Text, "first program") {
		t.Fatalf("search_nodes: %+v %v", r, err)
	}
	if b, err := os.ReadFile(mem); err != nil || !strings.Contains(string(b), "Ada") {
		t.Fatalf("memory file: %q %v", b, err)
	}
}

// TestFilesystemServerKeepsItsCommandLineFolders: an agent.json from either peer that starts
// server-filesystem on a folder must mean that folder here too, wherever tiny-agents runs
// from. The server replaces its folders with any roots a client offers, so the client offers
// it the folders of its own command line.
func TestFilesystemServerKeepsItsCommandLineFolders(t *testing.T) {
	docs := t.TempDir()
	if err := os.WriteFile(filepath.Join(docs, "plan.txt"), []byte("the plan"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := startManager(t, Options{}, ServerConfig{Name: "fs", Command: testservers.Node(t),
		Args: []string{testservers.Script(t, "@modelcontextprotocol/server-filesystem/dist/index.js"), docs}})
	if wd, _ := os.Getwd(); strings.HasPrefix(docs, wd) {
		t.Fatalf("the test needs a folder outside the working directory")
	}
	r, err := m.Call(context.Background(), "read_text_file", map[string]any{"path": filepath.Join(docs, "plan.txt")}, nil)
	if err != nil || r.IsError || !strings.Contains(r.Text, "the plan") {
		t.Fatalf("read_text_file in the configured folder: %+v %v", r, err)
	}
	r, err = m.Call(context.Background(), "list_allowed_directories", map[string]any{}, nil)
	if err != nil || !strings.Contains(r.Text, docs) {
		t.Fatalf("allowed directories: %+v %v", r, err)
	}
}

func TestSamplingRequestsGoToTheCallsSampler(t *testing.T) {
	m := startManager(t, Options{Sampling: true}, everything(t, "stdio"))
	waitTool(t, m, "trigger-sampling-request")
	var got SamplingRequest
	ctx := WithSampling(context.Background(), func(_ context.Context, req SamplingRequest) (SamplingResult, error) {
		got = req
		return SamplingResult{Text: "a haiku about tests", Model: "fake-model", StopReason: "endTurn"}, nil
	})
	r, err := m.Call(ctx, "trigger-sampling-request", map[string]any{"prompt": "write a haiku", "maxTokens": 50}, nil)
	if err != nil || r.IsError || !strings.Contains(r.Text, "a haiku about tests") {
		t.Fatalf("result %+v %v", r, err)
	}
	if got.Server != "everything" || len(got.Messages) == 0 || !strings.Contains(got.Messages[0].Text, "write a haiku") || got.MaxTokens != 50 {
		t.Errorf("sampling request %+v", got)
	}
	// A call without a sampler: the server is told no, and the call still ends.
	r, err = m.Call(context.Background(), "trigger-sampling-request", map[string]any{"prompt": "x"}, nil)
	if err != nil || !strings.Contains(r.Text+fmt.Sprint(err), "no model to sample with") {
		t.Fatalf("without a sampler: %+v %v", r, err)
	}
}
