package mcp

import (
	"os"
	"path/filepath"

	"context"
	"errors"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestABadServerKeepsItsOwnErrorAndTheOthersWork starts every kind of broken server next to a
// good one: each gets a readable error of its own, and the good server's tools work.
func TestABadServerKeepsItsOwnErrorAndTheOthersWork(t *testing.T) {
	fail500 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "internal failure in the upstream database", http.StatusInternalServerError)
	}))
	defer fail500.Close()
	needsToken := httptest.NewServer(fakeHTTPServer(nil))
	defer needsToken.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String() + "/mcp"
	l.Close()

	cfgs := []ServerConfig{
		fakeServerConfig("good", "ok"),
		{Name: "missing", Command: "tiny-agents-no-such-server"},
		fakeServerConfig("crashes", "crash-at-start"),
		fakeServerConfig("silent", "silent"),
		fakeServerConfig("garbage", "garbage"),
		{Name: "fails500", Type: "http", URL: fail500.URL + "/mcp"},
		{Name: "refused", URL: refused},
		{Name: "needs-login", Type: "http", URL: needsToken.URL + "/mcp"},
	}
	want := map[string][]string{
		"missing":     {`command "tiny-agents-no-such-server" not found`},
		"crashes":     {"exited", "exit status 3", "fatal: cannot read config.toml"},
		"silent":      {"no answer within 1.5s", "initialize"},
		"garbage":     {"no answer within 1.5s", "Welcome to my server v1.0!", "not MCP"},
		"fails500":    {"500", "internal failure in the upstream database"},
		"refused":     {"connection refused"},
		"needs-login": {"authorization required", "OAuth login", "Authorization: Bearer"},
	}
	start := time.Now()
	m := startManager(t, Options{StartTimeout: 1500 * time.Millisecond}, cfgs...)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("start-up took %s: the servers must start in parallel", d)
	}
	for _, s := range m.Servers() {
		if s.Name == "good" {
			if s.Err != nil || s.Tools != 4 {
				t.Errorf("good server: %+v", s)
			}
			continue
		}
		if s.Err == nil {
			t.Errorf("%s: no error", s.Name)
			continue
		}
		t.Logf("%s: %v", s.Name, s.Err)
		for _, w := range want[s.Name] {
			if !strings.Contains(s.Err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", s.Name, s.Err, w)
			}
		}
	}
	r, err := m.Call(context.Background(), "ok", map[string]any{}, nil)
	if err != nil || !strings.HasPrefix(r.Text, "ok from pid") {
		t.Fatalf("the good server must work: %+v %v", r, err)
	}
}

func TestAServerThatExitsDuringACallIsRestartedOnce(t *testing.T) {
	var mu sync.Mutex
	var notices []string
	m := startManager(t, Options{OnNotice: func(n Notice) {
		mu.Lock()
		notices = append(notices, n.Server+": "+n.Text)
		mu.Unlock()
	}}, fakeServerConfig("flaky", "ok"))
	ctx := context.Background()
	first, err := m.Call(ctx, "ok", map[string]any{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Call(ctx, "crash", map[string]any{}, nil)
	if !errors.Is(err, ErrServerDown) || !strings.Contains(err.Error(), "exit status 2") || !strings.Contains(err.Error(), "the tool blew up") {
		t.Fatalf("crash: %v", err)
	}
	again, err := m.Call(ctx, "ok", map[string]any{}, nil)
	if err != nil || again.Text == first.Text {
		t.Fatalf("the next call must restart the server: %+v %v", again, err)
	}
	mu.Lock()
	if len(notices) != 1 || !strings.Contains(notices[0], "flaky: restarted") {
		t.Errorf("notices %q", notices)
	}
	mu.Unlock()
	// A second crash is not restarted again: the server stays down with a clear error.
	m.Call(ctx, "crash", map[string]any{}, nil)
	_, err = m.Call(ctx, "ok", map[string]any{}, nil)
	if !errors.Is(err, ErrServerDown) || !strings.Contains(err.Error(), "again after a restart") {
		t.Fatalf("after a second crash: %v", err)
	}
}

func TestASlowServerJoinsAfterTheReadyWait(t *testing.T) {
	notices := make(chan Notice, 4)
	start := time.Now()
	m := startManager(t, Options{ReadyWait: 200 * time.Millisecond, OnNotice: func(n Notice) { notices <- n }},
		fakeServerConfig("fast", "ok"), fakeServerConfig("slow", "slow"))
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Start waited %s, beyond its ready wait", d)
	}
	st := m.Servers()
	if st[0].Err != nil || st[0].Tools != 4 || !st[1].Starting || st[1].Tools != 0 {
		t.Fatalf("at ready: %+v", st)
	}
	select {
	case n := <-notices:
		if n.Server != "slow" || !strings.Contains(n.Text, "ready (late), 4 tools") {
			t.Fatalf("notice %+v", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the slow server never joined")
	}
	st = m.Servers()
	if st[1].Starting || st[1].Tools != 4 {
		t.Fatalf("after joining: %+v", st)
	}
	// Its tools collide with the fast server's: the later server's get its prefix.
	if !hasTool(m, "slow__ok") || !hasTool(m, "ok") {
		t.Fatalf("tools %v", ToolNames(m.Tools()))
	}
}

func TestToolNameCollisionsAndAllowedTools(t *testing.T) {
	a := fakeServerConfig("alpha", "ok")
	b := fakeServerConfig("beta", "ok")
	c := fakeServerConfig("gamma", "ok")
	c.AllowedTools = []string{"ok"}
	var mu sync.Mutex
	var notices []string
	m := startManager(t, Options{OnNotice: func(n Notice) { mu.Lock(); notices = append(notices, n.Text); mu.Unlock() }}, a, b, c)
	got := strings.Join(ToolNames(m.Tools()), ",")
	if got != "ok,crash,wait,sample,beta__ok,beta__crash,beta__wait,beta__sample,gamma__ok" {
		t.Fatalf("tools %s", got)
	}
	mu.Lock()
	defer mu.Unlock()
	all := strings.Join(notices, "\n")
	if len(notices) != 5 || !strings.Contains(all, `tool "ok" is also on server alpha, so this server's is named "beta__ok"`) {
		t.Fatalf("notices %q", notices)
	}
}

func TestDefaultElicitation(t *testing.T) {
	tests := []struct {
		name, schema, action string
		content              map[string]any
	}{
		{"every field has a default", `{"type":"object","properties":{"name":{"type":"string","default":"John"},"n":{"type":"integer","default":3}},"required":["name"]}`,
			"accept", map[string]any{"name": "John", "n": float64(3)}},
		{"a required field without default", `{"type":"object","properties":{"name":{"type":"string"},"n":{"type":"integer","default":3}},"required":["name"]}`,
			"decline", nil},
		{"optional fields without defaults are left out", `{"type":"object","properties":{"name":{"type":"string"},"ok":{"type":"boolean","default":false}}}`,
			"accept", map[string]any{"ok": false}},
		{"no schema", ``, "accept", map[string]any{}},
		{"broken schema", `{"properties":`, "decline", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := DefaultElicit(context.Background(), ElicitationRequest{Schema: []byte(tt.schema)})
			if err != nil || r.Action != tt.action || len(r.Content) != len(tt.content) {
				t.Fatalf("%+v %v", r, err)
			}
			for k, v := range tt.content {
				if r.Content[k] != v {
					t.Fatalf("%s = %v, want %v", k, r.Content[k], v)
				}
			}
		})
	}
}

func TestSamplingIsDeclinedWithAClearError(t *testing.T) {
	m := startManager(t, Options{}, fakeServerConfig("sampler", "ok"))
	r, err := m.Call(context.Background(), "sample", map[string]any{}, nil)
	if err != nil || !strings.Contains(r.Text, "does not offer sampling") || !strings.Contains(r.Text, "-32601") {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestDefaultRootIsTheWorkingDirectory(t *testing.T) {
	wd, _ := os.Getwd()
	res, err := (&rootsHandler{}).ListRoots(context.Background(), mcpgo.ListRootsRequest{})
	if err != nil || len(res.Roots) != 1 || res.Roots[0].URI != "file://"+filepath.ToSlash(wd) {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestAServerWithoutToolsIsReadyWithNone(t *testing.T) {
	m := startManager(t, Options{}, fakeServerConfig("prompts", "prompts-only"), fakeServerConfig("tools", "ok"))
	if st := m.Servers(); st[0].Err != nil || st[0].Tools != 0 || st[1].Tools != 4 {
		t.Fatalf("%+v", st)
	}
}
