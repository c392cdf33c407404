package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// chrome is the parts of the screen below the transcript, drawn once per frame.
type chrome struct {
	hint, comps, input, status []string
}

func (m *Model) chrome() chrome {
	var c chrome
	th := m.theme
	// The line between transcript and prompt carries hints.
	hint := th.Muted.Render(strings.Repeat("─", max(m.width, 1)))
	switch {
	case m.quitArmed:
		hint = th.Approval.Render("Press ctrl+c again to quit (ctrl+d on an empty prompt quits too).")
	case len(m.approvals) > 0:
		hint = th.Approval.Render("Tool approval: ") + th.Accent.Render("y") + " allow once · " +
			th.Accent.Render("a") + " allow for the session · " + th.Accent.Render("n") + " deny"
	case m.stopping:
		hint = th.Muted.Render("Stopping…")
	}
	c.hint = []string{hint}
	if f := m.activeForm(); f != nil {
		// The form may take the screen but the hint line, the status bar and one row of the
		// transcript.
		c.input = strings.Split(f.render(m.width, max(m.height-3, 8)), "\n")
	} else {
		for i, cm := range m.completions() {
			line := fmt.Sprintf(" %-9s %-10s %s", cm.name, cm.args, cm.desc)
			if i == min(m.compSel, len(m.completions())-1) {
				line = th.Selected.Render(line)
			} else {
				line = th.Muted.Render(line)
			}
			c.comps = append(c.comps, line)
		}
		c.input = m.inputView()
	}
	c.status = []string{m.statusBar()}
	return c
}

// inputKey is what the prompt's look depends on.
type inputKey struct {
	value          string
	line, col      int
	width, gen     int
	focused, armed bool
}

// inputView is the prompt, drawn again only when it changed: most frames are stream frames
// in which the prompt did not move.
func (m *Model) inputView() []string {
	k := inputKey{m.input.Value(), m.input.Line(), m.input.Column(), m.width, m.gen, m.input.Focused(), m.quitArmed}
	if m.inputCache.lines != nil && m.inputCache.key == k {
		return m.inputCache.lines
	}
	m.inputCache.key = k
	m.inputCache.lines = strings.Split(m.input.View(), "\n")
	return m.inputCache.lines
}

func (m *Model) statusBar() string {
	th := m.theme
	up, total := m.serversUp, m.serversTotal
	model := m.model
	if p := m.opts.Ready.Provider; p != "" {
		model += " (" + p + ")"
	}
	left := fmt.Sprintf(" %s │ %s │ servers %d/%d │ %s tokens ", m.opts.AgentName, model, up, total, fmtTokens(m.tokens))
	right := " " + m.state().String() + " "
	gap := m.width - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 0 {
		left = ansi.Truncate(left, max(m.width-ansi.StringWidth(right), 0), "…")
		gap = max(m.width-ansi.StringWidth(left)-ansi.StringWidth(right), 0)
	}
	return th.StatusBar.Render(left+strings.Repeat(" ", gap)) + th.StatusState.Render(right)
}

func fmtTokens(n int) string {
	if n >= 10000 {
		return fmt.Sprintf("%.1fk", float64(n)/1000)
	}
	return fmt.Sprint(n)
}

// transcriptHeight is the number of rows left for the transcript.
func (m *Model) transcriptHeight() int {
	c := m.chrome()
	return max(m.height-len(c.hint)-len(c.comps)-len(c.input)-len(c.status), 1)
}

// View draws the frame: only the visible lines of the transcript are rendered.
func (m *Model) View() tea.View {
	if m.quitting {
		return tea.NewView("")
	}
	c := m.chrome()
	h := max(m.height-len(c.hint)-len(c.comps)-len(c.input)-len(c.status), 1)
	var body []string
	if m.showHelp {
		body = m.helpLines(h)
	} else {
		body = m.tr.draw(m.renderCtx(), m.width, h)
		if m.tr.newBelow && len(body) > 0 {
			body[len(body)-1] = m.theme.Marker.Render(" ↓ new output below (ctrl+end or pgdn) ")
		}
	}
	lines := make([]string, 0, m.height)
	lines = append(lines, body...)
	lines = append(lines, c.hint...)
	lines = append(lines, c.comps...)
	lines = append(lines, c.input...)
	lines = append(lines, c.status...)
	v := tea.NewView(strings.Join(lines, "\n"))
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "tiny-agents · " + m.opts.AgentName
	return v
}

func (m *Model) helpLines(h int) []string {
	th := m.theme
	out := []string{th.Accent.Render("Keys"), ""}
	out = append(out, strings.Split(m.help.FullHelpView(m.keys.FullHelp()), "\n")...)
	k := m.keys
	out = append(out, "", th.Accent.Render("Tool approval")+"  "+m.help.ShortHelpView([]key.Binding{k.AllowOnce, k.AllowSession, k.Deny}))
	out = append(out, "", th.Accent.Render("Commands"), "")
	for _, c := range commands {
		out = append(out, fmt.Sprintf("  %-9s %-10s %s", c.name, c.args, th.Muted.Render(c.desc)))
	}
	out = append(out, "", th.Muted.Render("Hold shift to select text with the mouse. Press ? or esc to close."))
	if len(out) > h {
		out = out[:h]
	}
	for len(out) < h {
		out = append(out, "")
	}
	for i := range out {
		out[i] = clip(out[i], m.width)
	}
	return out
}

// clip cuts a line to the screen width (long code lines are not wrapped by glamour).
func clip(s string, width int) string {
	if len(s) <= width {
		return s
	}
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}
