package tui

// transcript is the scrollable list of items. It draws only what is on screen: when it
// follows the stream it renders items from the last one upwards until the screen is full,
// and when the user scrolled up it renders from a top anchor downwards. Items above or below
// the screen are never rendered, so the cost of a frame does not grow with the history.
type transcript struct {
	items  []item
	follow bool
	// top is the first visible line when not following.
	top anchor
	// newBelow is set when output arrived while the user was scrolled up.
	newBelow bool
	// rows maps each drawn screen row to its item (for mouse clicks), from the last draw.
	rows []int
	// lastTop is the item of the last drawn frame's first row, and lastFromEnd how many of
	// that item's lines were on screen from that row down (counted from the item's end,
	// because in follow mode a long item is rendered only from its end).
	lastTop     anchor
	lastFromEnd int
}

// anchor is a line of an item.
type anchor struct{ item, line int }

func newTranscript() *transcript { return &transcript{follow: true} }

func (t *transcript) add(it item) { t.items = append(t.items, it) }

func (t *transcript) clear() {
	t.items = nil
	t.follow, t.newBelow, t.top = true, false, anchor{}
}

// grew tells the transcript that content changed at its end.
func (t *transcript) grew() {
	if !t.follow {
		t.newBelow = true
	}
}

// draw returns exactly height lines (padded with empty lines) of the visible part.
func (t *transcript) draw(c *renderCtx, width, height int) []string {
	if height <= 0 {
		return nil
	}
	if !t.follow && !t.fillsFrom(c, width, height, t.top) {
		t.follow, t.newBelow = true, false
	}
	out := make([]string, 0, height)
	rows := t.rows[:0]
	if t.follow {
		// Bottom-up: collect the last height lines.
		var chunks [][]string
		var ids []int
		n := 0
		i := len(t.items) - 1
		for ; i >= 0 && n < height; i-- {
			var l []string
			if tl, ok := t.items[i].(tailer); ok {
				l = tl.tailLines(c, width, height-n)
			} else {
				l = t.items[i].lines(c, width)
			}
			chunks = append(chunks, l)
			ids = append(ids, i)
			n += len(l)
		}
		skip := max(n-height, 0)
		t.lastTop = anchor{}
		for k := len(chunks) - 1; k >= 0; k-- {
			l := chunks[k]
			if skip > 0 {
				if skip >= len(l) {
					skip -= len(l)
					continue
				}
				if len(out) == 0 {
					t.lastTop, t.lastFromEnd = anchor{ids[k], skip}, len(l)-skip
				}
				l = l[skip:]
				skip = 0
			} else if len(out) == 0 {
				t.lastTop, t.lastFromEnd = anchor{ids[k], 0}, len(l)
			}
			for range l {
				rows = append(rows, ids[k])
			}
			out = append(out, l...)
		}
	} else {
		t.lastTop = t.top
		a := t.top
		for a.item < len(t.items) && len(out) < height {
			l := t.items[a.item].lines(c, width)
			if a.line < len(l) {
				take := l[a.line:]
				if len(take) > height-len(out) {
					take = take[:height-len(out)]
				}
				for range take {
					rows = append(rows, a.item)
				}
				out = append(out, take...)
			}
			a = anchor{a.item + 1, 0}
		}
	}
	for len(out) < height {
		out = append(out, "")
		rows = append(rows, -1)
	}
	t.rows = rows
	return out
}

// fillsFrom says whether the content from anchor a to the end is longer than height, that
// is whether the screen can stay scrolled there.
func (t *transcript) fillsFrom(c *renderCtx, width, height int, a anchor) bool {
	n := 0
	for i := a.item; i < len(t.items); i++ {
		l := len(t.items[i].lines(c, width))
		if i == a.item {
			l -= a.line
		}
		n += l
		if n > height {
			return true
		}
	}
	return false
}

// scroll moves the view by n lines (negative is up).
func (t *transcript) scroll(c *renderCtx, width, height, n int) {
	if len(t.items) == 0 || n == 0 {
		return
	}
	if t.follow {
		if n > 0 {
			return
		}
		// The top row's position, counted from the start of its item's full lines.
		full := len(t.items[t.lastTop.item].lines(c, width))
		t.top = anchor{t.lastTop.item, max(full-t.lastFromEnd, 0)}
		t.follow = false
	}
	a := t.top
	a.line += n
	for a.line < 0 && a.item > 0 {
		a.item--
		a.line += len(t.items[a.item].lines(c, width))
	}
	if a.line < 0 {
		a.line = 0
	}
	for a.item < len(t.items)-1 {
		l := len(t.items[a.item].lines(c, width))
		if a.line < l {
			break
		}
		a.line -= l
		a.item++
	}
	t.top = a
	if !t.fillsFrom(c, width, height, a) {
		t.follow, t.newBelow = true, false
	}
}

// toTop scrolls to the first line; toBottom follows the stream again.
func (t *transcript) toTop(c *renderCtx, width, height int) {
	if len(t.items) == 0 {
		return
	}
	t.top, t.follow = anchor{}, false
	if !t.fillsFrom(c, width, height, t.top) {
		t.follow = true
	}
}

func (t *transcript) toBottom() { t.follow, t.newBelow = true, false }

// itemAt returns the item drawn at a screen row of the transcript, or -1.
func (t *transcript) itemAt(row int) int {
	if row < 0 || row >= len(t.rows) {
		return -1
	}
	return t.rows[row]
}
