package agents

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeVSCode writes a VS Code workspace whose .vscode/mcp.json has one stdio server using
// envFile, and returns the config's path.
func writeVSCode(t *testing.T, envFile, dotenv string) string {
	t.Helper()
	ws := t.TempDir()
	if err := os.MkdirAll(filepath.Join(ws, ".vscode"), 0o755); err != nil {
		t.Fatal(err)
	}
	if dotenv != "" {
		if err := os.WriteFile(filepath.Join(ws, ".env"), []byte(dotenv), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := `{
  "servers": {
    "github": {
      "command": "node",
      "args": ["server.js"],
      "envFile": "` + envFile + `",
      "env": {"GITHUB_HOST": "from-env"}
    }
  }
}`
	path := filepath.Join(ws, ".vscode", "mcp.json")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestEnvFileVariablesReachTheServerAndEnvWins(t *testing.T) {
	dotenv := "# secrets for the github server\nexport GITHUB_TOKEN=ghp_from_file\nGITHUB_HOST=from-file\n" +
		"QUOTED=\"two\\nlines\"\nSINGLE='kept $as is'\nBARE=value # a comment\n\r\n"
	path := writeVSCode(t, "${workspaceFolder}/.env", dotenv)
	a := mustLoad(t, path, Options{LookupEnv: fakeEnv(t, map[string]string{"HF_TOKEN": "hf_x"}), LocalServers: []string{}})
	env := a.Servers[0].Env
	want := map[string]string{"GITHUB_TOKEN": "ghp_from_file", "GITHUB_HOST": "from-env", "QUOTED": "two\nlines",
		"SINGLE": "kept $as is", "BARE": "value"}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("env[%s] = %q, want %q", k, env[k], v)
		}
	}
	if a.Servers[0].EnvFile != "" {
		t.Errorf("envFile left for the server to handle: %q", a.Servers[0].EnvFile)
	}
}

func TestEnvFileProblemsNameTheFieldAndLine(t *testing.T) {
	cases := []struct {
		name, envFile, dotenv string
		words                 []string
	}{
		{"missing file", "${workspaceFolder}/.env", "", []string{"mcp.json:6:", "servers.github.envFile", "cannot read the env file", "no such file"}},
		{"bad line", ".env", "OK=1\nthis is not a variable\n", []string{"servers.github.envFile", ".env line 2", "expected KEY=VALUE"}},
		{"unterminated quote", ".env", "A=\"open\n", []string{".env line 1", "unterminated quote"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeVSCode(t, c.envFile, c.dotenv)
			_, err := Load(context.Background(), path, Options{LookupEnv: fakeEnv(t, map[string]string{"HF_TOKEN": "hf_x"}), LocalServers: []string{}})
			var ces ConfigErrors
			if !errors.As(err, &ces) {
				t.Fatalf("want ConfigErrors, got %v", err)
			}
			for _, w := range c.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
		})
	}
}
