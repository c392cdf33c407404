package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tiny-agents/tiny-agents/agent"
)

func (m *Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	if key.Matches(msg, k.Cancel) {
		return m.ctrlC()
	}
	m.quitArmed = false
	if m.showHelp {
		if key.Matches(msg, k.Help) || msg.String() == "esc" || msg.String() == "q" || msg.String() == "enter" {
			m.showHelp = false
		}
		return m, nil
	}
	// An open question takes the keys first.
	if len(m.forms) > 0 {
		return m, m.formKey(msg)
	}
	if len(m.approvals) > 0 {
		switch {
		case key.Matches(msg, k.AllowOnce):
			return m, m.decide(agent.AllowOnce)
		case key.Matches(msg, k.AllowSession):
			return m, m.decide(agent.AllowSession)
		case key.Matches(msg, k.Deny):
			return m, m.decide(agent.Deny)
		}
	}
	switch {
	case key.Matches(msg, k.PageUp):
		m.scroll(-max(m.transcriptHeight()-2, 1))
		return m, nil
	case key.Matches(msg, k.PageDown):
		m.scroll(max(m.transcriptHeight()-2, 1))
		return m, nil
	case key.Matches(msg, k.LineUp):
		m.scroll(-1)
		return m, nil
	case key.Matches(msg, k.LineDown):
		m.scroll(1)
		return m, nil
	case key.Matches(msg, k.Top):
		m.tr.toTop(m.renderCtx(), m.width, m.transcriptHeight())
		return m, nil
	case key.Matches(msg, k.Bottom):
		m.tr.toBottom()
		return m, nil
	case key.Matches(msg, k.Expand):
		if m.lastTool != nil {
			m.lastTool.expanded = !m.lastTool.expanded
			m.lastTool.version++
		}
		return m, nil
	case key.Matches(msg, k.ToolUp, k.ToolDown):
		if m.lastTool != nil {
			n := 3
			if key.Matches(msg, k.ToolUp) {
				n = -3
			}
			m.lastTool.scrollResult(n)
		}
		return m, nil
	case key.Matches(msg, k.Reasoning):
		m.toggleReasoning()
		return m, nil
	case key.Matches(msg, k.Quit) && m.input.Value() == "":
		return m.quit()
	case msg.String() == "f1" || (msg.String() == "?" && m.input.Value() == ""):
		m.showHelp = true
		return m, nil
	}
	if len(m.approvals) > 0 {
		// Letters answer the approval; nothing else goes to the prompt meanwhile.
		return m, nil
	}
	if comps := m.completions(); len(comps) > 0 {
		switch msg.String() {
		case "tab":
			m.input.SetValue(comps[min(m.compSel, len(comps)-1)].name + " ")
			m.compSel = 0
			return m, nil
		case "up":
			m.compSel = (m.compSel + len(comps) - 1) % len(comps)
			return m, nil
		case "down":
			m.compSel = (m.compSel + 1) % len(comps)
			return m, nil
		case "enter":
			m.input.SetValue(comps[min(m.compSel, len(comps)-1)].name)
			m.compSel = 0
			return m.submit()
		}
	}
	switch msg.String() {
	case "enter":
		return m.submit()
	case "up":
		if m.historyUp() {
			return m, nil
		}
	case "down":
		if m.historyDown() {
			return m, nil
		}
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	m.compSel = min(m.compSel, max(len(m.completions())-1, 0))
	return m, cmd
}

// ctrlC stops the running turn (keeping what was streamed); on an idle prompt the first
// press asks, the second quits.
func (m *Model) ctrlC() (tea.Model, tea.Cmd) {
	if m.showHelp {
		m.showHelp = false
	}
	if m.running {
		m.quitArmed = false
		m.stopping = true
		if m.cancel != nil {
			m.cancel()
		}
		m.denyPending()
		return m, nil
	}
	if m.quitArmed {
		return m.quit()
	}
	m.quitArmed = true
	return m, nil
}

// decide answers the first waiting approval.
func (m *Model) decide(d agent.Decision) tea.Cmd {
	p := m.approvals[0]
	m.approvals = m.approvals[1:]
	p.req.Reply <- d
	if d == agent.Deny {
		p.panel.state = toolFailed
	} else {
		p.panel.state, p.panel.started = toolRunning, m.now
	}
	p.panel.version++
	return m.ensureTick()
}

// submit sends the prompt: a / command, or a user message that starts a turn.
func (m *Model) submit() (tea.Model, tea.Cmd) {
	raw := m.input.Value()
	text := strings.TrimSpace(raw)
	if text == "" {
		return m, nil
	}
	if strings.HasPrefix(text, "/") && !strings.HasPrefix(text, "//") {
		m.remember(text)
		m.input.Reset()
		return m.runCommand(text)
	}
	if m.running {
		m.note(noteInfo, "A turn is running: wait for it, or stop it with ctrl+c.")
		return m, nil
	}
	m.remember(raw)
	m.input.Reset()
	m.tr.add(&userItem{text: raw})
	m.tr.toBottom()
	if m.opts.Agent == nil {
		m.note(noteError, "No model is connected.")
		return m, nil
	}
	m.conv.AddUser(raw)
	ctx, cancel := context.WithCancel(m.opts.Context)
	m.running, m.cancel, m.live = true, cancel, nil
	return m, startTurn(ctx, m.opts.Agent, &m.conv, m.bridge, m.opts.Events)
}

func (m *Model) scroll(n int) {
	m.tr.scroll(m.renderCtx(), m.width, m.transcriptHeight(), n)
}

func (m *Model) toggleReasoning() {
	for i := len(m.tr.items) - 1; i >= 0; i-- {
		if a, ok := m.tr.items[i].(*assistantItem); ok && a.reasoning.Len() > 0 {
			a.reasoningOpen = !a.reasoningOpen
			a.version++
			return
		}
	}
}

// toggleAt expands or folds the item under a mouse click.
func (m *Model) toggleAt(y int) {
	i := m.tr.itemAt(y)
	if i < 0 {
		return
	}
	switch it := m.tr.items[i].(type) {
	case *toolItem:
		it.expanded = !it.expanded
		it.version++
	case *assistantItem:
		if it.reasoning.Len() > 0 {
			it.reasoningOpen = !it.reasoningOpen
			it.version++
		}
	}
}
