package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
	"github.com/tiny-agents/tiny-agents/internal/testservers"
)

// TestSecretsNeverReachAnyOutput runs the agent with known secrets in every place a user puts
// them, makes a tool print its environment and the model echo the key in an error, and greps
// every output of the run (stdout, stderr, the debug log) for them.
func TestSecretsNeverReachAnyOutput(t *testing.T) {
	const (
		hfToken   = "hf_TESTtokenAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		apiKey    = "my-endpoint-api-key-123456"
		serverKey = "server-secret-value-987654"
	)
	for _, output := range []string{"text", "json"} {
		t.Run(output, func(t *testing.T) {
			model := fakemodel.New(
				fakemodel.Reply{ToolCalls: []fakemodel.Call{{ID: "c1", Name: "get-env", Arguments: `{}`}}},
				fakemodel.Reply{Status: 401, Body: `{"error":"invalid key ` + apiKey + ` (Authorization: Bearer ` + apiKey + `)"}`},
			)
			defer model.Close()
			node, args := testservers.Everything(t)
			dir := t.TempDir()
			writeJSON(t, filepath.Join(dir, "agent.json"), map[string]any{
				"model": "m", "endpointUrl": model.URL, "apiKey": apiKey,
				"servers": []any{map[string]any{"type": "stdio", "command": node, "args": args,
					"env": map[string]string{"MY_SERVICE_TOKEN": serverKey}}},
			})
			debugDir := t.TempDir()
			r := runBin(t, []string{"HF_TOKEN=" + hfToken, "TINY_AGENTS_DEBUG=1", "TMPDIR=" + debugDir},
				"run", dir, "-p", "show env", "--output", output)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1 (the model's 401); stderr %s", r.code, r.stderr)
			}
			logs, _ := filepath.Glob(filepath.Join(debugDir, "tiny-agents-debug-*.log"))
			if len(logs) != 1 {
				t.Fatalf("want one debug log in %s, found %v (stderr %s)", debugDir, logs, r.stderr)
			}
			logText, _ := os.ReadFile(logs[0])
			if !strings.Contains(string(logText), "get-env") || !strings.Contains(string(logText), "event") {
				t.Errorf("the debug log does not record the run:\n%s", logText)
			}
			outputs := map[string]string{"stdout": r.stdout, "stderr": r.stderr, "debug log": string(logText)}
			for name, text := range outputs {
				for _, secret := range []string{hfToken, apiKey, serverKey} {
					if strings.Contains(text, secret) {
						t.Errorf("%s contains the secret %q", name, secret)
					}
				}
			}
			// The tool really did print the variable (masked), so the test is not vacuous.
			if !regexp.MustCompile(`MY_SERVICE_TOKEN[^,\n]*\*\*\*`).MatchString(r.stdout + r.stderr + string(logText)) {
				t.Errorf("the masked variable is not in the output: %s %s", r.stdout, r.stderr)
			}
		})
	}
}
