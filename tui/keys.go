package tui

import "charm.land/bubbles/v2/key"

// keyMap is every key of the chat screen; it also feeds the help view (bubbles/help).
type keyMap struct {
	Send, Newline, History, Complete   key.Binding
	PageUp, PageDown, LineUp, LineDown key.Binding
	Top, Bottom, Expand, Reasoning     key.Binding
	ToolUp, ToolDown                   key.Binding
	Cancel, Quit, Help                 key.Binding
	AllowOnce, AllowSession, Deny      key.Binding
}

func defaultKeys() keyMap {
	return keyMap{
		Send:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send")),
		Newline:      key.NewBinding(key.WithKeys("shift+enter", "alt+enter", "ctrl+j"), key.WithHelp("shift/alt+enter", "new line")),
		History:      key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "history")),
		Complete:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete /command")),
		PageUp:       key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		LineUp:       key.NewBinding(key.WithKeys("shift+up"), key.WithHelp("shift+↑", "scroll up")),
		LineDown:     key.NewBinding(key.WithKeys("shift+down"), key.WithHelp("shift+↓", "scroll down")),
		Top:          key.NewBinding(key.WithKeys("ctrl+home"), key.WithHelp("ctrl+home", "first message")),
		Bottom:       key.NewBinding(key.WithKeys("ctrl+end"), key.WithHelp("ctrl+end", "follow the end")),
		Expand:       key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "expand last tool")),
		ToolUp:       key.NewBinding(key.WithKeys("alt+up"), key.WithHelp("alt+↑/↓", "scroll the expanded tool")),
		ToolDown:     key.NewBinding(key.WithKeys("alt+down"), key.WithHelp("alt+↓", "scroll the expanded tool")),
		Reasoning:    key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "show/fold reasoning")),
		Cancel:       key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "stop the turn; twice: quit")),
		Quit:         key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "quit (empty prompt)")),
		Help:         key.NewBinding(key.WithKeys("?", "f1"), key.WithHelp("?/f1", "this help")),
		AllowOnce:    key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y", "allow once")),
		AllowSession: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "allow for the session")),
		Deny:         key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "deny")),
	}
}

// ShortHelp is the one-line help.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Send, k.Newline, k.Cancel, k.Help}
}

// FullHelp is the help screen, in columns.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Send, k.Newline, k.History, k.Complete},
		{k.PageUp, k.PageDown, k.LineUp, k.LineDown, k.Top, k.Bottom},
		{k.Expand, k.ToolUp, k.Reasoning, k.Cancel, k.Quit, k.Help},
	}
}
