package main

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tiny-agents/tiny-agents/internal/testservers"
)

// TestConformanceClientScenarios runs the official MCP conformance suite (Node 22) against
// `tiny-agents mcp ...`: the runner starts a mock server per scenario and appends its URL to
// the command line.
func TestConformanceClientScenarios(t *testing.T) {
	node := testservers.Node22(t)
	suite := testservers.Script(t, "@modelcontextprotocol/conformance/dist/index.js")
	tests := []struct {
		scenario string
		command  string
	}{
		{"initialize", "mcp tools"},
		{"tools_call", `mcp call --output json add_numbers '{"a":1,"b":2}'`},
		{"elicitation-sep1034-client-defaults", "mcp call test_client_elicitation_defaults"},
		{"sse-retry", "mcp call test_reconnection"},
	}
	summary := regexp.MustCompile(`Passed: (\d+)/(\d+), (\d+) failed, (\d+) warnings`)
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(node, suite, "client", "--command", binPath+" "+tt.command, "--scenario", tt.scenario, "-o", t.TempDir())
			out, err := cmd.CombinedOutput()
			m := summary.FindStringSubmatch(string(out))
			if m == nil {
				t.Fatalf("no summary line (%v):\n%s", err, out)
			}
			passed, _ := strconv.Atoi(m[1])
			total, _ := strconv.Atoi(m[2])
			// Passed 0/0 means the client never initialized: a false pass.
			if err != nil || total == 0 || passed != total || m[3] != "0" || m[4] != "0" || !strings.Contains(string(out), "OVERALL: PASSED") {
				t.Fatalf("%s (%v):\n%s", m[0], err, out)
			}
			t.Log(m[0])
		})
	}
}
