package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tiny-agents/tiny-agents/themes"
)

// renderCtx is what items need to render: the theme, the markdown renderers, a generation
// number that changes with the theme (so caches drop), the clock and the spinner frame.
type renderCtx struct {
	theme   *themes.Theme
	md      *mdRenderers
	gen     int
	now     time.Time
	spinner string
}

// item is one entry of the transcript. lines renders it at a width; items cache their lines
// per (width, generation, version) so that an unchanged item costs nothing to draw again.
type item interface {
	lines(c *renderCtx, width int) []string
	// markdown is the item as Markdown, for /export.
	markdown() string
}

// tailer is an item that can render only its last lines (long answers).
type tailer interface {
	tailLines(c *renderCtx, width, need int) []string
}

// lineCache holds an item's rendered lines and what they were rendered for.
type lineCache struct {
	width, gen, version int
	lines               []string
	valid               bool
}

func (lc *lineCache) get(width, gen, version int) ([]string, bool) {
	if lc.valid && lc.width == width && lc.gen == gen && lc.version == version {
		return lc.lines, true
	}
	return nil, false
}

func (lc *lineCache) put(width, gen, version int, lines []string) []string {
	*lc = lineCache{width: width, gen: gen, version: version, lines: lines, valid: true}
	return lines
}

// userItem is a message the user sent.
type userItem struct {
	text  string
	cache lineCache
}

func (u *userItem) lines(c *renderCtx, width int) []string {
	if l, ok := u.cache.get(width, c.gen, 0); ok {
		return l
	}
	out := []string{c.theme.UserLabel.Render("▌ You")}
	for _, l := range wrapPlain(u.text, width-2) {
		out = append(out, c.theme.UserLabel.Render("▌ ")+c.theme.User.Render(l))
	}
	return u.cache.put(width, c.gen, 0, append(out, ""))
}

func (u *userItem) markdown() string { return "## You\n\n" + u.text + "\n" }

// assistantItem is one streamed answer with its reasoning.
type assistantItem struct {
	doc           streamDoc
	reasoning     strings.Builder
	reasoningOpen bool
	done          bool
	interrupted   bool
	version       int
	cache         lineCache
}

func (a *assistantItem) lines(c *renderCtx, width int) []string {
	// The answer's own cache is streamDoc's; this cache only saves the assembly when nothing
	// changed since the last frame.
	if l, ok := a.cache.get(width, c.gen, a.version); ok {
		return l
	}
	var out []string
	if a.reasoning.Len() > 0 {
		if a.reasoningOpen {
			out = append(out, c.theme.Reasoning.Render("▾ Reasoning (ctrl+t to fold)"))
			for _, l := range wrapPlain(strings.TrimSpace(a.reasoning.String()), width-2) {
				out = append(out, c.theme.Reasoning.Render("  "+l))
			}
		} else {
			n := strings.Count(strings.TrimSpace(a.reasoning.String()), "\n") + 1
			out = append(out, c.theme.Reasoning.Render("▸ Reasoning, "+plural(n, "line")+" (ctrl+t to show)"))
		}
	}
	body := a.doc.Lines(c.md, width, c.gen)
	out = append(out, body...)
	if a.interrupted {
		out = append(out, c.theme.Muted.Render("  ⏹ stopped; what was streamed is kept"))
	}
	if len(out) == 0 {
		return nil
	}
	return a.cache.put(width, c.gen, a.version, append(out, ""))
}

// tailLines returns at least need lines of the item's end, rendering no more of a long
// answer than that (see streamDoc.TailLines).
func (a *assistantItem) tailLines(c *renderCtx, width, need int) []string {
	body, complete := a.doc.TailLines(c.md, width, c.gen, need)
	if complete {
		return a.lines(c, width)
	}
	out := append(make([]string, 0, len(body)+2), body...)
	if a.interrupted {
		out = append(out, c.theme.Muted.Render("  ⏹ stopped; what was streamed is kept"))
	}
	return append(out, "")
}

func (a *assistantItem) markdown() string {
	var b strings.Builder
	b.WriteString("## Assistant\n\n")
	if r := strings.TrimSpace(a.reasoning.String()); r != "" {
		b.WriteString("<details><summary>Reasoning</summary>\n\n" + r + "\n\n</details>\n\n")
	}
	b.WriteString(strings.TrimSpace(a.doc.String()))
	b.WriteString("\n")
	return b.String()
}

// noteKind says how a note looks.
type noteKind int

const (
	noteInfo noteKind = iota
	noteError
)

// noteItem is an error, a notice, or the output of a / command.
type noteItem struct {
	kind  noteKind
	text  string
	cache lineCache
}

func (n *noteItem) lines(c *renderCtx, width int) []string {
	if l, ok := n.cache.get(width, c.gen, 0); ok {
		return l
	}
	st, prefix := c.theme.Notice, "  "
	if n.kind == noteError {
		st, prefix = c.theme.Error, "✗ "
	}
	var out []string
	for i, l := range wrapPlain(n.text, width-2) {
		if i > 0 {
			prefix = "  "
		}
		out = append(out, st.Render(prefix+l))
	}
	return n.cache.put(width, c.gen, 0, append(out, ""))
}

func (n *noteItem) markdown() string {
	if n.kind == noteError {
		return "> **Error:** " + strings.ReplaceAll(n.text, "\n", "\n> ") + "\n"
	}
	return ""
}

// wrapPlain wraps untrusted plain text to a width (words first, then hard).
func wrapPlain(s string, width int) []string {
	if width < 4 {
		width = 4
	}
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\t", "    "), "\n") {
		if l == "" {
			out = append(out, "")
			continue
		}
		out = append(out, strings.Split(ansi.Wrap(l, width, ""), "\n")...)
	}
	return out
}

func stripANSI(s string) string { return ansi.Strip(s) }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return itoa(n) + " " + word + "s"
}
