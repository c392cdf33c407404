package tui

import (
	"strings"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/ansi"
)

// mdRenderers keeps one glamour renderer per width: creating one costs tens of microseconds
// and a style parse, so it is done once per width and theme, not per render.
type mdRenderers struct {
	style ansi.StyleConfig
	byW   map[int]*glamour.TermRenderer
}

func newMDRenderers(style ansi.StyleConfig) *mdRenderers {
	return &mdRenderers{style: style, byW: map[int]*glamour.TermRenderer{}}
}

// render renders markdown to lines, without glamour's leading and trailing blank lines.
func (r *mdRenderers) render(md string, width int) []string {
	if width < 10 {
		width = 10
	}
	tr, ok := r.byW[width]
	if !ok {
		var err error
		tr, err = glamour.NewTermRenderer(glamour.WithStyles(r.style), glamour.WithWordWrap(width-4))
		if err != nil {
			return wrapPlain(md, width)
		}
		r.byW[width] = tr
	}
	out, err := tr.Render(md)
	if err != nil {
		return wrapPlain(md, width)
	}
	lines := trimBlank(strings.Split(strings.TrimRight(out, "\n"), "\n"))
	// Code lines are not wrapped by glamour: cut them here, once, not on every frame.
	for i, l := range lines {
		lines[i] = clip(l, width)
	}
	return lines
}

// trimBlank drops blank lines (spaces and styling only) at both ends.
func trimBlank(lines []string) []string {
	for len(lines) > 0 && isBlank(lines[0]) {
		lines = lines[1:]
	}
	for len(lines) > 0 && isBlank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func isBlank(s string) bool { return strings.TrimSpace(stripANSI(s)) == "" }

// streamDoc is a markdown document that grows at its end (a streaming answer). The text is
// cut into blocks at stable boundaries: a blank line outside a code fence after which the
// next block does not continue a list or an indented block. Blocks before the last
// boundary never change, so each is rendered once per width and kept; only the tail after
// the last boundary is rendered again when text arrives.
type streamDoc struct {
	text strings.Builder
	// cuts are the byte offsets where stable blocks end (ascending).
	cuts []int
	// scan state over complete lines
	scanned    int  // offset of the first line not yet scanned
	inFence    bool // inside ``` or ~~~
	fence      string
	fenceStart int  // offset of the open fence's first line
	fenceBody  int  // offset of the line after it
	pendingCut int  // offset after a blank line, waiting for the next block to confirm it
	prevList   bool // the block before pendingCut was a list or quote

	// render cache
	width     int
	gen       int
	chunks    []mdChunk
	doneCuts  int      // how many cuts the chunks cover
	stable    []string // the rendered chunks joined, while all of them are rendered in order
	stableN   int      // how many chunks stable holds
	tailText  string
	tailLines []string
	// The open code fence at the end, rendered line group by line group (see fenceLines).
	fenceAt   int
	fenceUpto int
	fenceDone []string
}

func (d *streamDoc) String() string { return d.text.String() }

// Append adds streamed text and finds new stable boundaries.
func (d *streamDoc) Append(s string) {
	// Tabs have no fixed width on a cell screen: code keeps its indentation as spaces.
	d.text.WriteString(strings.ReplaceAll(s, "\t", "    "))
	d.scan()
}

func (d *streamDoc) scan() {
	all := d.text.String()
	for {
		nl := strings.IndexByte(all[d.scanned:], '\n')
		if nl < 0 {
			d.confirmEarly(all[d.scanned:])
			return
		}
		line := all[d.scanned : d.scanned+nl]
		next := d.scanned + nl + 1
		d.scanLine(line, d.scanned, next)
		d.scanned = next
	}
}

func (d *streamDoc) scanLine(line string, start, next int) {
	trim := strings.TrimLeft(line, " ")
	indent := len(line) - len(trim)
	if d.inFence {
		if indent < 4 && strings.HasPrefix(trim, d.fence) && strings.TrimSpace(strings.TrimLeft(trim, d.fence[:1])) == "" {
			d.inFence = false
		}
		return
	}
	blank := strings.TrimSpace(line) == ""
	if blank {
		if d.pendingCut == 0 && start > 0 {
			d.pendingCut = next
		}
		return
	}
	// A non-blank line: it confirms or cancels the pending boundary.
	if d.pendingCut > 0 {
		continues := indent >= 2 || (d.prevList && (isListItem(trim) || strings.HasPrefix(trim, ">")))
		if !continues && (len(d.cuts) == 0 || d.cuts[len(d.cuts)-1] < d.pendingCut) {
			d.cuts = append(d.cuts, d.pendingCut)
		}
		d.pendingCut = 0
	}
	if indent < 4 && (strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~")) {
		d.inFence = true
		d.fence = trim[:3]
		d.fenceStart, d.fenceBody = start, next
	}
	d.prevList = isListItem(trim) || strings.HasPrefix(trim, ">") || (d.prevList && indent >= 2)
}

// confirmEarly confirms a pending boundary from the first bytes of the next line, before
// the line is complete: text at column 0 that cannot continue the block before it starts a
// new block. Without this the block before a boundary would render again on every delta
// until the next newline arrives.
func (d *streamDoc) confirmEarly(partial string) {
	if d.pendingCut == 0 || d.inFence || partial == "" {
		return
	}
	c := partial[0]
	if c == ' ' || c == '\t' {
		return
	}
	if d.prevList && (strings.IndexByte("-*+>0123456789", c) >= 0) {
		return
	}
	if len(d.cuts) == 0 || d.cuts[len(d.cuts)-1] < d.pendingCut {
		d.cuts = append(d.cuts, d.pendingCut)
	}
	d.pendingCut = 0
}

func isListItem(s string) bool {
	if len(s) >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && s[1] == ' ' {
		return true
	}
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(s) && (s[i] == '.' || s[i] == ')') && s[i+1] == ' '
}

// mdChunk is a stretch of stable text rendered as one unit (all the blocks that became
// stable between two frames), with its lines once rendered at the current width.
type mdChunk struct {
	from, to int
	lines    []string
	rendered bool
}

// reset drops what was rendered for another width or theme.
func (d *streamDoc) reset(width, gen int) {
	if width == d.width && gen == d.gen {
		return
	}
	d.width, d.gen = width, gen
	for i := range d.chunks {
		d.chunks[i].lines, d.chunks[i].rendered = nil, false
	}
	d.stable, d.stableN, d.tailText, d.tailLines = nil, 0, "", nil
	d.fenceAt, d.fenceUpto, d.fenceDone = -1, 0, nil
}

// chunkSize is the size a chunk grows to before another starts. Blocks are grouped because
// glamour has a fixed cost per call; chunks stay small enough that a frame which only shows
// the end of a burst of text renders only that end.
const chunkSize = 2048

// addChunks groups the blocks that became stable since the last frame into chunks.
func (d *streamDoc) addChunks() {
	from := 0
	if n := len(d.chunks); n > 0 {
		from = d.chunks[n-1].to
	}
	for ; d.doneCuts < len(d.cuts); d.doneCuts++ {
		cut := d.cuts[d.doneCuts]
		if cut-from >= chunkSize || d.doneCuts == len(d.cuts)-1 {
			d.chunks = append(d.chunks, mdChunk{from: from, to: cut})
			from = cut
		}
	}
}

func (d *streamDoc) chunkLines(r *mdRenderers, i int) []string {
	c := &d.chunks[i]
	if !c.rendered {
		c.lines, c.rendered = r.render(d.text.String()[c.from:c.to], d.width), true
	}
	return c.lines
}

// tail renders the text after the last stable boundary, when it changed.
func (d *streamDoc) tail(r *mdRenderers) []string {
	all := d.text.String()
	from := 0
	if n := len(d.chunks); n > 0 {
		from = d.chunks[n-1].to
	}
	tail := all[from:]
	if tail != d.tailText {
		d.tailText = tail
		switch {
		case strings.TrimSpace(tail) == "":
			d.tailLines = nil
		case d.inFence && d.fenceStart >= from:
			d.tailLines = d.fenceLines(r, all, from, d.width)
		default:
			d.tailLines = r.render(tail, d.width)
		}
	}
	return d.tailLines
}

// Lines renders the whole document at a width: the cached stable chunks plus the
// re-rendered tail. gen changes when the theme changes.
func (d *streamDoc) Lines(r *mdRenderers, width, gen int) []string {
	d.reset(width, gen)
	d.addChunks()
	for d.stableN < len(d.chunks) {
		l := d.chunkLines(r, d.stableN)
		if len(d.stable) > 0 && len(l) > 0 {
			d.stable = append(d.stable, "")
		}
		d.stable = append(d.stable, l...)
		d.stableN++
	}
	tail := d.tail(r)
	if len(tail) == 0 {
		return d.stable
	}
	out := make([]string, 0, len(d.stable)+1+len(tail))
	out = append(out, d.stable...)
	if len(out) > 0 {
		out = append(out, "")
	}
	return append(out, tail...)
}

// TailLines renders only the end of the document: at least need lines (all of them when the
// document is shorter), and whether that is the whole document. A long answer that is
// followed at the bottom of the screen costs only what is on screen, however long it is.
func (d *streamDoc) TailLines(r *mdRenderers, width, gen, need int) ([]string, bool) {
	d.reset(width, gen)
	d.addChunks()
	if d.stableN == len(d.chunks) {
		l := d.Lines(r, width, gen)
		return l, true
	}
	out := append([]string(nil), d.tail(r)...)
	i := len(d.chunks) - 1
	for ; i >= 0 && len(out) < need; i-- {
		l := d.chunkLines(r, i)
		if len(l) == 0 {
			continue
		}
		if len(out) > 0 {
			l = append(append(append([]string(nil), l...), ""), out...)
		}
		out = l
	}
	return out, i < 0
}

// fenceLines renders a tail that ends inside an open code fence. Highlighting a whole code
// block on every delta is the most expensive thing a stream can ask for, so the complete
// lines of the open block are rendered in groups as they arrive (each group as a closed
// block of its own) and kept; only the text before the fence and the unfinished last line
// are rendered again. When the fence closes, the whole block is rendered once more as a
// stable block, so the final look is glamour's own.
func (d *streamDoc) fenceLines(r *mdRenderers, all string, from, width int) []string {
	if d.fenceAt != d.fenceStart {
		d.fenceAt, d.fenceUpto, d.fenceDone = d.fenceStart, d.fenceBody, nil
	}
	header := all[d.fenceStart:d.fenceBody]
	closing := "\n" + d.fence + "\n"
	if d.scanned > d.fenceUpto {
		d.fenceDone = append(d.fenceDone, r.render(header+all[d.fenceUpto:d.scanned]+closing, width)...)
		d.fenceUpto = d.scanned
	}
	var out []string
	if pre := all[from:d.fenceStart]; strings.TrimSpace(pre) != "" {
		out = append(out, r.render(pre, width)...)
		out = append(out, "")
	}
	out = append(out, d.fenceDone...)
	if partial := all[d.scanned:]; partial != "" {
		out = append(out, r.render(header+partial+closing, width)...)
	}
	return out
}
