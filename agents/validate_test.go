package agents

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidationErrorsNameFileLineAndField(t *testing.T) {
	cases := []struct {
		name  string
		file  string // agent.json unless set
		json  string
		line  int
		col   int
		field string
		inMsg []string
	}{
		{name: "invalid JSON", json: "{\n  \"model\": \"m\",\n  \"servers\": [\n    {\"command\": \"x\"}\n    {\"command\": \"y\"}\n  ]\n}",
			line: 5, col: 5, inMsg: []string{"invalid JSON", "expected ',' or ']'"}},
		{name: "missing model", json: "{\n  \"provider\": \"groq\",\n  \"servers\": []\n}",
			field: "model", inMsg: []string{`add "model"`, "--model"}},
		{name: "missing model with an endpoint", json: "{\"endpointUrl\": \"http://127.0.0.1:8080/v1\", \"servers\": []}",
			field: "model", inMsg: []string{"the model the server at endpointUrl expects"}},
		{name: "unknown provider lists the valid ones", json: "{\n  \"model\": \"m\",\n  \"provider\": \"groqq\"\n}",
			line: 3, col: 15, field: "provider", inMsg: []string{`unknown provider "groqq"`, "auto, baseten, cerebras", "together"}},
		{name: "server without command or url", json: "{\n  \"model\": \"m\",\n  \"servers\": [\n    {\"args\": [\"a\"]}\n  ]\n}",
			line: 4, col: 5, field: "servers[0]", inMsg: []string{`needs "command" (stdio) or "url"`}},
		{name: "stdio server without command", json: "{\"model\": \"m\", \"servers\": [{\"type\": \"stdio\"}]}",
			line: 1, col: 28, field: "servers[0]", inMsg: []string{`a stdio server needs "command"`}},
		{name: "http server without url", json: "{\"model\": \"m\", \"servers\": [{\"type\": \"sse\", \"headers\": {}}]}",
			line: 1, col: 28, field: "servers[0]", inMsg: []string{`a sse server needs "url"`}},
		{name: "bad server URL", json: "{\n  \"model\": \"m\",\n  \"servers\": [\n    {\"type\": \"http\", \"url\": \"ftp://example.com/mcp\"}\n  ]\n}",
			line: 4, col: 29, field: "servers[0].url", inMsg: []string{"http:// or https://"}},
		{name: "URL without host", json: "{\"model\": \"m\", \"servers\": [{\"url\": \"https:///mcp\"}]}",
			line: 1, col: 36, field: "servers[0].url", inMsg: []string{"no host"}},
		{name: "bad endpointUrl", json: "{\n  \"model\": \"m\",\n  \"endpointUrl\": \"localhost:8080\"\n}",
			line: 3, col: 18, field: "endpointUrl", inMsg: []string{"http:// or https://"}},
		{name: "input used but not declared", json: "{\n  \"model\": \"m\",\n  \"servers\": [{\"command\": \"x\", \"env\": {\"T\": \"${input:tok}\"}}]\n}",
			line: 3, col: 45, field: "servers[0].env.T", inMsg: []string{"${input:tok} is used but not declared", `"inputs"`}},
		{name: "args not an array", json: "{\n  \"model\": \"m\",\n  \"servers\": [{\"command\": \"x\", \"args\": \"--flag\"}]\n}",
			line: 3, col: 40, field: "servers[0].args", inMsg: []string{"must be an array of strings, not a string"}},
		{name: "env not an object", json: "{\"model\": \"m\", \"servers\": [{\"command\": \"x\", \"env\": [\"A=1\"]}]}",
			line: 1, col: 52, field: "servers[0].env", inMsg: []string{"must be an object of strings, not an array"}},
		{name: "env value not a string", json: "{\"model\": \"m\", \"servers\": [{\"command\": \"x\", \"env\": {\"PORT\": 8080}}]}",
			line: 1, col: 61, field: "servers[0].env.PORT", inMsg: []string{"must be a string, not a number"}},
		{name: "model not a string", json: "{\"model\": 3}",
			line: 1, col: 11, field: "model", inMsg: []string{"must be a string, not a number"}},
		{name: "unknown server type", json: "{\"model\": \"m\", \"servers\": [{\"type\": \"websocket\", \"url\": \"ws://x\"}]}",
			line: 1, col: 37, field: "servers[0].type", inMsg: []string{`unknown server type "websocket"`, "stdio, http or sse"}},
		{name: "command and url without type", json: "{\"model\": \"m\", \"servers\": [{\"command\": \"x\", \"url\": \"https://x.example\"}]}",
			line: 1, col: 28, field: "servers[0]", inMsg: []string{`set "type"`}},
		{name: "input without id", json: "{\"model\": \"m\", \"inputs\": [{\"description\": \"d\"}]}",
			line: 1, col: 27, field: "inputs[0].id", inMsg: []string{`needs an "id"`}},
		{name: "unknown in-process server", json: "{\"model\": \"m\", \"servers\": [{\"type\": \"inprocess\", \"name\": \"shell\"}]}",
			line: 1, col: 28, field: "servers[0]", inMsg: []string{`unknown in-process server "shell"`, "local-tools"}},
		{name: "mcpServers entry without command or url", file: "claude_desktop_config.json",
			json: "{\n  \"mcpServers\": {\n    \"broken\": {\"env\": {}}\n  }\n}",
			line: 3, col: 15, field: "mcpServers.broken", inMsg: []string{`needs "command" (stdio) or "url"`}},
		{name: "VS Code server with a bad url", file: "mcp.json",
			json: "{\n  // comment\n  \"servers\": {\n    \"gh\": {\"type\": \"http\", \"url\": \"api.github.com\"}\n  }\n}",
			line: 4, col: 35, field: "servers.gh.url", inMsg: []string{"http:// or https://"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := c.file
			if file == "" {
				file = "agent.json"
			}
			path := write(t, t.TempDir(), file, c.json)
			_, err := Load(context.Background(), path, Options{LookupEnv: fakeEnv(t, map[string]string{"HF_TOKEN": "hf_x"})})
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("want a ConfigError, got %v", err)
			}
			if ce.File != path || ce.Line != c.line || (c.line > 0 && ce.Column != c.col) || ce.Field != c.field {
				t.Errorf("got %s:%d:%d field %q, want %s:%d:%d field %q (%v)", filepath.Base(ce.File), ce.Line, ce.Column, ce.Field,
					file, c.line, c.col, c.field, err)
			}
			for _, m := range c.inMsg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("message %q lacks %q", err, m)
				}
			}
		})
	}
}

func TestValidationReportsEveryProblemAtOnce(t *testing.T) {
	path := write(t, t.TempDir(), "agent.json", `{
  "provider": "nope",
  "servers": [
    {"type": "http", "url": "not a url"},
    {"args": ["x"]},
    {"command": "ok", "env": {"K": "${input:missing}"}}
  ]
}`)
	_, err := Load(context.Background(), path, Options{LookupEnv: fakeEnv(t, nil)})
	var all ConfigErrors
	if !errors.As(err, &all) {
		t.Fatalf("want ConfigErrors, got %T %v", err, err)
	}
	fields := map[string]bool{}
	for _, e := range all {
		fields[e.Field] = true
	}
	for _, f := range []string{"provider", "model", "servers[0].url", "servers[1]", "servers[2].env.K"} {
		if !fields[f] {
			t.Errorf("no problem reported for %s in:\n%v", f, err)
		}
	}
	if !strings.HasPrefix(err.Error(), "5 problems in the agent configuration:") {
		t.Errorf("message: %v", err)
	}
}

func TestUnsetEnvVariableIsAnError(t *testing.T) {
	path := write(t, t.TempDir(), "agent.json", "{\n  \"model\": \"m\",\n  \"servers\": [{\"url\": \"https://x.example\", \"headers\": {\"A\": \"${env:NOT_SET_ANYWHERE}\"}}]\n}")
	_, err := Load(context.Background(), path, Options{LookupEnv: fakeEnv(t, nil)})
	if err == nil || !strings.Contains(err.Error(), "agent.json:3:") || !strings.Contains(err.Error(), "NOT_SET_ANYWHERE is not set") ||
		!strings.Contains(err.Error(), "servers[0].headers.A") {
		t.Fatalf("want an error naming the variable, field and line, got %v", err)
	}
}

func TestNotAFileNorAHubID(t *testing.T) {
	_, err := Load(context.Background(), "./no/such/agent.json", Options{LookupEnv: fakeEnv(t, nil)})
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "no such file or folder") {
		t.Fatalf("got %v", err)
	}
}
