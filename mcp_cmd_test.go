package main

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tiny-agents/tiny-agents/internal/testservers"
)

func TestParseMCPArgs(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		dash      int
		flags     mcpFlags
		tool      bool
		wantType  string
		wantURL   string
		wantCmd   string
		wantTool  string
		wantError string
	}{
		{name: "URL first", args: []string{"http://h/mcp", "echo", `{"message":"hi"}`}, dash: -1, tool: true, wantURL: "http://h/mcp", wantTool: "echo"},
		{name: "URL last, as the conformance runner appends it", args: []string{"add_numbers", `{"a":1}`, "http://localhost:1234/mcp"}, dash: -1, tool: true, wantURL: "http://localhost:1234/mcp", wantTool: "add_numbers"},
		{name: "a /sse path is legacy SSE", args: []string{"https://h/sse"}, dash: -1, wantType: "sse", wantURL: "https://h/sse"},
		{name: "--transport forces", args: []string{"https://h/sse"}, dash: -1, flags: mcpFlags{transport: "http"}, wantType: "http", wantURL: "https://h/sse"},
		{name: "stdio after --", args: []string{"echo", "npx", "-y", "server"}, dash: 1, tool: true, wantType: "stdio", wantCmd: "npx", wantTool: "echo"},
		{name: "no server", args: []string{"echo"}, dash: -1, tool: true, wantError: "name the server"},
		{name: "no tool", args: []string{"http://h/mcp"}, dash: -1, tool: true, wantError: "name the tool"},
		{name: "arguments not an object", args: []string{"http://h/mcp", "echo", "[1]"}, dash: -1, tool: true, wantError: "must be a JSON object"},
		{name: "bad transport", args: []string{"http://h/mcp"}, dash: -1, flags: mcpFlags{transport: "ws"}, wantError: "--transport must be http or sse"},
		{name: "env on a URL", args: []string{"http://h/mcp"}, dash: -1, flags: mcpFlags{env: []string{"A=1"}}, wantError: "--env is for a stdio server"},
		{name: "bad header", args: []string{"http://h/mcp"}, dash: -1, flags: mcpFlags{headers: []string{"novalue"}}, wantError: "NAME=VALUE"},
		{name: "tools takes no tool", args: []string{"http://h/mcp", "echo"}, dash: -1, wantError: "takes only the server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseMCPArgs(tt.args, tt.dash, &tt.flags, tt.tool)
			if tt.wantError != "" {
				var ee *exitError
				if !errors.As(err, &ee) || ee.code != exitUsage || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("err %v, want %q with exit 2", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.server.Type != tt.wantType || got.server.URL != tt.wantURL || got.server.Command != tt.wantCmd || got.tool != tt.wantTool {
				t.Fatalf("%+v", got)
			}
		})
	}
}

func TestHeadersAcceptBothForms(t *testing.T) {
	h, err := keyValues([]string{"Authorization: Bearer a=b", "X-Key=v:1"}, "--header")
	if err != nil || h["Authorization"] != "Bearer a=b" || h["X-Key"] != "v:1" {
		t.Fatalf("%v %v", h, err)
	}
}

func TestMCPToolsOverStdioPrintsEachTool(t *testing.T) {
	node, args := testservers.Everything(t)
	r := runBin(t, nil, append([]string{"mcp", "tools", "--", node}, args...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "server-everything (stdio)") || !strings.Contains(r.stdout, "echo(message*: string)") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestMCPToolsJSONOverStreamableHTTP(t *testing.T) {
	url := testservers.EverythingHTTP(t, "streamableHttp") + "/mcp"
	r := runBin(t, nil, "mcp", "tools", "--output", "json", url)
	var out struct {
		Transport string
		Tools     []struct {
			Name        string
			InputSchema map[string]any `json:"input_schema"`
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 {
		t.Fatalf("exit %d %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	if out.Transport != "http" || len(out.Tools) < 10 || out.Tools[0].InputSchema["type"] != "object" {
		t.Fatalf("%+v", out)
	}
}

func TestMCPCallWithTheURLLastOverSSE(t *testing.T) {
	url := testservers.EverythingHTTP(t, "sse") + "/sse"
	r := runBin(t, nil, "mcp", "call", "--output", "json", "get-sum", `{"a":40,"b":2}`, url)
	var out struct {
		Text    string
		IsError bool `json:"is_error"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 || !strings.Contains(out.Text, "42") {
		t.Fatalf("exit %d %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
}

func TestMCPCallExitCodes(t *testing.T) {
	node, args := testservers.Everything(t)
	stdio := append([]string{"--", node}, args...)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"a result", append([]string{"mcp", "call", "get-sum", `{"a":1,"b":2}`}, stdio...), 0, "The sum of 1 and 2 is 3.", ""},
		{"progress goes to stderr", append([]string{"mcp", "call", "trigger-long-running-operation", `{"duration":0.3,"steps":2}`}, stdio...), 0, "completed", "progress 2/2"},
		{"an isError result", append([]string{"mcp", "call", "get-resource-reference", `{"resourceType":"Nope"}`}, stdio...), 1, "", "reported an error"},
		{"an unknown tool is bad usage", append([]string{"mcp", "call", "nope"}, stdio...), 2, "", `has no tool "nope"; it has: echo`},
		{"bad JSON is bad usage", append([]string{"mcp", "call", "echo", "{"}, stdio...), 2, "", "must be a JSON object"},
		{"a server that does not start", []string{"mcp", "tools", "--", "tiny-agents-no-such-server"}, 1, "", `command "tiny-agents-no-such-server" not found`},
		{"a timeout", append([]string{"mcp", "call", "--timeout", "1s", "trigger-long-running-operation", `{"duration":10,"steps":2}`}, stdio...), 1, "", "took longer than 1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runBin(t, nil, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
		})
	}
}
