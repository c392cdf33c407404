package agents

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents/tiny-agents/internal/testservers"
	"github.com/tiny-agents/tiny-agents/mcp"
)

// TestEnvReachesStdioServer starts the real server-everything from each config format and
// asks it, with its get-env tool, which environment it was given.
func TestEnvReachesStdioServer(t *testing.T) {
	node, args := testservers.Everything(t)
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	argList := `[` + q(args[0]) + `, ` + q(args[1]) + `]`
	env := `{"FROM_INPUT": "${input:tok}", "FROM_ENV": "${env:TA_TEST_VAR}", "TWICE": "${input:tok}/${input:tok}", "PLAIN": "plain"}`
	inputs := `[{"id": "tok", "description": "a token", "password": true}]`
	cases := []struct{ name, file, text string }{
		{"agent.json", "agent.json", `{"model": "m", "inputs": ` + inputs + `, "servers": [{"type": "stdio", "command": ` + q(node) + `, "args": ` + argList + `, "env": ` + env + `}]}`},
		{"vscode mcp.json", ".vscode/mcp.json", `{"inputs": ` + inputs + `, "servers": {"everything": {"command": ` + q(node) + `, "args": ` + argList + `, "env": ` + env + `}}}`},
		{"claude mcpServers", "claude_desktop_config.json", `{"mcpServers": {"everything": {"command": ` + q(node) + `, "args": ` + argList + `, "env": ` + env + `}}}`},
	}
	t.Setenv("TA_PARENT_SECRET", "must-not-leak")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := c.text
			if c.file == "claude_desktop_config.json" {
				// Claude configs have no inputs: the value comes from the environment there.
				text = strings.ReplaceAll(text, "${input:tok}", "${env:TOK}")
			}
			path := write(t, t.TempDir(), c.file, text)
			a := mustLoad(t, path, Options{
				Inputs:    map[string]string{"tok": "tok-value"},
				LookupEnv: fakeEnv(t, map[string]string{"TA_TEST_VAR": "env-value", "TOK": "tok-value", "HF_TOKEN": "hf_x"}),
			})
			got := serverEnv(t, a.Servers)
			want := map[string]string{"FROM_INPUT": "tok-value", "FROM_ENV": "env-value", "TWICE": "tok-value/tok-value", "PLAIN": "plain"}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("the server sees %s=%q, want %q", k, got[k], v)
				}
			}
			if _, ok := got["TA_PARENT_SECRET"]; ok {
				t.Error("a variable of ours that the config does not pass reached the server")
			}
			if got["PATH"] == "" {
				t.Error("the server has no PATH")
			}
		})
	}
}

func serverEnv(t *testing.T, servers []mcp.ServerConfig) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m := mcp.NewManager(mcp.Options{})
	defer m.Close()
	m.Start(ctx, servers)
	for _, s := range m.Servers() {
		if s.Err != nil {
			t.Fatalf("server %s: %v", s.Name, s.Err)
		}
	}
	res, err := m.Call(ctx, "get-env", map[string]any{}, nil)
	if err != nil || res.IsError {
		t.Fatalf("get-env: %v %s", err, res.Text)
	}
	var env map[string]string
	if err := json.Unmarshal([]byte(res.Text), &env); err != nil {
		t.Fatalf("get-env answered %q: %v", res.Text, err)
	}
	return env
}

// TestDefaultAgentToolsRunInProcess starts the default agent's servers through the
// manager, as run does, and calls one of its tools.
func TestDefaultAgentToolsRunInProcess(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "notes.txt", "remember the milk\n")
	a := mustLoad(t, "", Options{WorkDir: dir, LookupEnv: fakeEnv(t, map[string]string{"HF_TOKEN": "hf_x"})})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m := mcp.NewManager(mcp.Options{})
	defer m.Close()
	m.Start(ctx, a.Servers)
	names := mcp.ToolNames(m.Tools())
	if strings.Join(names, ",") != "current_time,fetch_url,list_directory,read_file" {
		t.Errorf("tools %v", names)
	}
	if st := m.Servers(); len(st) != 1 || st[0].Transport != "inprocess" || st[0].Name != "local-tools" || st[0].Err != nil {
		t.Errorf("server status %+v", st)
	}
	res, err := m.Call(ctx, "read_file", map[string]any{"path": "notes.txt"}, nil)
	if err != nil || res.IsError || res.Text != "remember the milk\n" {
		t.Errorf("read_file: %v %q", err, res.Text)
	}
}
