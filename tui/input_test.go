package tui

import (
	"errors"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/mcp"
	"github.com/tiny-agents/tiny-agents/themes"
)

func TestEnterSendsAndShiftOrAltEnterInsertNewlines(t *testing.T) {
	for _, nl := range []string{"shift+enter", "alt+enter", "ctrl+j"} {
		t.Run(nl, func(t *testing.T) {
			m, _ := newTest(t, 80, 20)
			typeText(m, "first")
			press(m, nl)
			typeText(m, "second")
			if got := m.input.Value(); got != "first\nsecond" {
				t.Fatalf("prompt %q", got)
			}
			press(m, "enter")
			if m.input.Value() != "" {
				t.Fatal("enter did not send")
			}
			mustContain(t, screen(m), "▌ first", "▌ second", "No model is connected.")
		})
	}
}

func TestPasteOfManyLinesIsKeptWhole(t *testing.T) {
	m, _ := newTest(t, 80, 20)
	var lines []string
	for i := 0; i < 300; i++ {
		lines = append(lines, "pasted line "+itoa(i))
	}
	paste := strings.Join(lines, "\n")
	m.Update(tea.PasteMsg{Content: paste})
	if m.input.Value() != paste {
		t.Fatalf("paste changed: %d bytes in, %d kept", len(paste), len(m.input.Value()))
	}
	// The prompt grows to its cap, not over the screen.
	if h := len(strings.Split(m.input.View(), "\n")); h != inputMaxRows {
		t.Fatalf("prompt is %d rows, want %d", h, inputMaxRows)
	}
	press(m, "enter")
	mustContain(t, screen(m), "pasted line 299")
}

func TestHistoryUpDown(t *testing.T) {
	m, _ := newTest(t, 80, 20)
	for _, p := range []string{"one", "two"} {
		typeText(m, p)
		press(m, "enter")
	}
	typeText(m, "draft")
	press(m, "up")
	if m.input.Value() != "two" {
		t.Fatalf("up: %q", m.input.Value())
	}
	press(m, "up")
	if m.input.Value() != "one" {
		t.Fatalf("up up: %q", m.input.Value())
	}
	press(m, "up")
	if m.input.Value() != "one" {
		t.Fatalf("up past the start: %q", m.input.Value())
	}
	press(m, "down", "down")
	if m.input.Value() != "draft" {
		t.Fatalf("down back to the draft: %q", m.input.Value())
	}
}

func TestSlashCommandCompletion(t *testing.T) {
	m, _ := newTest(t, 80, 20)
	typeText(m, "/")
	s := screen(m)
	for _, c := range commandNames() {
		mustContain(t, s, c)
	}
	typeText(m, "th")
	s = screen(m)
	mustContain(t, s, "/theme", "list themes or switch")
	mustNotContain(t, s, "/tools")
	press(m, "tab")
	if m.input.Value() != "/theme " {
		t.Fatalf("tab completed to %q", m.input.Value())
	}
	m.input.SetValue("/c")
	press(m, "down")
	mustContain(t, screen(m), "/copy")
	press(m, "tab")
	if m.input.Value() != "/copy " {
		t.Fatalf("down+tab completed to %q", m.input.Value())
	}
}

type fakeServers struct{}

func (fakeServers) Servers() []mcp.ServerStatus {
	return []mcp.ServerStatus{{Name: "everything", Transport: "stdio", Tools: 2}, {Name: "broken", Transport: "http", Err: errors.New("connection refused")}}
}
func (fakeServers) Stderr(name string) string {
	if name == "everything" {
		return "starting\n\x1b[31mready\x1b[0m\n"
	}
	return ""
}
func (fakeServers) Tools() []mcp.Tool {
	return []mcp.Tool{{Name: "echo", Server: "everything", Description: "Echoes back the input"}, {Name: "add", Server: "everything", Description: "Adds two numbers"}}
}

func TestSlashCommands(t *testing.T) {
	m, _ := newTest(t, 100, 40)
	m.opts.Servers = fakeServers{}
	run := func(s string) tea.Cmd {
		m.input.SetValue(s)
		return press(m, "enter")
	}
	run("/tools")
	mustContain(t, screen(m), "2 tools:", "everything", "echo — Echoes back the input", "add — Adds two numbers")
	run("/servers")
	s := screen(m)
	mustContain(t, s, "everything (stdio): up, 2 tools", "broken (http): failed: connection refused", "stderr (last 2 lines)", "│ ready")
	run("/model")
	mustContain(t, screen(m), "Model fake-model via openai-compatible")
	run("/nope")
	mustContain(t, screen(m), "Unknown command /nope")
	run("/clear")
	if len(m.tr.items) != 0 {
		t.Fatal("/clear left items")
	}
	run("/help")
	mustContain(t, screen(m), "Keys", "Commands", "/export")
	press(m, "esc")
	mustNotContain(t, screen(m), "Commands")
}

func TestCopyUsesOSC52(t *testing.T) {
	m, _ := newTest(t, 80, 20)
	m.running = true
	events(m, agent.TextDelta{Text: "the answer"}, agent.Done{Stop: agent.StopAnswer, Content: "the answer"})
	m.input.SetValue("/copy")
	cmd := press(m, "enter")
	if cmd == nil {
		t.Fatal("/copy gave no command")
	}
	// tea.SetClipboard's message is unexported; its text form names the content.
	if got := cmd(); !strings.Contains(strings.ToLower(fmtMsg(got)), "the answer") {
		t.Fatalf("/copy message %T %v", got, got)
	}
	mustContain(t, screen(m), "Copied the last answer (10 characters)")
}

func TestExportWritesMarkdown(t *testing.T) {
	m, _ := newTest(t, 80, 20)
	m.input.SetValue("question")
	press(m, "enter")
	m.running = true
	events(m, agent.TextDelta{Text: "**answer**"},
		agent.ToolCallDone{ID: "1", Name: "echo", Server: "everything", Arguments: `{"message":"x"}`},
		agent.ToolResult{ID: "1", Name: "echo", Content: "Echo: x"}, agent.Done{Stop: agent.StopAnswer})
	path := t.TempDir() + "/chat.md"
	m.input.SetValue("/export " + path)
	cmd := press(m, "enter")
	m.Update(cmd())
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, w := range []string{"# demo", "## You\n\nquestion", "## Assistant\n\n**answer**", "### Tool `echo` (everything)", `"message": "x"`, "Echo: x"} {
		if !strings.Contains(doc, w) {
			t.Fatalf("export lacks %q:\n%s", w, doc)
		}
	}
	mustContain(t, screen(m), "Exported the conversation to")
}

func TestThemeCommandSwitchesAndLists(t *testing.T) {
	m, _ := newTest(t, 100, 20)
	m.input.SetValue("/theme light")
	cmd := press(m, "enter")
	m.Update(cmd())
	if m.theme.Name != "light" {
		t.Fatalf("theme %q", m.theme.Name)
	}
	m.input.SetValue("/theme")
	m.Update(press(m, "enter")())
	mustContain(t, screen(m), "Theme light.", "dark, light, high-contrast, plain")
	m.input.SetValue("/theme nope")
	m.Update(press(m, "enter")())
	mustContain(t, screen(m), `theme "nope": no such theme`)
}

func TestStatusBarShowsAgentModelServersTokensAndState(t *testing.T) {
	m, _ := newTest(t, 120, 20)
	last := func() string {
		lines := strings.Split(screen(m), "\n")
		return lines[len(lines)-1]
	}
	mustContain(t, last(), "demo", "fake-model (openai-compatible)", "servers 1/2", "0 tokens", "ready")
	m.running = true
	events(m, agent.TextDelta{Text: "x"}, agent.Usage{PromptTokens: 1000, CompletionTokens: 234})
	mustContain(t, last(), "1234 tokens", "streaming")
	events(m, agent.ToolCallDone{ID: "1", Name: "t"})
	mustContain(t, last(), "running tool")
	events(m, agent.ApprovalRequest{ID: "2", Name: "t", Reply: make(chan agent.Decision, 1)})
	mustContain(t, last(), "waiting for approval")
	events(m, agent.Done{Stop: agent.StopAnswer}, agent.Usage{PromptTokens: 9000})
	mustContain(t, last(), "10.2k tokens", "ready")
}

func TestCtrlCOnIdlePromptAsksThenQuits(t *testing.T) {
	m, _ := newTest(t, 80, 20)
	if isQuit(press(m, "ctrl+c")) {
		t.Fatal("first ctrl+c quit")
	}
	mustContain(t, screen(m), "Press ctrl+c again to quit")
	// Any other key disarms.
	press(m, "a")
	mustNotContain(t, screen(m), "Press ctrl+c again")
	press(m, "ctrl+c")
	if !isQuit(press(m, "ctrl+c")) || !m.Quitting() {
		t.Fatal("second ctrl+c did not quit")
	}
}

func TestCtrlDQuitsOnlyOnAnEmptyPrompt(t *testing.T) {
	m, _ := newTest(t, 80, 20)
	typeText(m, "ab")
	press(m, "left")
	if isQuit(press(m, "ctrl+d")) {
		t.Fatal("ctrl+d quit with text in the prompt")
	}
	if m.input.Value() != "a" {
		t.Fatalf("ctrl+d should delete forward, prompt %q", m.input.Value())
	}
	m.input.Reset()
	if !isQuit(press(m, "ctrl+d")) {
		t.Fatal("ctrl+d on an empty prompt did not quit")
	}
}

func TestHelpWithQuestionMarkOrF1(t *testing.T) {
	for _, k := range []string{"?", "f1"} {
		t.Run(k, func(t *testing.T) {
			m, _ := newTest(t, 100, 30)
			press(m, k)
			mustContain(t, screen(m), "send", "new line", "stop the turn", "allow once", "/export")
			press(m, k)
			mustNotContain(t, screen(m), "allow once")
		})
	}
	// A "?" inside a prompt is text, not help.
	m, _ := newTest(t, 80, 20)
	typeText(m, "why?")
	if m.showHelp || m.input.Value() != "why?" {
		t.Fatal("? in a prompt opened the help")
	}
}

func TestNoticesAndMaxTurns(t *testing.T) {
	m, _ := newTest(t, 80, 20)
	m.running = true
	events(m, agent.Notice{Server: "memory", Text: "joined late: 9 tools"}, agent.Done{Stop: agent.StopMaxTurns, Turns: 10})
	mustContain(t, screen(m), "memory: joined late: 9 tools", "Stopped after 10 model requests")
}

func TestAutoThemeFollowsTheTerminalBackground(t *testing.T) {
	m, _ := newTest(t, 80, 20)
	m.opts.ThemeAuto = true
	if cmd := m.Init(); cmd == nil {
		t.Fatal("no init command")
	}
	m.Update(tea.BackgroundColorMsg{Color: lightGray{}})
	if m.theme.Name != "light" {
		t.Fatalf("light background gave theme %q", m.theme.Name)
	}
	// A theme chosen by the user is kept whatever the terminal says.
	m.opts.ThemeAuto = false
	m.Update(tea.BackgroundColorMsg{Color: black{}})
	if m.theme.Name != "light" {
		t.Fatalf("explicit theme replaced by %q", m.theme.Name)
	}
}

type lightGray struct{}

func (lightGray) RGBA() (r, g, b, a uint32) { return 0xeeee, 0xeeee, 0xeeee, 0xffff }

type black struct{}

func (black) RGBA() (r, g, b, a uint32) { return 0, 0, 0, 0xffff }

func TestEnterDuringATurnDoesNotStartAnother(t *testing.T) {
	m, _ := newTest(t, 80, 20)
	m.running = true
	typeText(m, "next question")
	if cmd := press(m, "enter"); cmd != nil {
		t.Fatal("a second turn started")
	}
	if m.input.Value() != "next question" {
		t.Fatal("the prompt was lost")
	}
	mustContain(t, screen(m), "A turn is running")
}

func TestEnterOnAPartialCommandRunsTheCompletion(t *testing.T) {
	m, _ := newTest(t, 80, 30)
	typeText(m, "/hel")
	press(m, "enter")
	if !m.showHelp {
		t.Fatal("/hel + enter did not run /help")
	}
}

func TestResizeKeepsFollowingAndRewraps(t *testing.T) {
	m, _ := newTest(t, 100, 20)
	m.running = true
	events(m, agent.TextDelta{Text: strings.Repeat("word ", 60) + "\n\nend of answer"})
	wide := screen(m)
	m.Update(tea.WindowSizeMsg{Width: 40, Height: 20})
	narrow := screen(m)
	mustContain(t, narrow, "end of answer")
	for _, l := range strings.Split(narrow, "\n") {
		if len([]rune(l)) > 40 {
			t.Fatalf("line wider than 40 after resize: %q", l)
		}
	}
	if narrow == wide {
		t.Fatal("resize did not re-render")
	}
}

func TestStatusBarCountsServersFromTheManager(t *testing.T) {
	m := New(Options{AgentName: "demo", Servers: fakeServers{}, Theme: themes.Dark()})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 10})
	mustContain(t, screen(m), "servers 1/2")
}
