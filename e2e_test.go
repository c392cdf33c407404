package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
	"github.com/tiny-agents/tiny-agents/internal/testservers"
)

var binPath string

func TestMain(m *testing.M) {
	if mode := os.Getenv("TA_FAULT_MCP"); mode != "" {
		serveFaultMCP(mode) // this test binary is the fault MCP server of mcp_faults_test.go
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "tiny-agents-e2e")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "tiny-agents")
	build := exec.Command("go", "build", "-o", binPath, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("build tiny-agents: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// writeAgent writes an agent folder whose model is the fake model and whose server is
// server-everything over stdio.
func writeAgent(t *testing.T, modelURL string, extra map[string]any) string {
	t.Helper()
	node, args := testservers.Everything(t)
	cfg := map[string]any{
		"model":       "fake-model",
		"endpointUrl": modelURL,
		"servers":     []any{map[string]any{"type": "stdio", "command": node, "args": args}},
	}
	for k, v := range extra {
		cfg[k] = v
	}
	dir := t.TempDir()
	b, _ := json.MarshalIndent(cfg, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "agent.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

type result struct {
	stdout, stderr string
	code           int
}

func runBin(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

func jsonEvents(t *testing.T, stdout string) []map[string]any {
	t.Helper()
	var evs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("stdout line is not JSON: %q (%v)", line, err)
		}
		evs = append(evs, ev)
	}
	return evs
}

func TestHeadlessEchoThroughServerEverything(t *testing.T) {
	model := fakemodel.New(
		fakemodel.Reply{ToolCalls: []fakemodel.Call{{ID: "call_1", Name: "echo", Arguments: `{"message":"hello from the test"}`}}},
		fakemodel.Reply{Text: "The server said: hello from the test.", Usage: &fakemodel.Usage{PromptTokens: 10, CompletionTokens: 5}},
	)
	defer model.Close()
	dir := writeAgent(t, model.URL, nil)

	r := runBin(t, nil, "run", dir, "-p", "Please echo hello", "--output", "json")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	evs := jsonEvents(t, r.stdout)
	var types []string
	for _, ev := range evs {
		if typ := ev["type"].(string); len(types) == 0 || types[len(types)-1] != typ {
			types = append(types, typ)
		}
	}
	if got, want := strings.Join(types, ","), "ready,tool_call,tool_result,text,done"; got != want {
		t.Fatalf("event order %s, want %s\n%s", got, want, r.stdout)
	}
	ready := evs[0]
	if !strings.Contains(strings.Join(toStrings(ready["tools"]), ","), "echo") {
		t.Errorf("ready lists no echo tool: %v", ready["tools"])
	}
	servers := ready["servers"].([]any)
	if len(servers) != 1 || servers[0].(map[string]any)["transport"] != "stdio" {
		t.Errorf("ready servers = %v", servers)
	}
	var result, done map[string]any
	for _, ev := range evs {
		switch ev["type"] {
		case "tool_result":
			result = ev
		case "done":
			done = ev
		}
	}
	if result["content"] != "Echo: hello from the test" || result["is_error"] != false {
		t.Errorf("tool_result = %v", result)
	}
	if done["content"] != "The server said: hello from the test." || done["stop"] != "answer" || done["turns"] != float64(2) {
		t.Errorf("done = %v", done)
	}

	reqs := model.Requests()
	if len(reqs) != 2 {
		t.Fatalf("model got %d requests, want 2 (no probe request after the answer)", len(reqs))
	}
	last := reqs[1].LastMessage()
	if last["role"] != "tool" || last["tool_call_id"] != "call_1" || last["content"] != "Echo: hello from the test" {
		t.Errorf("second request's last message = %v, want the echo tool result", last)
	}
	if reqs[0].Path != "/v1/chat/completions" {
		t.Errorf("request path %s", reqs[0].Path)
	}
	if sys := reqs[0].Messages[0]; sys["role"] != "system" || !strings.Contains(sys["content"].(string), "Keep going") {
		t.Errorf("first message is not the built-in system prompt: %v", sys)
	}
}

func TestHeadlessTextOutput(t *testing.T) {
	model := fakemodel.New(
		fakemodel.Reply{ToolCalls: []fakemodel.Call{{ID: "c1", Name: "echo", Arguments: `{"message":"hi"}`}}},
		fakemodel.Reply{Text: "Done: \x1b[2Jhi"},
	)
	defer model.Close()
	dir := writeAgent(t, model.URL, nil)
	r := runBin(t, nil, "run", dir, "-p", "echo hi")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if r.stdout != "Done: hi\n" {
		t.Errorf("stdout = %q, want the answer with escapes stripped", r.stdout)
	}
	if !strings.Contains(r.stderr, "→ echo") || !strings.Contains(r.stderr, "Echo: hi") {
		t.Errorf("stderr has no tool trace: %q", r.stderr)
	}
}

func TestHeadlessModelErrorExitsOne(t *testing.T) {
	model := fakemodel.New(fakemodel.Reply{Status: 401, Body: `{"error":"Invalid username or password."}`})
	defer model.Close()
	dir := writeAgent(t, model.URL, nil)
	r := runBin(t, nil, "run", dir, "-p", "hi", "--output", "json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1", r.code)
	}
	evs := jsonEvents(t, r.stdout)
	if evs[len(evs)-2]["type"] != "error" || evs[len(evs)-2]["kind"] != "auth" {
		t.Errorf("want an auth error before done, got %v", evs)
	}
	if evs[len(evs)-1]["type"] != "done" || evs[len(evs)-1]["stop"] != "error" {
		t.Errorf("last event %v", evs[len(evs)-1])
	}
}

func TestBadConfigExitsTwoAndNamesLine(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "agent.json"), []byte("{\n  \"model\": \"x\",\n  \"servers\": [,]\n}\n"), 0o644)
	r := runBin(t, nil, "run", dir, "-p", "hi")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2; stderr %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "agent.json:3:") {
		t.Errorf("error does not name the file and line: %s", r.stderr)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// hostile is text a malicious model or tool might send: clear screen, cursor moves, window
// title, OSC 52 clipboard write, a hyperlink with misleading text, invalid UTF-8, a
// right-to-left override and a zero width space.
const hostile = "A\x1b[2J\x1b[10;10H\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIC8=\x07\x1b]8;;http://evil.example\x1b\\safe link\x1b]8;;\x1b\\ \xff \u202eevil\u202c pa\u200bss"

func TestHostileTextNeverReachesTheTerminalRaw(t *testing.T) {
	args, _ := json.Marshal(map[string]string{"message": hostile})
	model := fakemodel.New(
		fakemodel.Reply{ToolCalls: []fakemodel.Call{{ID: "c1", Name: "echo", Arguments: string(args)}}},
		fakemodel.Reply{Text: hostile + " " + strings.Repeat("long line ", 5000)},
	)
	defer model.Close()
	dir := writeAgent(t, model.URL, nil)
	r := runBin(t, nil, "run", dir, "-p", "go")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
		for _, bad := range []string{"\x1b", "\a", "\u202e", "\u200b", "\xff"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s contains %q raw", name, bad)
			}
		}
	}
	if !strings.Contains(r.stdout, "Asafe link") || !strings.Contains(r.stderr, "Echo: Asafe link") {
		t.Errorf("the visible text is lost: stdout %.80q, stderr %q", r.stdout, r.stderr)
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHeadlessInterruptEndsWithDoneAndStatus130 sends SIGINT while the model streams: the
// JSON stream still ends with done (stop interrupted), what was streamed is printed, and the
// exit status is 130.
func TestHeadlessInterruptEndsWithDoneAndStatus130(t *testing.T) {
	model := fakemodel.New(fakemodel.Reply{Text: "partial answer", Hang: true})
	defer model.Close()
	dir := writeAgent(t, model.URL, nil)
	cmd := exec.Command(binPath, "run", dir, "-p", "go", "--output", "json")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		// The model streams "partial " then "answer", then hangs: interrupt after both.
		if strings.Contains(sc.Text(), `"type":"text"`) && strings.Contains(sc.Text(), "answer") {
			cmd.Process.Signal(os.Interrupt)
		}
	}
	err = cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want 130", err)
	}
	last := lines[len(lines)-1]
	if !strings.Contains(last, `"type":"done"`) || !strings.Contains(last, `"stop":"interrupted"`) || !strings.Contains(last, `"content":"partial answer"`) {
		t.Errorf("last line %s", last)
	}
}

// TestSlowServerDoesNotHoldUpTheTurnNorOutliveTheRun: a server that never answers
// initialize is reported as starting after --ready-wait, the turn runs with the other
// servers, and the stuck server's process is stopped when the run ends.
func TestSlowServerDoesNotHoldUpTheTurnNorOutliveTheRun(t *testing.T) {
	model := fakemodel.New(fakemodel.Reply{Text: "answered without it"})
	defer model.Close()
	marker := "tiny-agents-stuck-" + filepath.Base(t.TempDir())
	dir := writeAgent(t, model.URL, nil)
	node, args := testservers.Everything(t)
	writeJSON(t, filepath.Join(dir, "agent.json"), map[string]any{"model": "m", "endpointUrl": model.URL,
		"servers": []any{
			map[string]any{"command": node, "args": args},
			// A node process that reads stdin and never answers; the marker finds it in ps.
			map[string]any{"name": "stuck", "command": node, "args": []string{"-e", "process.stdin.resume()", marker}},
		}})
	start := time.Now()
	r := runBin(t, nil, "run", dir, "-p", "hi", "--output", "json", "--ready-wait", "1s")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("the run took %s", d)
	}
	evs := jsonEvents(t, r.stdout)
	var stuck map[string]any
	for _, s := range evs[0]["servers"].([]any) {
		if s.(map[string]any)["name"] == "stuck" {
			stuck = s.(map[string]any)
		}
	}
	if stuck == nil || stuck["state"] != "starting" {
		t.Errorf("ready servers: %v", evs[0]["servers"])
	}
	if last := evs[len(evs)-1]; last["type"] != "done" || last["content"] != "answered without it" {
		t.Errorf("last event %v", last)
	}
	out, _ := exec.Command("ps", "-eo", "args").Output()
	if strings.Contains(string(out), marker) {
		t.Errorf("the stuck server outlived the run:\n%s", out)
	}
}
