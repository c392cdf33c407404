package agents

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fakeEnv is an environment for one test, so nothing of the machine's leaks in.
func fakeEnv(t *testing.T, kv map[string]string) func(string) (string, bool) {
	t.Helper()
	m := map[string]string{"HF_HOME": t.TempDir()}
	for k, v := range kv {
		m[k] = v
	}
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func mustLoad(t *testing.T, arg string, opts Options) *Agent {
	t.Helper()
	a, err := Load(context.Background(), arg, opts)
	if err != nil {
		t.Fatalf("Load(%s): %v", arg, err)
	}
	return a
}

func TestTinyAgentFolderSubstitutesEveryOccurrence(t *testing.T) {
	var asked []string
	opts := Options{
		Inputs:    map[string]string{"hf-token": "hf_from_flag"},
		LookupEnv: fakeEnv(t, map[string]string{"WEATHER_API_KEY": "wkey-from-env", "HOME": "/home/test"}),
		Prompter: func(in Input) (string, error) {
			asked = append(asked, in.ID)
			return "metric", nil
		},
	}
	a := mustLoad(t, "testdata/corpus/weather-agent", opts)
	if !reflect.DeepEqual(asked, []string{"units"}) {
		t.Errorf("prompted for %v, want only [units] (the others come from --input and the environment)", asked)
	}
	if a.PromptSource != "AGENTS.md" || !strings.Contains(a.Prompt, "weather assistant") {
		t.Errorf("prompt from %s: %q; AGENTS.md must win over PROMPT.md", a.PromptSource, a.Prompt)
	}
	if a.APIKey != "hf_from_flag" || a.BillTo != "my-org" || a.Provider != "together" {
		t.Errorf("apiKey %q billTo %q provider %q", a.APIKey, a.BillTo, a.Provider)
	}
	if len(a.Servers) != 3 {
		t.Fatalf("%d servers, want 3", len(a.Servers))
	}
	stdio, web, sse := a.Servers[0], a.Servers[1], a.Servers[2]
	wantArgs := []string{"-y", "@example/weather-mcp", "--units=metric", "--cache=/home/test/.weather"}
	if !reflect.DeepEqual(stdio.Args, wantArgs) {
		t.Errorf("args %q, want %q", stdio.Args, wantArgs)
	}
	if stdio.Env["AUTH"] != "key=wkey-from-env;again=wkey-from-env" {
		t.Errorf("every occurrence must be substituted: AUTH=%q", stdio.Env["AUTH"])
	}
	if stdio.Transport() != "stdio" || web.Transport() != "http" || sse.Transport() != "sse" {
		t.Errorf("transports %s %s %s", stdio.Transport(), web.Transport(), sse.Transport())
	}
	if web.URL != "https://weather.example.com/mcp?units=metric" || web.Headers["Authorization"] != "Bearer wkey-from-env" {
		t.Errorf("http server url %q headers %v", web.URL, web.Headers)
	}
	if !reflect.DeepEqual(web.AllowedTools, []string{"forecast", "alerts"}) {
		t.Errorf("allowed_tools %v", web.AllowedTools)
	}
	if sse.DisplayName() != "legacy-weather" {
		t.Errorf("the name field names the server: %q", sse.DisplayName())
	}
	secrets := a.Secrets()
	for _, s := range []string{"hf_from_flag", "wkey-from-env"} {
		if !contains(secrets, s) {
			t.Errorf("secret %q is not in Secrets() (password inputs and the API key must be)", s)
		}
	}
	if contains(secrets, "metric") {
		t.Error("a plain input is not a secret")
	}
	if len(a.Warnings) != 0 {
		t.Errorf("unexpected warnings %q", a.Warnings)
	}
}

func TestCorpusLoads(t *testing.T) {
	cases := []struct {
		path       string
		format     string
		names      []string
		transports []string
		prompt     string
		check      func(t *testing.T, a *Agent)
	}{
		{"testdata/corpus/prompt-only", FormatTinyAgents, []string{"mcp-server-fetch"}, []string{"stdio"}, "PROMPT.md", func(t *testing.T, a *Agent) {
			if a.Provider != "" || a.Model != "openai/gpt-oss-120b" {
				t.Errorf("model %q provider %q (no provider means auto in the client)", a.Model, a.Provider)
			}
		}},
		{"testdata/corpus/legacy-hub-style", FormatTinyAgents, []string{"mcp", "evalstate-flux1-schnell.hf.space"}, []string{"stdio", "sse"}, "built-in", func(t *testing.T, a *Agent) {
			if a.Servers[0].Command != "npx" || a.Servers[0].Args[0] != "@playwright/mcp@latest" {
				t.Errorf("nested config not read: %+v", a.Servers[0])
			}
			if !strings.Contains(strings.Join(a.Warnings, "\n"), "nebius") {
				t.Errorf("a provider dropped by the router must warn: %q", a.Warnings)
			}
		}},
		{"testdata/corpus/local-endpoint", FormatTinyAgents, []string{"127.0.0.1:3001"}, []string{"http"}, "built-in", func(t *testing.T, a *Agent) {
			if a.EndpointURL != "http://localhost:11434/v1" || a.Provider != "" {
				t.Errorf("endpointUrl must win over provider: endpoint %q provider %q", a.EndpointURL, a.Provider)
			}
			if a.Servers[0].Type != "" {
				t.Errorf("a url without type stays untyped (http, SSE fallback): %q", a.Servers[0].Type)
			}
		}},
		{"testdata/corpus/vscode/.vscode/mcp.json", FormatVSCode, []string{"github", "memory", "regional"}, []string{"http", "stdio", "http"}, "built-in", func(t *testing.T, a *Agent) {
			ws, _ := filepath.Abs("testdata/corpus/vscode")
			if a.Servers[0].Headers["Authorization"] != "Bearer ghp_test" {
				t.Errorf("header %q", a.Servers[0].Headers["Authorization"])
			}
			if a.Servers[1].Cwd != ws || a.Servers[1].Env["MEMORY_FILE_PATH"] != ws+"/memory.jsonl" {
				t.Errorf("${workspaceFolder}: cwd %q env %q, want %q", a.Servers[1].Cwd, a.Servers[1].Env["MEMORY_FILE_PATH"], ws)
			}
			if a.Servers[2].URL != "https://eu.mcp.example.com/mcp" {
				t.Errorf("pickString default not used: %q", a.Servers[2].URL)
			}
			if a.Model != DefaultModel || a.Provider != DefaultProvider {
				t.Errorf("model %q provider %q, want the defaults", a.Model, a.Provider)
			}
			if len(a.Notices) != 1 || !strings.Contains(a.Notices[0], DefaultModel) {
				t.Errorf("the default model must be said once: %q", a.Notices)
			}
		}},
		{"testdata/corpus/cursor/.cursor/mcp.json", FormatMCPServers, []string{"linear", "sqlite"}, []string{"http", "stdio"}, "built-in", func(t *testing.T, a *Agent) {
			home, _ := os.UserHomeDir()
			if a.Servers[0].Headers["Authorization"] != "Bearer lin_test" || a.Servers[0].URL != "https://mcp.linear.app/sse" {
				t.Errorf("linear: %+v", a.Servers[0])
			}
			if a.Servers[1].Args[2] != home+"/data.db" {
				t.Errorf("${userHome}: %q", a.Servers[1].Args[2])
			}
		}},
		{"testdata/corpus/claude/claude_desktop_config.json", FormatMCPServers, []string{"filesystem", "brave-search"}, []string{"stdio", "stdio"}, "built-in", func(t *testing.T, a *Agent) {
			if a.Servers[1].Env["BRAVE_API_KEY"] != "BSA-not-a-real-key" {
				t.Errorf("env %v", a.Servers[1].Env)
			}
			w := strings.Join(a.Warnings, "\n")
			if !strings.Contains(w, "old-server is disabled") {
				t.Errorf("a disabled server is left out with a warning: %q", w)
			}
			if strings.Contains(w, "globalShortcut") {
				t.Errorf("Claude Desktop's own settings must not warn: %q", w)
			}
		}},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			a := mustLoad(t, c.path, Options{
				Inputs:    map[string]string{"github_token": "ghp_test"},
				LookupEnv: fakeEnv(t, map[string]string{"HF_TOKEN": "hf_test", "LINEAR_API_KEY": "lin_test"}),
			})
			if a.Format != c.format {
				t.Errorf("format %q, want %q", a.Format, c.format)
			}
			var names, transports []string
			for _, s := range a.Servers {
				names = append(names, s.DisplayName())
				transports = append(transports, s.Transport())
			}
			if !reflect.DeepEqual(names, c.names) || !reflect.DeepEqual(transports, c.transports) {
				t.Errorf("servers %v %v, want %v %v", names, transports, c.names, c.transports)
			}
			if a.PromptSource != c.prompt {
				t.Errorf("prompt source %q, want %q", a.PromptSource, c.prompt)
			}
			c.check(t, a)
		})
	}
}

func TestInputValueOrderFlagThenEnvThenPrompt(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "agent.json", `{"model": "m", "inputs": [{"id": "api-key"}],
		"servers": [{"command": "srv", "env": {"K": "${input:api-key}"}}]}`)
	prompter := func(Input) (string, error) { return "typed", nil }
	cases := []struct {
		name  string
		flag  map[string]string
		env   map[string]string
		want  string
		asker Prompter
	}{
		{"flag wins", map[string]string{"api-key": "flag"}, map[string]string{"API_KEY": "env"}, "flag", prompter},
		{"env var is the id upper-cased with - as _", nil, map[string]string{"API_KEY": "env"}, "env", prompter},
		{"prompt last", nil, nil, "typed", prompter},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := mustLoad(t, dir, Options{Inputs: c.flag, LookupEnv: fakeEnv(t, c.env), Prompter: c.asker})
			if got := a.Servers[0].Env["K"]; got != c.want {
				t.Errorf("K=%q, want %q", got, c.want)
			}
		})
	}
}

func TestHeadlessMissingInputNamesInputAndVariable(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "agent.json", `{
  "model": "m",
  "inputs": [{"id": "github-token", "description": "GitHub token", "password": true}],
  "servers": [{"url": "https://x.example/mcp", "headers": {"Authorization": "Bearer ${input:github-token}"}}]
}`)
	_, err := Load(context.Background(), dir, Options{LookupEnv: fakeEnv(t, nil)})
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("want a ConfigError, got %v", err)
	}
	for _, want := range []string{"agent.json:3:", "inputs[0].id", `"github-token"`, "--input github-token=VALUE", "GITHUB_TOKEN"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestPasswordValueNeverInErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "agent.json", `{"model": "m", "inputs": [{"id": "u", "password": true}],
		"servers": [{"type": "http", "url": "${input:u}"}]}`)
	_, err := Load(context.Background(), dir, Options{Inputs: map[string]string{"u": "s3cret-value"}, LookupEnv: fakeEnv(t, nil)})
	if err == nil {
		t.Fatal("a URL without scheme must be refused")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("the error shows the password value: %v", err)
	}
	if !strings.Contains(err.Error(), "${input:u}") || !strings.Contains(err.Error(), "servers[0].url") {
		t.Errorf("the error should name the field and the template: %v", err)
	}
}

func TestUnusedInputAndUnknownKeysWarn(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "agent.json", `{
  "model": "m",
  "temperature": 0.2,
  "inputs": [{"id": "never"}],
  "servers": [{"command": "srv", "argz": []}]
}`)
	a := mustLoad(t, dir, Options{LookupEnv: fakeEnv(t, nil), Inputs: map[string]string{"other": "x"}})
	w := strings.Join(a.Warnings, "\n")
	for _, want := range []string{
		`agent.json:3:3: unknown key "temperature"`,
		`agent.json:5:34: unknown key "argz" in servers[0]`,
		`input "never" is declared but never used`,
		`--input other: the agent declares no input`,
	} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings %q lack %q", w, want)
		}
	}
}

func TestCommandLineOverridesWin(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "agent.json", `{"servers": []}`)
	a := mustLoad(t, dir, Options{Model: "cli-model", Provider: "groq", LookupEnv: fakeEnv(t, nil)})
	if a.Model != "cli-model" || a.Provider != "groq" {
		t.Errorf("model %q provider %q", a.Model, a.Provider)
	}
}

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDuplicateKeyWarnsAndTheLastValueCounts(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "agent.json", "{\n  \"model\": \"first\",\n  \"model\": \"second\"\n}")
	a := mustLoad(t, dir, Options{LookupEnv: fakeEnv(t, nil)})
	if a.Model != "second" {
		t.Errorf("model %q, want the last value (as JSON.parse and Python's json)", a.Model)
	}
	if len(a.Warnings) != 1 || !strings.Contains(a.Warnings[0], "agent.json:3:3: key \"model\" is given twice") {
		t.Errorf("warnings %q", a.Warnings)
	}
}

func TestProjectFolderWithEditorConfigAndAgentsMD(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "AGENTS.md", "Project rules: run the tests first.")
	write(t, dir, ".mcp.json", `{"mcpServers": {"db": {"type": "stdio", "command": "${DB_BIN:-postgres-mcp}", "args": ["--url", "${DATABASE_URL}"]}}}`)
	a := mustLoad(t, dir, Options{LookupEnv: fakeEnv(t, map[string]string{"HF_TOKEN": "hf_x", "DATABASE_URL": "postgres://localhost/db"})})
	if a.PromptSource != "AGENTS.md" || a.Format != FormatMCPServers || a.Name != filepath.Base(dir) {
		t.Errorf("prompt %s format %s name %s", a.PromptSource, a.Format, a.Name)
	}
	if s := a.Servers[0]; s.Command != "postgres-mcp" || s.Args[1] != "postgres://localhost/db" {
		t.Errorf("Claude Code variables: command %q args %q", s.Command, s.Args)
	}
	// VS Code's file wins over Claude Code's, and agent.json over both.
	write(t, dir, ".vscode/mcp.json", `{"servers": {"vs": {"command": "vs-server"}}}`)
	if a := mustLoad(t, dir, Options{LookupEnv: fakeEnv(t, map[string]string{"HF_TOKEN": "hf_x"})}); a.Servers[0].Name != "vs" {
		t.Errorf("servers %+v", a.Servers)
	}
	_, err := Load(context.Background(), write(t, t.TempDir(), ".mcp.json", `{"mcpServers": {"db": {"command": "x", "env": {"U": "${UNSET_VAR}"}}}}`), Options{LookupEnv: fakeEnv(t, nil)})
	if err == nil || !strings.Contains(err.Error(), "${UNSET_VAR} is used but UNSET_VAR is not set") || !strings.Contains(err.Error(), "mcpServers.db.env.U") {
		t.Errorf("unset Claude Code variable: %v", err)
	}
}
