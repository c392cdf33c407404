package tui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/internal/safetext"
	"github.com/tiny-agents/tiny-agents/themes"
)

// field is one input of a form.
type field struct {
	name, title, desc, typ string
	required               bool
	enum                   []string
	input                  textinput.Model
}

// form is a small dialog of text fields: MCP elicitation requests and agent inputs.
// Tab and Shift+Tab move between fields, Enter goes to the next field and submits on the
// last one, Esc declines.
type form struct {
	title, message string
	fields         []*field
	focus          int
	err            string
	theme          themes.Theme
}

// formFromSchema builds a form from an elicitation's requested schema: a flat object of
// string, number, integer, boolean and enum properties. Defaults are prefilled.
func formFromSchema(server, message string, schema json.RawMessage) (*form, error) {
	var s struct {
		Properties map[string]struct {
			Type        string `json:"type"`
			Title       string `json:"title"`
			Description string `json:"description"`
			Default     any    `json:"default"`
			Enum        []any  `json:"enum"`
			Format      string `json:"format"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	if len(schema) > 0 {
		if err := json.Unmarshal(schema, &s); err != nil {
			return nil, fmt.Errorf("bad schema: %w", err)
		}
	}
	f := &form{title: "Request from " + server, message: message}
	names := propertyOrder(schema)
	req := map[string]bool{}
	for _, r := range s.Required {
		req[r] = true
	}
	for _, n := range names {
		p, ok := s.Properties[n]
		if !ok {
			continue
		}
		fl := &field{name: n, title: safetext.Strip(p.Title), desc: safetext.Strip(p.Description), typ: p.Type, required: req[n]}
		for _, e := range p.Enum {
			fl.enum = append(fl.enum, safetext.Strip(fmt.Sprint(e)))
		}
		fl.input = textinput.New()
		fl.input.CharLimit = 0
		if p.Default != nil {
			fl.input.SetValue(safetext.Strip(fmt.Sprint(p.Default)))
		}
		switch {
		case len(fl.enum) > 0:
			fl.input.Placeholder = strings.Join(fl.enum, " | ")
		case p.Type == "boolean":
			fl.input.Placeholder = "yes | no"
		case p.Type == "number" || p.Type == "integer":
			fl.input.Placeholder = p.Type
		}
		f.fields = append(f.fields, fl)
	}
	f.focusField(0)
	return f, nil
}

// propertyOrder lists the schema's property names in the order the server wrote them (a
// form reads best in the order its author chose).
func propertyOrder(schema json.RawMessage) []string {
	var top struct {
		Properties json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(schema, &top) != nil || len(top.Properties) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(top.Properties))
	if _, err := dec.Token(); err != nil { // {
		return nil
	}
	var names []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return names
		}
		name, _ := tok.(string)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return names
		}
		names = append(names, name)
	}
	return names
}

// newInputForm is the dialog for one agent input (${input:ID}); password inputs are masked.
func newInputForm(id, description string, password bool) *form {
	f := &form{title: "The agent needs a value", message: description}
	fl := &field{name: id, title: id, typ: "string", required: true}
	fl.input = textinput.New()
	if password {
		fl.input.EchoMode = textinput.EchoPassword
		fl.input.EchoCharacter = '•'
	}
	f.fields = []*field{fl}
	f.focusField(0)
	return f
}

func (f *form) focusField(i int) {
	if len(f.fields) == 0 {
		return
	}
	f.focus = (i + len(f.fields)) % len(f.fields)
	for j, fl := range f.fields {
		if j == f.focus {
			fl.input.Focus()
		} else {
			fl.input.Blur()
		}
	}
}

func (f *form) paste(s string) {
	if len(f.fields) > 0 {
		fl := f.fields[f.focus]
		fl.input, _ = fl.input.Update(tea.PasteMsg{Content: s})
	}
}

// formAction is what a key did to a form.
type formAction int

const (
	formEditing formAction = iota
	formSubmit
	formDecline
)

func (f *form) key(msg tea.KeyPressMsg) formAction {
	switch msg.String() {
	case "esc":
		return formDecline
	case "tab", "down":
		f.focusField(f.focus + 1)
		return formEditing
	case "shift+tab", "up":
		f.focusField(f.focus - 1)
		return formEditing
	case "ctrl+s":
		return f.trySubmit()
	case "enter":
		if f.focus < len(f.fields)-1 {
			f.focusField(f.focus + 1)
			return formEditing
		}
		return f.trySubmit()
	}
	if len(f.fields) > 0 {
		fl := f.fields[f.focus]
		fl.input, _ = fl.input.Update(msg)
	}
	return formEditing
}

func (f *form) trySubmit() formAction {
	if _, err := f.values(); err != nil {
		f.err = err.Error()
		return formEditing
	}
	return formSubmit
}

// values converts the fields to their schema types.
func (f *form) values() (map[string]any, error) {
	out := map[string]any{}
	for i, fl := range f.fields {
		v := strings.TrimSpace(fl.input.Value())
		if fl.input.EchoMode == textinput.EchoPassword {
			v = fl.input.Value()
		}
		if v == "" {
			if fl.required {
				f.focusField(i)
				return nil, fmt.Errorf("%s is required", fl.label())
			}
			continue
		}
		if len(fl.enum) > 0 && !contains(fl.enum, v) {
			f.focusField(i)
			return nil, fmt.Errorf("%s must be one of %s", fl.label(), strings.Join(fl.enum, ", "))
		}
		switch fl.typ {
		case "number":
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				f.focusField(i)
				return nil, fmt.Errorf("%s must be a number", fl.label())
			}
			out[fl.name] = n
		case "integer":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				f.focusField(i)
				return nil, fmt.Errorf("%s must be a whole number", fl.label())
			}
			out[fl.name] = n
		case "boolean":
			switch strings.ToLower(v) {
			case "y", "yes", "true", "1", "on":
				out[fl.name] = true
			case "n", "no", "false", "0", "off":
				out[fl.name] = false
			default:
				f.focusField(i)
				return nil, fmt.Errorf("%s must be yes or no", fl.label())
			}
		default:
			out[fl.name] = v
		}
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (fl *field) label() string {
	if fl.title != "" {
		return fl.title
	}
	return fl.name
}

// render draws the form in a frame of the given width, at most maxHeight rows tall (0: no
// limit). A form taller than that shows a window of its fields around the focused one, with
// the title and the key hint always in view: a server's form must never push the prompt and
// the status bar off the screen.
func (f *form) render(width, maxHeight int) string {
	t := f.theme
	inner := max(width-4, 10)
	head := []string{t.Accent.Render(f.title)}
	if f.message != "" {
		head = append(head, wrapPlain(f.message, inner)...)
	}
	var body []string
	focusFrom, focusTo := 0, 0
	for i, fl := range f.fields {
		label := fl.label()
		if fl.required {
			label += " *"
		}
		if i == f.focus {
			label = t.Selected.Render(label)
			focusFrom = len(body)
		} else {
			label = t.Accent.Render(label)
		}
		body = append(body, "", label)
		if fl.desc != "" {
			body = append(body, t.Muted.Render(fl.desc))
		}
		fl.input.SetWidth(inner - 2)
		body = append(body, fl.input.View())
		if i == f.focus {
			focusTo = len(body)
		}
	}
	var foot []string
	if f.err != "" {
		foot = append(foot, "", t.Error.Render(f.err))
	}
	foot = append(foot, "", t.Muted.Render("enter next/submit · tab move · ctrl+s submit · esc decline"))
	frame := t.Dialog.Width(width)
	if maxHeight > 0 {
		overhead := lipgloss.Height(frame.Render("x")) - 1
		room := maxHeight - overhead - len(head) - len(foot) - 2 // two rows for the "more" marks
		if room > 0 && len(body) > room+2 {
			start := max(0, min(focusFrom-(room-(focusTo-focusFrom))/2, len(body)-room))
			if focusTo-focusFrom > room {
				start = focusFrom
			}
			end := min(start+room, len(body))
			window := []string{moreMark(t, "↑", start)}
			window = append(window, body[start:end]...)
			body = append(window, moreMark(t, "↓", len(body)-end))
		}
	}
	lines := append(append(head, body...), foot...)
	return frame.Render(strings.Join(lines, "\n"))
}

// moreMark says how many rows of the form are out of view above or below (empty when none).
func moreMark(t themes.Theme, arrow string, n int) string {
	if n <= 0 {
		return ""
	}
	return t.Muted.Render(fmt.Sprintf("%s %d more lines (tab to move)", arrow, n))
}

// formKey sends a key to the open elicitation form and replies when it is done.
func (m *Model) formKey(msg tea.KeyPressMsg) tea.Cmd {
	p := m.forms[0]
	switch p.form.key(msg) {
	case formSubmit:
		vals, _ := p.form.values()
		p.req.Reply <- agent.ElicitationReply{Action: "accept", Content: vals}
		m.forms = m.forms[1:]
	case formDecline:
		p.req.Reply <- agent.ElicitationReply{Action: "decline"}
		m.forms = m.forms[1:]
		m.note(noteInfo, "Declined the request from "+strings.TrimPrefix(p.form.title, "Request from "))
	}
	return nil
}

// ErrCancelled is returned by PromptInput when the user cancels the dialog.
var ErrCancelled = errors.New("cancelled by the user")
