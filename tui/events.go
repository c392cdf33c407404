package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/internal/safetext"
)

// applyEvents applies one batch of agent events. Every string from the model or a tool is
// stripped of escape sequences here, before it is stored.
func (m *Model) applyEvents(evs []agent.Event) tea.Cmd {
	for _, ev := range evs {
		m.apply(ev)
	}
	m.tr.grew()
	return nil
}

// answer returns the item the streamed text goes to: the live answer if it is still the
// last item, else a new one (a tool round started a new model request).
func (m *Model) answer() *assistantItem {
	if m.live != nil && len(m.tr.items) > 0 && m.tr.items[len(m.tr.items)-1] == item(m.live) {
		return m.live
	}
	m.live = &assistantItem{}
	m.tr.add(m.live)
	return m.live
}

func (m *Model) panel(id, name string) *toolItem {
	if t, ok := m.tools[id]; ok {
		return t
	}
	t := &toolItem{id: id, name: safetext.Strip(name)}
	m.tools[id] = t
	m.lastTool = t
	m.tr.add(t)
	return t
}

func (m *Model) apply(ev agent.Event) {
	switch e := ev.(type) {
	case agent.TextDelta:
		a := m.answer()
		a.doc.Append(safetext.Strip(e.Text))
		a.version++
	case agent.ReasoningDelta:
		a := m.answer()
		a.reasoning.WriteString(safetext.Strip(e.Text))
		a.version++
	case agent.ToolCallStarted:
		m.panel(e.ID, e.Name)
	case agent.ToolCallArgsDelta:
		if t, ok := m.tools[e.ID]; ok {
			t.args.WriteString(safetext.Strip(e.Delta))
			t.version++
		}
	case agent.ToolCallDone:
		t := m.panel(e.ID, e.Name)
		t.server = safetext.Strip(e.Server)
		t.args.Reset()
		t.args.WriteString(safetext.Strip(e.Arguments))
		t.state, t.started = toolRunning, m.now
		t.version++
	case agent.ApprovalRequest:
		t := m.panel(e.ID, e.Name)
		if t.server == "" {
			t.server = safetext.Strip(e.Server)
		}
		t.state = toolApproval
		t.question = safetext.Strip(e.Question)
		t.version++
		m.approvals = append(m.approvals, pendingApproval{req: e, panel: t})
		m.tr.toBottom()
	case agent.ToolProgress:
		if t, ok := m.tools[e.ID]; ok {
			p := fmt.Sprintf("%g", e.Progress)
			if e.Total > 0 {
				p = fmt.Sprintf("%g/%g", e.Progress, e.Total)
			}
			if e.Message != "" {
				p = safetext.Strip(e.Message) + " (" + p + ")"
			}
			t.progress = p
			t.version++
		}
	case agent.ToolResult:
		t := m.panel(e.ID, e.Name)
		t.result = safetext.Strip(e.Content)
		t.wrapped = nil
		t.isError = e.IsError
		t.parts = t.parts[:0]
		for _, p := range e.Parts {
			p.Text, p.URI, p.MIMEType = safetext.Strip(p.Text), safetext.Strip(p.URI), safetext.Strip(p.MIMEType)
			p.Data = ""
			t.parts = append(t.parts, p)
		}
		t.state = toolDone
		if e.IsError {
			t.state = toolFailed
		}
		if t.started.IsZero() {
			t.started = m.now
		}
		t.ended = m.now
		t.version++
	case agent.ElicitationRequest:
		f, err := formFromSchema(safetext.Strip(e.Server), safetext.Strip(e.Message), e.Schema)
		if err != nil {
			e.Reply <- agent.ElicitationReply{Action: "decline"}
			m.note(noteError, "A form from "+safetext.Strip(e.Server)+" could not be shown: "+err.Error())
			return
		}
		f.theme = m.theme
		m.forms = append(m.forms, pendingForm{req: e, form: f})
		m.tr.toBottom()
	case agent.Notice:
		text := safetext.Strip(e.Text)
		if e.Server != "" {
			text = safetext.Strip(e.Server) + ": " + text
		}
		m.tr.add(&noteItem{kind: noteInfo, text: text})
		m.refreshServers()
	case agent.Usage:
		m.tokens += e.PromptTokens + e.CompletionTokens
	case agent.Error:
		msg := "error"
		if e.Err != nil {
			msg = safetext.Strip(e.Err.Error())
		}
		m.tr.add(&noteItem{kind: noteError, text: string(e.Kind) + ": " + msg})
	case agent.Done:
		m.finishTurn(e)
	}
}

// finishTurn ends the running turn: panels still waiting are closed, the answer is kept.
func (m *Model) finishTurn(d agent.Done) {
	m.running, m.stopping = false, false
	m.refreshServers()
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.denyPending()
	for _, t := range m.tools {
		switch t.state {
		case toolStreaming, toolApproval, toolRunning:
			t.state, t.isError, t.result, t.ended = toolFailed, true, "Not run: the turn ended.", m.now
			t.version++
		}
	}
	m.tools = map[string]*toolItem{}
	if m.live != nil {
		m.live.done = true
		if d.Stop == agent.StopInterrupted {
			m.live.interrupted = true
			m.live.version++
		}
	}
	switch d.Stop {
	case agent.StopInterrupted:
		if m.live == nil || m.tr.items[len(m.tr.items)-1] != item(m.live) {
			m.tr.add(&noteItem{kind: noteInfo, text: "⏹ Stopped."})
		}
	case agent.StopMaxTurns:
		m.tr.add(&noteItem{kind: noteInfo, text: fmt.Sprintf("Stopped after %d model requests (--max-turns).", d.Turns)})
	}
	if c := strings.TrimSpace(d.Content); c != "" {
		m.lastAnswer = safetext.Strip(c)
	} else if m.live != nil {
		m.lastAnswer = strings.TrimSpace(m.live.doc.String())
	}
	m.live = nil
}
