package serve_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiny-agents/tiny-agents/inference"
	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
	"github.com/tiny-agents/tiny-agents/internal/serve"
	"github.com/tiny-agents/tiny-agents/internal/testservers"
)

// openAIClient runs testdata/npm-openai/client.mjs: the official openai npm client (which
// needs Node 22, installed for the conformance suite) against the fixture.
func openAIClient(t *testing.T, f *fixture, key string, scenarios ...string) map[string]map[string]any {
	t.Helper()
	dir := filepath.Join(testservers.Root(), "testdata", "npm-openai")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "openai", "package.json")); err != nil {
		t.Fatalf("the openai npm client is missing: install it with npm ci --prefix testdata/npm-openai (as .ci/run does)")
	}
	args := append([]string{filepath.Join(dir, "client.mjs"), f.srv.URL + "/v1", key}, scenarios...)
	cmd := exec.Command(testservers.Node22(t), args...)
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("client.mjs: %v\n%s\n%s", err, out, stderr)
	}
	results := map[string]map[string]any{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("client.mjs printed %q", line)
		}
		if r["unexpected"] != nil {
			t.Errorf("%s: the openai client failed: %v", r["scenario"], r["unexpected"])
		}
		results[r["scenario"].(string)] = r
	}
	return results
}

func TestOpenAINodeClientTalksToServe(t *testing.T) {
	f := newFixture(t, toolRound(), withTools(t), func(o *serve.Options, _ *inference.Config) { o.Key = "node-key" })
	r := openAIClient(t, f, "node-key", "nonstream", "stream", "helper", "models")

	plain := r["nonstream"]
	if plain["content"] != "Checking node-plain\n\nThe tool said: Echo: node-plain" || plain["finish"] != "stop" ||
		plain["object"] != "chat.completion" || plain["model"] != "test-agent" || plain["activity"] != 2.0 {
		t.Errorf("non-stream: %v", plain)
	}
	st := r["stream"]
	if st["content"] != "Checking node-stream\n\nThe tool said: Echo: node-stream" || st["finish"] != "stop" || st["usage"] != true {
		t.Errorf("stream: %v", st)
	}
	if act, _ := st["activity"].([]any); len(act) != 2 || act[0] != "tool_call" || act[1] != "tool_result" {
		t.Errorf("stream: tool activity seen by the client: %v", st["activity"])
	}
	if h := r["helper"]; h["content"] != "Checking node-helper\n\nThe tool said: Echo: node-helper" || h["finish"] != "stop" {
		t.Errorf("stream helper: %v", h)
	}
	if ids, _ := r["models"]["ids"].([]any); len(ids) != 1 || ids[0] != "test-agent" {
		t.Errorf("models: %v", r["models"])
	}

	bad := openAIClient(t, f, "wrong-key", "error")["error"]
	if bad["thrown"] != true || bad["status"] != 401.0 {
		t.Errorf("wrong key: %v", bad)
	}
}

func TestOpenAINodeClientSeesErrors(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{
		{Status: 500, Body: `{"error":"model crashed"}`},
		{Text: "half an", ErrorMidStream: "lost the GPU"},
	})
	r := openAIClient(t, f, "unused", "error", "midstream")
	if e := r["error"]; e["thrown"] != true || e["status"] != 502.0 || e["type"] != "upstream_error" || !strings.Contains(e["message"].(string), "model crashed") {
		t.Errorf("model error as the client sees it: %v", e)
	}
	if m := r["midstream"]; m["thrown"] != true || m["content"] != "half an" || !strings.Contains(m["message"].(string), "lost the GPU") {
		t.Errorf("error chunk as the client sees it: %v", m)
	}
}
