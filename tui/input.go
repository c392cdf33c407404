package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/lipgloss/v2"

	"github.com/tiny-agents/tiny-agents/themes"
)

// inputMaxRows is how tall the prompt grows before it scrolls.
const inputMaxRows = 8

func newInput() textarea.Model {
	ta := textarea.New()
	ta.Placeholder = "Ask anything · / for commands · ? for help"
	ta.ShowLineNumbers = false
	ta.Prompt = "> "
	ta.DynamicHeight = true
	ta.MinHeight = 1
	ta.MaxHeight = inputMaxRows
	// A long paste must arrive whole: the content limit is far above any prompt.
	ta.MaxContentHeight = 100000
	ta.CharLimit = 0
	km := textarea.DefaultKeyMap()
	// Enter sends (handled by the model); these insert a newline.
	km.InsertNewline = key.NewBinding(key.WithKeys("shift+enter", "alt+enter", "ctrl+j"))
	// Keys the chat screen uses for the transcript.
	km.InputBegin = key.NewBinding(key.WithKeys("alt+<"))
	km.InputEnd = key.NewBinding(key.WithKeys("alt+>"))
	km.SelectLineUp = key.NewBinding(key.WithDisabled())
	km.SelectLineDown = key.NewBinding(key.WithDisabled())
	km.PageUp = key.NewBinding(key.WithDisabled())
	km.PageDown = key.NewBinding(key.WithDisabled())
	ta.KeyMap = km
	ta.Focus()
	return ta
}

func styleInput(ta *textarea.Model, t themes.Theme) {
	s := textarea.DefaultStyles(t.Dark)
	if t.Plain {
		s = textarea.Styles{}
	}
	s.Focused.CursorLine = lipgloss.NewStyle()
	s.Focused.Prompt = t.Accent
	s.Cursor.Blink = false
	ta.SetStyles(s)
}

// historyUp shows the previous prompt; the unsent draft is kept to come back to.
func (m *Model) historyUp() bool {
	if len(m.history) == 0 || m.input.Line() > 0 || m.histIdx == 0 {
		return false
	}
	if m.histIdx == len(m.history) {
		m.draft = m.input.Value()
	}
	m.histIdx--
	m.input.SetValue(m.history[m.histIdx])
	m.input.MoveToBegin()
	return true
}

func (m *Model) historyDown() bool {
	if m.histIdx >= len(m.history) || m.input.Line() < m.input.LineCount()-1 {
		return false
	}
	m.histIdx++
	if m.histIdx == len(m.history) {
		m.input.SetValue(m.draft)
	} else {
		m.input.SetValue(m.history[m.histIdx])
	}
	return true
}

func (m *Model) remember(text string) {
	if n := len(m.history); n == 0 || m.history[n-1] != text {
		m.history = append(m.history, text)
	}
	m.histIdx = len(m.history)
	m.draft = ""
}

// completions are the commands matching the prompt while it is a lone "/word".
func (m *Model) completions() []command {
	v := m.input.Value()
	if !strings.HasPrefix(v, "/") || strings.ContainsAny(v, " \n") {
		return nil
	}
	var out []command
	for _, c := range commands {
		if strings.HasPrefix(c.name, v) {
			out = append(out, c)
		}
	}
	if len(out) == 1 && out[0].name == v {
		return nil
	}
	return out
}

// layout sizes the input and help to the window.
func (m *Model) layout() {
	m.input.SetWidth(max(m.width, 10))
	m.help.SetWidth(m.width)
}
