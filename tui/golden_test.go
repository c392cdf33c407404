package tui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/themes"
)

// recorder keeps the last frame the running program drew.
type recorder struct {
	*Model
	mu   sync.Mutex
	last string
}

func (r *recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := r.Model.Update(msg)
	return r, cmd
}

func (r *recorder) View() tea.View {
	v := r.Model.View()
	if !r.Model.quitting {
		r.mu.Lock()
		r.last = v.Content
		r.mu.Unlock()
	}
	return v
}

func (r *recorder) frame() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// runGolden runs the real program under teatest, feeds it messages, waits for a frame
// showing want, quits, and compares the last frame with testdata/<test>.golden (refresh
// with go test ./tui -run Golden -update).
func runGolden(t *testing.T, theme themes.Theme, want string, msgs ...tea.Msg) {
	t.Helper()
	c := &clock{t0}
	m := New(Options{AgentName: "demo", Ready: testReady(), Theme: theme, Now: c.now, ThemeDir: t.TempDir()})
	r := &recorder{Model: m}
	tm := teatest.NewTestModel(t, r, teatest.WithInitialTermSize(90, 28))
	for _, msg := range msgs {
		tm.Send(msg)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(ansi.Strip(r.frame()), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no frame with %q; last frame:\n%s", want, ansi.Strip(r.frame()))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	golden.RequireEqual(t, []byte(r.frame()))
}

func goldenAnswer() []tea.Msg {
	return []tea.Msg{
		pasteAndSend("How do I read a file in Go?"),
		eventsMsg{[]agent.Event{
			agent.ReasoningDelta{Text: "The user wants os.ReadFile."},
			agent.TextDelta{Text: "Use **os.ReadFile**; it returns the bytes and an error:\n\n```go\nb, err := os.ReadFile(\"notes.txt\")\nif err != nil {\n\treturn err\n}\n```\n\n- small files: `os.ReadFile`\n- big files: `bufio.Scanner`\n\nDone."},
			agent.Usage{PromptTokens: 812, CompletionTokens: 64},
			agent.Done{Stop: agent.StopAnswer},
		}},
	}
}

// pasteAndSend puts a prompt in and sends it (there is no model: the screen says so).
func pasteAndSend(s string) tea.Msg { return sendMsg{s} }

// sendMsg is a test-only message: the text is pasted into the prompt and Enter pressed.
type sendMsg struct{ text string }

func (r *recorder) Init() tea.Cmd { return r.Model.Init() }

func init() {
	testHooks = func(m *Model, msg tea.Msg) (tea.Cmd, bool) {
		s, ok := msg.(sendMsg)
		if !ok {
			return nil, false
		}
		m.input.SetValue(s.text)
		m.remember(s.text)
		m.input.Reset()
		m.tr.add(&userItem{text: s.text})
		m.running = true
		return nil, true
	}
}

func TestGoldenDarkTheme(t *testing.T) {
	runGolden(t, themes.Dark(), "Done.", goldenAnswer()...)
}

func TestGoldenLightTheme(t *testing.T) {
	runGolden(t, themes.Light(), "Done.", goldenAnswer()...)
}

func TestGoldenToolPanelExpanded(t *testing.T) {
	var lines []string
	for i := 1; i <= 12; i++ {
		lines = append(lines, "entry "+itoa(i)+": ok")
	}
	runGolden(t, themes.Dark(), "entry 12: ok",
		pasteAndSend("List the entries"),
		eventsMsg{[]agent.Event{
			agent.ToolCallStarted{ID: "c1", Name: "list_entries"},
			agent.ToolCallDone{ID: "c1", Name: "list_entries", Server: "everything", Arguments: `{"folder":"/tmp","limit":12}`},
			agent.ToolResult{ID: "c1", Name: "list_entries", Content: strings.Join(lines, "\n")},
		}},
		keyMsg("ctrl+o"),
	)
}

func TestGoldenApprovalPrompt(t *testing.T) {
	runGolden(t, themes.Dark(), "Run this tool?",
		pasteAndSend("Echo hello"),
		eventsMsg{[]agent.Event{
			agent.TextDelta{Text: "I will call the echo tool."},
			agent.ToolCallStarted{ID: "c1", Name: "echo"},
			agent.ToolCallDone{ID: "c1", Name: "echo", Server: "everything", Arguments: `{"message":"hello"}`},
			agent.ApprovalRequest{ID: "c1", Name: "echo", Server: "everything", Arguments: `{"message":"hello"}`, Reply: make(chan agent.Decision, 1)},
		}},
	)
}
