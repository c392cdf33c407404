package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/agents"
	"github.com/tiny-agents/tiny-agents/internal/app"
)

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.0.0.2": true, "localhost": true, "::1": true, "[::1]": true,
		"0.0.0.0": false, "": false, "::": false, "192.168.1.10": false, "example.com": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %t, want %t", host, got, want)
		}
	}
}

func TestBannerWarnsWhenListeningBeyondLoopbackWithoutKey(t *testing.T) {
	a := &app.App{Config: &agents.Agent{Name: "demo"}, Agent: &agent.Agent{AllowTools: map[string]bool{"echo": true}},
		Ready: agent.Ready{Model: "m", Endpoint: "http://127.0.0.1:1/v1/chat/completions", Tools: []string{"echo", "get-sum"}}}
	cases := []struct {
		name     string
		loopback bool
		key      bool
		warn     bool
	}{
		{"loopback without key", true, false, false},
		{"every interface with key", false, true, false},
		{"every interface without key", false, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			printServeBanner(&buf, a, "0.0.0.0:9999", &serveFlags{}, tc.key, tc.loopback)
			out := buf.String()
			if got := strings.Contains(out, "warning:") && strings.Contains(out, "TINY_AGENTS_SERVE_KEY"); got != tc.warn {
				t.Errorf("warning shown = %t, want %t:\n%s", got, tc.warn, out)
			}
			for _, want := range []string{"tools (2): echo, get-sum", "only echo run", "listening on http://0.0.0.0:9999/v1"} {
				if !strings.Contains(out, want) {
					t.Errorf("banner lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func TestAllowListWarnsAboutUnknownTools(t *testing.T) {
	var buf bytes.Buffer
	set := allowList([]string{"echo", " get-sum ", "ecko", ""}, []string{"echo", "get-sum"}, &buf)
	if len(set) != 3 || !set["echo"] || !set["get-sum"] || !set["ecko"] {
		t.Errorf("allow-list %v", set)
	}
	if out := buf.String(); !strings.Contains(out, `"ecko"`) || strings.Contains(out, `"echo"`) {
		t.Errorf("warnings %q: want one about ecko only", out)
	}
}
