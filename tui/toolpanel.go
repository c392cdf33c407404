package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tiny-agents/tiny-agents/mcp"
)

// toolState is where a tool call is in its life.
type toolState int

const (
	toolStreaming toolState = iota // the model is still writing the arguments
	toolApproval                   // waiting for the user's decision
	toolRunning
	toolDone
	toolFailed
)

// Sizes of the collapsed parts of a tool panel.
const (
	argsMaxLines    = 8
	resultCollapsed = 4
	resultWindow    = 20 // an expanded result longer than this scrolls inside its panel
)

// toolItem is the panel of one tool call.
type toolItem struct {
	id, name, server string
	args             strings.Builder
	state            toolState
	started, ended   time.Time
	progress         string
	// question is what the approval asks, when it is not "Run this tool?".
	question string
	result   string
	isError  bool
	parts    []mcp.Part
	expanded bool
	offset   int // first result line shown when an expanded result scrolls
	wrapped  []string
	wrappedW int
	version  int
	cache    lineCache
	// cacheTick is the second of elapsed time the cache shows, for running panels.
	cacheTick int64
}

func (t *toolItem) lines(c *renderCtx, width int) []string {
	tick := int64(0)
	if t.state == toolRunning {
		tick = c.now.Sub(t.started).Milliseconds() / 100
	}
	if l, ok := t.cache.get(width, c.gen, t.version); ok && tick == t.cacheTick {
		return l
	}
	th := c.theme
	inner := width - 4 // border and padding
	if inner < 10 {
		inner = 10
	}
	var body []string
	// Header: status icon, name, server, time.
	icon := th.ToolOK.Render("✓")
	switch t.state {
	case toolStreaming:
		icon = th.Muted.Render("…")
	case toolApproval:
		icon = th.Approval.Render("?")
	case toolRunning:
		icon = th.Approval.Render(c.spinner)
	case toolFailed:
		icon = th.ToolError.Render("✗")
	}
	head := icon + " " + th.ToolName.Render(t.name)
	if t.server != "" {
		head += th.ToolServer.Render(" · " + t.server)
	}
	switch t.state {
	case toolRunning:
		head += th.Muted.Render("  " + fmtDuration(c.now.Sub(t.started)))
	case toolDone, toolFailed:
		if !t.started.IsZero() && !t.ended.IsZero() {
			head += th.Muted.Render("  " + fmtDuration(t.ended.Sub(t.started)))
		}
	}
	body = append(body, head)
	// Arguments, pretty and truncated.
	if args := prettyJSON(t.args.String()); args != "" {
		al := wrapPlain(args, inner)
		if len(al) > argsMaxLines && !t.expanded {
			more := len(al) - argsMaxLines
			al = append(al[:argsMaxLines:argsMaxLines], "… "+plural(more, "more line"))
		}
		for _, l := range al {
			body = append(body, th.ToolArgs.Render(l))
		}
	}
	if t.progress != "" && t.state == toolRunning {
		body = append(body, th.Accent.Render("↻ "+t.progress))
	}
	if t.state == toolApproval {
		q := "Run this tool?"
		if t.question != "" {
			q = t.question
		}
		body = append(body, th.Approval.Render(q)+"  "+
			th.Accent.Render("[y]")+" allow once  "+th.Accent.Render("[a]")+" allow "+t.name+" for the session  "+
			th.Accent.Render("[n]")+" deny")
	}
	if t.state == toolDone || t.state == toolFailed {
		body = append(body, t.resultLines(c, inner)...)
	}
	box := th.ToolBorder
	if t.state == toolFailed {
		box = box.BorderForeground(th.ToolError.GetForeground())
	} else if t.state == toolApproval {
		box = box.BorderForeground(th.Approval.GetForeground())
	}
	rendered := box.Width(width).Render(strings.Join(body, "\n"))
	out := append(strings.Split(rendered, "\n"), "")
	t.cacheTick = tick
	return t.cache.put(width, c.gen, t.version, out)
}

func (t *toolItem) resultLines(c *renderCtx, inner int) []string {
	th := c.theme
	st := th.ToolResult
	if t.isError {
		st = th.ToolError
	}
	var text []string
	for _, p := range t.parts {
		switch p.Type {
		case "image", "audio":
			text = append(text, fmt.Sprintf("[%s %s, %s]", p.Type, p.MIMEType, fmtBytes(p.Size)))
		case "resource":
			if p.Text == "" {
				text = append(text, fmt.Sprintf("[resource %s %s, %s]", p.URI, p.MIMEType, fmtBytes(p.Size)))
			}
		}
	}
	res := strings.TrimRight(t.result, "\n")
	// The model-facing text of binary parts is replaced by the placeholders above.
	if len(text) > 0 {
		var keep []string
		for _, l := range strings.Split(res, "\n") {
			if !strings.HasPrefix(l, "[Binary Content") && l != "The content is shown to the user." {
				keep = append(keep, l)
			}
		}
		res = strings.TrimSpace(strings.Join(keep, "\n"))
	}
	var lines []string
	for _, l := range text {
		lines = append(lines, th.Accent.Render(l))
	}
	if res == "" && len(text) == 0 {
		res = "(no output)"
	}
	if res != "" {
		wrapped := t.wrappedResult(res, inner)
		switch {
		case !t.expanded:
			shown := wrapped[:min(len(wrapped), resultCollapsed)]
			for _, l := range shown {
				lines = append(lines, st.Render(l))
			}
			if more := len(wrapped) - len(shown); more > 0 {
				lines = append(lines, th.Muted.Render("… "+plural(more, "more line")+" (ctrl+o or click to expand)"))
			}
		case len(wrapped) > resultWindow:
			// A long result scrolls inside its panel: the transcript stays put and the
			// panel never draws more than a window of lines.
			t.offset = max(min(t.offset, len(wrapped)-resultWindow), 0)
			for _, l := range wrapped[t.offset : t.offset+resultWindow] {
				lines = append(lines, st.Render(l))
			}
			lines = append(lines, th.Muted.Render(fmt.Sprintf("lines %d–%d of %d · wheel or alt+↑/↓ scrolls · ctrl+o collapses",
				t.offset+1, t.offset+resultWindow, len(wrapped))))
		default:
			for _, l := range wrapped {
				lines = append(lines, st.Render(l))
			}
			if len(wrapped) > resultCollapsed {
				lines = append(lines, th.Muted.Render("(ctrl+o or click to collapse)"))
			}
		}
	}
	return append([]string{th.Muted.Render(strings.Repeat("─", min(inner, 40)))}, lines...)
}

// wrappedResult wraps the result once per width: scrolling a long result must not wrap
// all of it again on every step.
func (t *toolItem) wrappedResult(res string, width int) []string {
	if t.wrapped == nil || t.wrappedW != width {
		t.wrapped, t.wrappedW = wrapPlain(res, width), width
	}
	return t.wrapped
}

// scrollResult moves an expanded result's window by n lines and says whether it moved.
func (t *toolItem) scrollResult(n int) bool {
	if !t.expanded || len(t.wrapped) <= resultWindow {
		return false
	}
	off := max(min(t.offset+n, len(t.wrapped)-resultWindow), 0)
	if off == t.offset {
		return false
	}
	t.offset = off
	t.version++
	return true
}

func (t *toolItem) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Tool `%s`", t.name)
	if t.server != "" {
		fmt.Fprintf(&b, " (%s)", t.server)
	}
	b.WriteString("\n\n")
	if a := prettyJSON(t.args.String()); a != "" {
		b.WriteString("```json\n" + a + "\n```\n\n")
	}
	if t.state == toolDone || t.state == toolFailed {
		if t.isError {
			b.WriteString("Error:\n\n")
		} else {
			b.WriteString("Result:\n\n")
		}
		b.WriteString("```\n" + strings.ReplaceAll(strings.TrimRight(t.result, "\n"), "```", "``\u200b`") + "\n```\n")
	}
	return b.String()
}

// prettyJSON indents JSON arguments; text that is not JSON (yet) is shown as it is.
func prettyJSON(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || s == "{}" {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(s), "", "  "); err != nil {
		return s
	}
	return buf.String()
}

func fmtDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d < time.Minute {
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

func fmtBytes(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KB"
	}
	return strconv.Itoa(n) + " bytes"
}

func itoa(n int) string { return strconv.Itoa(n) }
