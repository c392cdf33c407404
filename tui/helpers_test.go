package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/themes"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func testReady() agent.Ready {
	return agent.Ready{Model: "fake-model", Provider: "openai-compatible", Endpoint: "http://127.0.0.1:1/v1",
		Servers: []agent.ServerInfo{{Name: "everything", Transport: "stdio", Tools: 12}, {Name: "broken", Transport: "stdio", Error: "exec: not found"}}}
}

// newTest makes a model of a given size with a fixed clock and the dark theme.
func newTest(t *testing.T, w, h int) (*Model, *clock) {
	t.Helper()
	c := &clock{t0}
	m := New(Options{AgentName: "demo", Ready: testReady(), Theme: themes.Dark(), Now: c.now, ThemeDir: t.TempDir(), ExportDir: t.TempDir()})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m, c
}

// screen is the current frame without escape sequences.
func screen(m *Model) string { return ansi.Strip(m.View().Content) }

// events applies agent events as one batch, as the bridge delivers them.
func events(m *Model, evs ...agent.Event) tea.Cmd {
	_, cmd := m.Update(eventsMsg{evs})
	return cmd
}

// keyMsg builds a key press from its name: "enter", "ctrl+c", "shift+enter", "a", "?".
func keyMsg(name string) tea.KeyPressMsg {
	var k tea.Key
	parts := strings.Split(name, "+")
	base := parts[len(parts)-1]
	if name == "+" {
		base, parts = "+", []string{"+"}
	}
	for _, p := range parts[:len(parts)-1] {
		switch p {
		case "ctrl":
			k.Mod |= tea.ModCtrl
		case "alt":
			k.Mod |= tea.ModAlt
		case "shift":
			k.Mod |= tea.ModShift
		}
	}
	special := map[string]rune{"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "up": tea.KeyUp,
		"down": tea.KeyDown, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"f1": tea.KeyF1, "backspace": tea.KeyBackspace, "space": tea.KeySpace}
	if r, ok := special[base]; ok {
		k.Code = r
		if base == "space" {
			k.Text = " "
		}
	} else {
		k.Code = []rune(base)[0]
		if k.Mod == 0 {
			k.Text = base
		}
	}
	return tea.KeyPressMsg(k)
}

// press sends keys one by one and returns the last command.
func press(m *Model, keys ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		_, cmd = m.Update(keyMsg(k))
	}
	return cmd
}

// typeText types text as single key presses.
func typeText(m *Model, s string) {
	for _, r := range s {
		if r == ' ' {
			m.Update(keyMsg("space"))
			continue
		}
		m.Update(tea.KeyPressMsg(tea.Key{Code: r, Text: string(r)}))
	}
}

// isQuit says whether a command quits the program.
func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	msg := cmd()
	if _, ok := msg.(tea.QuitMsg); ok {
		return true
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if isQuit(c) {
				return true
			}
		}
	}
	return false
}

func mustContain(t *testing.T, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Fatalf("screen lacks %q:\n%s", w, s)
		}
	}
}

func mustNotContain(t *testing.T, s string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(s, w) {
			t.Fatalf("screen has %q but should not:\n%s", w, s)
		}
	}
}
