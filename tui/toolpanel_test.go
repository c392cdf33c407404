package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/mcp"
)

func TestToolPanelShowsNameServerArgsSpinnerAndElapsedTime(t *testing.T) {
	m, clk := newTest(t, 80, 30)
	m.running = true
	events(m, agent.ToolCallStarted{ID: "c1", Name: "longRunningOperation"},
		agent.ToolCallArgsDelta{ID: "c1", Delta: `{"duration":`})
	mustContain(t, screen(m), "longRunningOperation", `{"duration":`)
	cmd := events(m, agent.ToolCallDone{ID: "c1", Name: "longRunningOperation", Server: "everything", Arguments: `{"duration":3,"steps":3}`})
	s := screen(m)
	mustContain(t, s, "longRunningOperation · everything", `"duration": 3,`, `"steps": 3`, "0.0s")
	if m.State() != "running tool" {
		t.Fatalf("state %q, want running tool", m.State())
	}
	if cmd == nil {
		t.Fatal("no tick scheduled for the spinner")
	}
	// Time passes: the spinner moves and the elapsed time grows.
	clk.t = clk.t.Add(1500 * time.Millisecond)
	first := screen(m)
	m.Update(tickMsg{})
	s = screen(m)
	mustContain(t, s, "1.5s")
	if first == s {
		t.Fatal("the spinner did not move")
	}
	events(m, agent.ToolProgress{ID: "c1", Progress: 2, Total: 3, Message: "step 2"})
	mustContain(t, screen(m), "step 2 (2/3)")
	clk.t = clk.t.Add(time.Second)
	events(m, agent.ToolResult{ID: "c1", Name: "longRunningOperation", Content: "done"})
	s = screen(m)
	mustContain(t, s, "✓ longRunningOperation · everything  2.5s", "done")
	mustNotContain(t, s, "step 2")
	// No ticks while nothing runs.
	m.Update(tickMsg{})
	if m.ticking {
		t.Fatal("still ticking with no tool running")
	}
}

func TestToolResultIsCollapsedAndExpands(t *testing.T) {
	m, _ := newTest(t, 80, 40)
	var long []string
	for i := 1; i <= 30; i++ {
		long = append(long, "result line "+itoa(i))
	}
	m.running = true
	events(m, agent.ToolCallDone{ID: "c1", Name: "dump", Server: "srv", Arguments: `{}`},
		agent.ToolResult{ID: "c1", Name: "dump", Content: strings.Join(long, "\n")})
	s := screen(m)
	mustContain(t, s, "result line 4", "… 26 more lines (ctrl+o or click to expand)")
	mustNotContain(t, s, "result line 5")
	press(m, "ctrl+o")
	s = screen(m)
	mustContain(t, s, "result line 20", "lines 1–20 of 30", "ctrl+o collapses")
	mustNotContain(t, s, "result line 21")
	// A long result scrolls inside its panel: alt+down, then the wheel over the panel.
	press(m, "alt+down")
	mustContain(t, screen(m), "result line 23", "lines 4–23 of 30")
	row := -1
	for i, l := range strings.Split(screen(m), "\n") {
		if strings.Contains(l, "dump · srv") {
			row = i
		}
	}
	for i := 0; i < 5; i++ {
		m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown, Y: row})
	}
	s = screen(m)
	mustContain(t, s, "result line 30", "lines 11–30 of 30")
	mustNotContain(t, s, "result line 10\n")
	if !m.tr.follow {
		t.Fatal("the transcript moved while the panel could scroll")
	}
	// alt+up goes back to the top of the result.
	press(m, "alt+up", "alt+up", "alt+up", "alt+up")
	mustContain(t, screen(m), "lines 1–20 of 30")
	press(m, "ctrl+o")
	mustNotContain(t, screen(m), "result line 5\n")
	// A click on the panel toggles it too.
	m.Update(tea.MouseClickMsg{Button: tea.MouseLeft, Y: row})
	mustContain(t, screen(m), "result line 20")
}

func TestToolErrorsAndImagesAndLongArgs(t *testing.T) {
	m, _ := newTest(t, 90, 40)
	m.running = true
	args := `{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10}`
	events(m,
		agent.ToolCallDone{ID: "e1", Name: "broken", Server: "srv", Arguments: args},
		agent.ToolResult{ID: "e1", Name: "broken", Content: "Error: it broke", IsError: true},
		agent.ToolCallDone{ID: "i1", Name: "getTinyImage", Server: "everything", Arguments: `{}`},
		agent.ToolResult{ID: "i1", Name: "getTinyImage", Content: "This is a tiny image:\n[Binary Content: Image image/png, 1024 bytes]\nThe content is shown to the user.",
			Parts: []mcp.Part{{Type: "text", Text: "This is a tiny image:"}, {Type: "image", MIMEType: "image/png", Size: 1024, Data: "AAAA"}}},
	)
	s := screen(m)
	mustContain(t, s, "✗ broken · srv", "Error: it broke", "… 4 more lines", "[image image/png, 1.0 KB]", "This is a tiny image:")
	mustNotContain(t, s, "[Binary Content")
	// The error text is in the error style.
	if !strings.Contains(m.View().Content, m.theme.ToolError.Render("Error: it broke")) {
		t.Fatal("error result not in the error style")
	}
}

func TestApprovalKeysAnswerTheAgent(t *testing.T) {
	tests := []struct {
		key   string
		want  agent.Decision
		state string
	}{
		{"y", agent.AllowOnce, "running tool"},
		{"enter", agent.AllowOnce, "running tool"},
		{"a", agent.AllowSession, "running tool"},
		{"n", agent.Deny, "streaming"},
		{"esc", agent.Deny, "streaming"},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			m, _ := newTest(t, 100, 30)
			m.running = true
			reply := make(chan agent.Decision, 1)
			events(m, agent.ToolCallDone{ID: "c1", Name: "echo", Server: "everything", Arguments: `{"message":"hi"}`},
				agent.ApprovalRequest{ID: "c1", Name: "echo", Server: "everything", Arguments: `{"message":"hi"}`, Reply: reply})
			s := screen(m)
			mustContain(t, s, "Run this tool?", "[y] allow once", "[a] allow echo for the session", "[n] deny", "waiting for approval")
			// Typing does not reach the prompt while the question is open.
			press(m, "x")
			if m.input.Value() != "" {
				t.Fatal("a key went to the prompt during approval")
			}
			press(m, tc.key)
			select {
			case d := <-reply:
				if d != tc.want {
					t.Fatalf("decision %v, want %v", d, tc.want)
				}
			default:
				t.Fatal("no decision sent")
			}
			if m.State() != tc.state {
				t.Fatalf("state %q, want %q", m.State(), tc.state)
			}
			mustNotContain(t, screen(m), "Run this tool?")
		})
	}
}

func TestCtrlCDuringApprovalDeniesAndStops(t *testing.T) {
	m, _ := newTest(t, 100, 30)
	cancelled := false
	m.running, m.cancel = true, func() { cancelled = true }
	reply := make(chan agent.Decision, 1)
	events(m, agent.ApprovalRequest{ID: "c1", Name: "echo", Reply: reply})
	press(m, "ctrl+c")
	if !cancelled || <-reply != agent.Deny {
		t.Fatal("ctrl+c during approval must cancel the turn and deny")
	}
}

func TestWheelOverAPanelThatCannotScrollMovesTheTranscript(t *testing.T) {
	m, _ := newTest(t, 80, 12)
	for i := 0; i < 20; i++ {
		m.tr.add(&noteItem{text: "filler " + itoa(i)})
	}
	m.running = true
	events(m, agent.ToolCallDone{ID: "c1", Name: "short", Arguments: `{}`}, agent.ToolResult{ID: "c1", Name: "short", Content: "one line"})
	m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelUp, Y: 2})
	if m.tr.follow {
		t.Fatal("the wheel over a short panel should scroll the transcript")
	}
}
