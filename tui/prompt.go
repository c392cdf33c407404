package tui

import (
	"io"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/tiny-agents/tiny-agents/agents"
	"github.com/tiny-agents/tiny-agents/themes"
)

// inputModel is the stand-alone dialog that asks for one agent input before the agent
// starts (inline, not full screen).
type inputModel struct {
	form   *form
	width  int
	done   bool
	cancel bool
}

func (m *inputModel) Init() tea.Cmd { return nil }

func (m *inputModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width = msg.Width
	case tea.PasteMsg:
		m.form.paste(msg.Content)
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			m.cancel = true
			return m, tea.Quit
		}
		switch m.form.key(msg) {
		case formSubmit:
			m.done = true
			return m, tea.Quit
		case formDecline:
			m.cancel = true
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m *inputModel) View() tea.View {
	if m.done || m.cancel {
		return tea.NewView("")
	}
	return tea.NewView(m.form.render(min(max(m.width, 40), 100), 0))
}

// value is the entered value (password values are not trimmed).
func (m *inputModel) value() string {
	fl := m.form.fields[0]
	if fl.input.EchoMode == 0 {
		return strings.TrimSpace(fl.input.Value())
	}
	return fl.input.Value()
}

// InputPrompter returns a function that asks for one agent input in a dialog on the
// terminal (password inputs masked): the shape of agents' prompter, func(agents.Input)
// (string, error). It returns ErrCancelled when the user presses Esc or Ctrl+C.
func InputPrompter(theme themes.Theme, in io.Reader, out io.Writer) func(agents.Input) (string, error) {
	return func(inp agents.Input) (string, error) {
		desc := inp.Description
		if desc == "" {
			desc = "Value for ${input:" + inp.ID + "}"
		}
		f := newInputForm(inp.ID, desc, inp.Password)
		f.theme = theme
		m := &inputModel{form: f, width: 80}
		if _, err := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(out)).Run(); err != nil {
			return "", err
		}
		if m.cancel {
			return "", ErrCancelled
		}
		return m.value(), nil
	}
}

// PromptInput asks for one agent input on the process's terminal with the theme for NO_COLOR
// or a dark background; see InputPrompter.
func PromptInput(inp agents.Input) (string, error) {
	t := themes.Dark()
	if os.Getenv("NO_COLOR") != "" {
		t = themes.Plain()
	}
	return InputPrompter(t, os.Stdin, os.Stdout)(inp)
}
