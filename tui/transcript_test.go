package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tiny-agents/tiny-agents/agent"
)

func TestStreamedAnswerIsRenderedAsMarkdownWhileItStreams(t *testing.T) {
	m, _ := newTest(t, 80, 30)
	m.running = true
	events(m, agent.TextDelta{Text: "# Plan\n\nThis is **bold** and `code`.\n\n```go\nfunc main() {\n\tprintln(1)\n"})
	s := screen(m)
	mustContain(t, s, "Plan", "This is bold and", "code", "func main() {", "    println(1)")
	mustNotContain(t, s, "**bold**", "```")
	if m.State() != "streaming" {
		t.Fatalf("state %q, want streaming", m.State())
	}
	// The fence closes: the block becomes stable and is kept.
	events(m, agent.TextDelta{Text: "}\n```\n\nDone.\n"})
	mustContain(t, screen(m), "}", "Done.")
	// Code is highlighted: the raw frame carries colour for the keyword.
	if !strings.Contains(m.View().Content, "\x1b[") {
		t.Fatal("no styling in the frame")
	}
}

func TestStreamDocCutsOnlyAtStableBoundaries(t *testing.T) {
	tests := []struct {
		name string
		text string
		cuts int
	}{
		{"paragraphs", "one\n\ntwo\n\nthree\n", 2},
		{"open fence keeps blank lines inside", "intro\n\n```\na\n\nb\n", 1},
		{"closed fence", "```\na\n\nb\n```\n\nafter\n", 1},
		{"loose list stays one block", "- a\n\n- b\n\n- c", 0},
		{"list then paragraph", "- a\n- b\n\nparagraph\n", 1},
		{"indented continuation", "text\n\n    code\n", 0},
		{"no boundary yet", "one\n\n", 0},
		{"next line begun", "one\n\ntw", 1},
		{"next line begun after a list may continue it", "- a\n\n- b", 0},
		{"next line begun indented", "one\n\n  x", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d streamDoc
			// Streamed in small pieces, as a model does.
			for i := 0; i < len(tc.text); i += 3 {
				d.Append(tc.text[i:min(i+3, len(tc.text))])
			}
			if len(d.cuts) != tc.cuts {
				t.Fatalf("cuts %v (%d), want %d", d.cuts, len(d.cuts), tc.cuts)
			}
		})
	}
}

func TestStreamDocRendersLikeTheWholeDocument(t *testing.T) {
	m, _ := newTest(t, 80, 30)
	text := "# Title\n\nA paragraph with *emphasis*.\n\n- item one\n- item two\n\n```python\nprint('x')\n```\n\nEnd."
	var d streamDoc
	for _, r := range text {
		d.Append(string(r))
		d.Lines(m.md, 80, m.gen)
	}
	got := stripAll(d.Lines(m.md, 80, m.gen))
	for _, w := range []string{"Title", "A paragraph with emphasis.", "• item one", "• item two", "print('x')", "End."} {
		if !strings.Contains(got, w) {
			t.Fatalf("render lacks %q:\n%s", w, got)
		}
	}
	if len(d.cuts) < 3 {
		t.Fatalf("want the stable blocks cached, cuts=%v", d.cuts)
	}
}

func stripAll(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(stripANSI(l) + "\n")
	}
	return b.String()
}

func TestReasoningIsDimmedAndFoldsWithCtrlT(t *testing.T) {
	m, _ := newTest(t, 80, 30)
	m.running = true
	events(m, agent.ReasoningDelta{Text: "first I think\nthen I decide"}, agent.TextDelta{Text: "Answer."})
	s := screen(m)
	mustContain(t, s, "▸ Reasoning, 2 lines", "Answer.")
	mustNotContain(t, s, "first I think")
	press(m, "ctrl+t")
	mustContain(t, screen(m), "▾ Reasoning", "first I think", "then I decide")
	// Reasoning is styled faint (dimmed).
	if !strings.Contains(m.View().Content, m.theme.Reasoning.Render("  first I think")) {
		t.Fatal("reasoning is not dimmed")
	}
	press(m, "ctrl+t")
	mustNotContain(t, screen(m), "first I think")
}

func TestErrorsAreShownInline(t *testing.T) {
	m, _ := newTest(t, 80, 20)
	m.running = true
	events(m, agent.TextDelta{Text: "partial"}, agent.Error{Kind: agent.ErrHTTP, Err: errors.New("HTTP 500: upstream broke")},
		agent.Done{Stop: agent.StopError, Content: "partial"})
	mustContain(t, screen(m), "partial", "✗ http: HTTP 500: upstream broke")
	if m.State() != "ready" {
		t.Fatalf("state %q after an error, want ready", m.State())
	}
}

func TestUntrustedTextIsStrippedBeforeTheScreen(t *testing.T) {
	m, _ := newTest(t, 80, 30)
	m.running = true
	evil := "\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07safe"
	events(m,
		agent.TextDelta{Text: evil},
		agent.ReasoningDelta{Text: evil},
		agent.ToolCallStarted{ID: "1", Name: "to\x1b[31mol"},
		agent.ToolCallDone{ID: "1", Name: "tool", Server: "s\x1b]0;x\x07", Arguments: `{"a":"` + "\x1b[2J" + `"}`},
		agent.ToolResult{ID: "1", Name: "tool", Content: evil},
		agent.Notice{Server: "s", Text: evil},
		agent.Error{Kind: agent.ErrTool, Err: errors.New(evil)},
	)
	press(m, "ctrl+t", "ctrl+o")
	raw := m.View().Content
	for _, bad := range []string{"\x1b]0;", "\x1b[2J", "\x1b]52", "\x07"} {
		if strings.Contains(raw, bad) {
			t.Fatalf("frame carries %q", bad)
		}
	}
	mustContain(t, screen(m), "safe")
}

func TestScrollKeysMouseWheelAndNewOutputMarker(t *testing.T) {
	m, _ := newTest(t, 60, 12)
	for i := 0; i < 30; i++ {
		m.tr.add(&noteItem{text: fmt.Sprintf("line %02d", i)})
	}
	mustContain(t, screen(m), "line 29")
	press(m, "pgup")
	if m.tr.follow {
		t.Fatal("pgup should stop following")
	}
	mustNotContain(t, screen(m), "line 29")
	// Output while scrolled up: the view stays, a marker says there is more.
	before := screen(m)
	m.running = true
	events(m, agent.TextDelta{Text: "fresh output"})
	s := screen(m)
	mustContain(t, s, "new output below")
	mustNotContain(t, s, "fresh output")
	if strings.Split(before, "\n")[0] != strings.Split(s, "\n")[0] {
		t.Fatal("the view moved while scrolled up")
	}
	press(m, "ctrl+end")
	s = screen(m)
	mustContain(t, s, "fresh output")
	mustNotContain(t, s, "new output below")
	// Mouse wheel.
	m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if m.tr.follow {
		t.Fatal("wheel up should scroll up")
	}
	for i := 0; i < 5; i++ {
		m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	}
	if !m.tr.follow {
		t.Fatal("wheel down to the end should follow again")
	}
	// Line scrolling, top, and back down with pgdown.
	press(m, "shift+up")
	if m.tr.follow {
		t.Fatal("shift+up should scroll")
	}
	press(m, "ctrl+home")
	mustContain(t, screen(m), "line 00")
	for i := 0; i < 10; i++ {
		press(m, "pgdown")
	}
	if !m.tr.follow {
		t.Fatal("pgdown to the end should follow")
	}
}

func TestOnlyVisibleItemsAreRendered(t *testing.T) {
	m, _ := newTest(t, 80, 20)
	for i := 0; i < 500; i++ {
		m.tr.add(&assistantItem{})
		a := m.tr.items[len(m.tr.items)-1].(*assistantItem)
		a.doc.Append(fmt.Sprintf("answer %d\n\nmore text", i))
		a.done = true
	}
	screen(m)
	rendered := 0
	for _, it := range m.tr.items {
		if it.(*assistantItem).cache.valid {
			rendered++
		}
	}
	if rendered > 10 {
		t.Fatalf("%d items rendered for a 20-row screen", rendered)
	}
}

func TestInterruptedAnswerIsKept(t *testing.T) {
	m, _ := newTest(t, 80, 20)
	cancelled := false
	m.running, m.cancel = true, func() { cancelled = true }
	events(m, agent.TextDelta{Text: "half an ans"})
	press(m, "ctrl+c")
	if !cancelled || m.State() != "stopping" {
		t.Fatalf("ctrl+c during a turn: cancelled=%v state=%q", cancelled, m.State())
	}
	events(m, agent.Done{Stop: agent.StopInterrupted, Content: "half an ans"})
	s := screen(m)
	mustContain(t, s, "half an ans", "stopped; what was streamed is kept")
	if m.State() != "ready" || m.quitting {
		t.Fatalf("after the stop: state %q quitting %v", m.State(), m.quitting)
	}
}

// A real turn through the agent loop against the fake model: the conversation keeps the
// streamed text after ctrl+c.
func TestCtrlCCancelsARealStream(t *testing.T) {
	srv := newSlowModel(t)
	m, _ := newTest(t, 80, 20)
	m.opts.Agent = &agent.Agent{Model: srv}
	typeText(m, "go")
	cmd := press(m, "enter")
	if cmd == nil || !m.running {
		t.Fatal("enter did not start a turn")
	}
	done := make(chan struct{})
	go func() { cmd(); close(done) }()
	// Wait for some streamed text, then stop.
	for {
		msg := m.bridge.next()()
		m.Update(msg)
		if strings.Contains(screen(m), "tick") {
			break
		}
	}
	press(m, "ctrl+c")
	for m.running {
		m.Update(m.bridge.next()())
	}
	<-done
	mustContain(t, screen(m), "tick", "stopped")
	if n := len(m.conv.Messages); n != 2 || m.conv.Messages[1].Role != "assistant" {
		t.Fatalf("conversation after the stop: %+v", m.conv.Messages)
	}
}

func TestOpenCodeFenceStreamsLineByLineAndEndsLikeAWholeRender(t *testing.T) {
	m, _ := newTest(t, 60, 40)
	code := "```python\ndef f(x):\n    return x * 2\n\nprint(f(21))  # a very long comment that goes past the right edge of the screen for sure\n```\n"
	var d streamDoc
	for _, r := range code[:len(code)-5] {
		d.Append(string(r))
		d.Lines(m.md, 60, m.gen)
	}
	streaming := stripAll(d.Lines(m.md, 60, m.gen))
	for _, w := range []string{"def f(x):", "return x * 2", "print(f(21))"} {
		if !strings.Contains(streaming, w) {
			t.Fatalf("open fence render lacks %q:\n%s", w, streaming)
		}
	}
	d.Append(code[len(code)-5:])
	final := d.Lines(m.md, 60, m.gen)
	whole := m.md.render(code, 60)
	if stripAll(final) != stripAll(whole) {
		t.Fatalf("closed fence differs from a whole render:\n%s\nvs\n%s", stripAll(final), stripAll(whole))
	}
	for _, l := range final {
		if w := len([]rune(stripANSI(l))); w > 60 {
			t.Fatalf("line wider than the screen (%d): %q", w, stripANSI(l))
		}
	}
}

func TestALongAnswerIsRenderedOnlyWhereItIsSeen(t *testing.T) {
	m, _ := newTest(t, 80, 20)
	m.running = true
	// A burst: the screen fell behind the stream, so this frame gets 200 paragraphs at once.
	var burst []agent.Event
	for i := 0; i < 200; i++ {
		burst = append(burst, agent.TextDelta{Text: fmt.Sprintf("Paragraph number %d of a long answer.\n\n", i)})
	}
	burst = append(burst, agent.TextDelta{Text: "The end."})
	events(m, burst...)
	mustContain(t, screen(m), "Paragraph number 199", "The end.")
	d := &m.live.doc
	rendered := 0
	for _, c := range d.chunks {
		if c.rendered {
			rendered++
		}
	}
	if len(d.chunks) < 4 || rendered > 2 {
		t.Fatalf("%d of %d chunks rendered for a 20-row screen", rendered, len(d.chunks))
	}
	// Scrolling up one line from the bottom moves the view by exactly one line.
	th := m.transcriptHeight()
	before := strings.Split(screen(m), "\n")[:th]
	press(m, "shift+up")
	after := strings.Split(screen(m), "\n")[:th]
	if strings.Join(after[1:], "\n") != strings.Join(before[:th-1], "\n") {
		t.Fatalf("scroll up by one line:\nbefore:\n%s\nafter:\n%s", strings.Join(before, "\n"), strings.Join(after, "\n"))
	}
	// And the start of the answer is there when scrolled to the top.
	press(m, "ctrl+home")
	mustContain(t, screen(m), "Paragraph number 0 ")
}
