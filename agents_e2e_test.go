package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiny-agents/tiny-agents/agents"
	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
)

// TestDefaultAgentRunsWithOnlyAToken is `tiny-agents run -p ...` on a fresh machine: no
// agent named, only HF_TOKEN. The router is the fake model.
func TestDefaultAgentRunsWithOnlyAToken(t *testing.T) {
	model := fakemodel.New(
		fakemodel.Reply{ToolCalls: []fakemodel.Call{{ID: "c1", Name: "current_time", Arguments: `{"timezone":"Europe/Paris"}`}}},
		fakemodel.Reply{Text: "It is tea time."},
	)
	defer model.Close()
	env := []string{"HF_TOKEN=hf_e2e_token", "HF_ROUTER_URL=" + model.URL, "HF_HOME=" + t.TempDir(), "API_KEY="}
	r := runBin(t, env, "run", "-p", "what time is it in Paris?", "--output", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	evs := jsonEvents(t, r.stdout)
	ready := evs[0]
	if ready["model"] != agents.DefaultModel || ready["provider"] != "auto" || ready["prompt"] != "AGENTS.md" {
		t.Errorf("ready = %v", ready)
	}
	servers, _ := json.Marshal(ready["servers"])
	if string(servers) != `[{"name":"local-tools","tools":4,"transport":"inprocess"}]` {
		t.Errorf("ready servers = %s", servers)
	}
	var result map[string]any
	for _, ev := range evs {
		if ev["type"] == "tool_result" {
			result = ev
		}
	}
	if result == nil || result["is_error"] != false || !strings.Contains(result["content"].(string), "Europe/Paris") {
		t.Errorf("tool_result = %v", result)
	}
	reqs := model.Requests()
	if len(reqs) != 2 || reqs[0].Header.Get("Authorization") != "Bearer hf_e2e_token" || reqs[0].Path != "/v1/chat/completions" {
		t.Fatalf("requests: %d, first %s %q", len(reqs), reqs[0].Path, reqs[0].Header.Get("Authorization"))
	}
}

func TestHeadlessInputFromFlagOrConfigErrorNamingTheVariable(t *testing.T) {
	model := fakemodel.New(fakemodel.Reply{Text: "ok"}, fakemodel.Reply{Text: "ok"})
	defer model.Close()
	dir := writeAgent(t, model.URL, map[string]any{
		"inputs": []any{map[string]any{"id": "ta-e2e-token", "description": "a token", "password": true}},
	})
	// Put the input into the server's env.
	b, _ := os.ReadFile(filepath.Join(dir, "agent.json"))
	var cfg map[string]any
	json.Unmarshal(b, &cfg)
	cfg["servers"].([]any)[0].(map[string]any)["env"] = map[string]any{"TOKEN": "${input:ta-e2e-token}"}
	b, _ = json.Marshal(cfg)
	os.WriteFile(filepath.Join(dir, "agent.json"), b, 0o644)

	r := runBin(t, nil, "run", dir, "-p", "hi")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2: %s", r.code, r.stderr)
	}
	for _, want := range []string{"agent.json", `no value for input "ta-e2e-token"`, "--input ta-e2e-token=VALUE", "TA_E2E_TOKEN"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q lacks %q", r.stderr, want)
		}
	}
	r = runBin(t, nil, "run", dir, "-p", "hi", "--input", "ta-e2e-token=s3cret")
	if r.code != 0 || r.stdout != "ok\n" {
		t.Fatalf("with --input: exit %d stdout %q stderr %s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, []string{"TA_E2E_TOKEN=from-env"}, "run", dir, "-p", "hi")
	if r.code != 0 {
		t.Fatalf("with the variable: exit %d stderr %s", r.code, r.stderr)
	}
	r = runBin(t, nil, "run", dir, "-p", "hi", "--input", "s3cret")
	if r.code != 2 || strings.Contains(r.stderr, "s3cret") {
		t.Errorf("a malformed --input: exit %d, stderr %q (must not echo the value)", r.code, r.stderr)
	}
}

func TestWarningsGoToStderr(t *testing.T) {
	model := fakemodel.New(fakemodel.Reply{Text: "ok"})
	defer model.Close()
	dir := writeAgent(t, model.URL, map[string]any{"temperature": 0.1})
	r := runBin(t, nil, "run", dir, "-p", "hi", "--output", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, `warning:`) || !strings.Contains(r.stderr, `unknown key "temperature"`) {
		t.Errorf("stderr %q", r.stderr)
	}
}

// TestHubAgentThroughTheCLI runs a Hub id against a fake Hub, then again with the Hub down.
func TestHubAgentThroughTheCLI(t *testing.T) {
	model := fakemodel.New(fakemodel.Reply{Text: "from the hub agent"}, fakemodel.Reply{Text: "from the cache"})
	defer model.Close()
	files := map[string]string{
		"/datasets/tiny-agents/tiny-agents/resolve/main/someone/hub-agent/agent.json": `{"model": "m", "endpointUrl": "` + model.URL + `", "servers": []}`,
		"/datasets/tiny-agents/tiny-agents/resolve/main/someone/hub-agent/AGENTS.md":  "You are the hub agent.",
	}
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("X-Repo-Commit", "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00")
		w.Header().Set("ETag", `"`+strings.ReplaceAll(filepath.Base(r.URL.Path), ".", "")+`"`)
		w.Write([]byte(body))
	}))
	cache := t.TempDir()
	env := []string{"HF_ENDPOINT=" + hub.URL, "HF_HUB_CACHE=" + cache, "HF_TOKEN="}
	r := runBin(t, env, "run", "someone/hub-agent", "-p", "hi", "--output", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if evs := jsonEvents(t, r.stdout); evs[0]["prompt"] != "AGENTS.md" || evs[len(evs)-1]["content"] != "from the hub agent" {
		t.Errorf("events %v", evs)
	}
	if sys := model.Requests()[0].Messages[0]["content"]; sys != "You are the hub agent." {
		t.Errorf("system prompt %q", sys)
	}
	hub.Close()
	r = runBin(t, env, "run", "someone/hub-agent", "-p", "hi")
	if r.code != 0 || r.stdout != "from the cache\n" || !strings.Contains(r.stderr, "cached copy") {
		t.Fatalf("with the Hub down: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, env, "run", "someone/other-agent", "-p", "hi")
	if r.code != 1 || !strings.Contains(r.stderr, "could not be reached") {
		t.Errorf("an uncached agent with the Hub down: exit %d stderr %q", r.code, r.stderr)
	}
}
