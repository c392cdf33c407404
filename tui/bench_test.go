package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/themes"
)

// sampleAnswer is a realistic markdown answer of about 1.5 KB: a heading, prose with inline
// markup, a list, a code block and a table.
func sampleAnswer(i int) string {
	return fmt.Sprintf(`## Step %d: reading the configuration

The loader reads **agent.json** first, then falls back to `+"`PROMPT.md`"+` when the folder has
no *AGENTS.md*. Each server entry is validated before anything starts, so a typo in a
command fails early with a message that names the field to fix.

- stdio servers are started with their own process group
- HTTP servers are contacted once, with a short timeout
- tools are listed and merged, duplicates get a server prefix

`+"```go"+`
func load(dir string) (*Agent, error) {
	b, err := os.ReadFile(filepath.Join(dir, "agent.json"))
	if err != nil {
		return nil, fmt.Errorf("read agent.json: %%w", err)
	}
	var a Agent
	return &a, json.Unmarshal(b, &a)
}
`+"```"+`

| server | tools | state |
|--------|-------|-------|
| everything | 12 | up |
| memory | 9 | up |

That is all for step %d; the next one wires the model.
`, i, i)
}

// buildHistory fills a model with n earlier messages (user questions and answers).
func buildHistory(m *Model, n int) {
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			m.tr.add(&userItem{text: fmt.Sprintf("Question %d: how does the loader handle a missing prompt file?", i)})
			continue
		}
		a := &assistantItem{done: true}
		a.doc.Append(sampleAnswer(i))
		m.tr.add(a)
	}
}

// deltas cuts a text into pieces of about size bytes, as a model streams it.
func deltas(text string, size int) []string {
	var out []string
	for len(text) > 0 {
		n := min(size, len(text))
		out = append(out, text[:n])
		text = text[n:]
	}
	return out
}

func benchModel(b *testing.B, w, h int) *Model {
	m := New(Options{AgentName: "bench", Ready: testReady(), Theme: themes.Dark(), ThemeDir: b.TempDir()})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// BenchmarkStreamDelta is the cost of one streamed delta: applied to the model and the
// frame produced, with 10 or 1000 earlier messages in the transcript.
func BenchmarkStreamDelta(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("history=%d", n), func(b *testing.B) {
			m := benchModel(b, 120, 40)
			buildHistory(m, n)
			m.running = true
			// The live answer already has a few blocks, as in the middle of a reply.
			events(m, agent.TextDelta{Text: sampleAnswer(0) + "\n" + sampleAnswer(1)})
			_ = m.View()
			pieces := deltas(strings.Repeat(sampleAnswer(2), 4), 12)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m.Update(eventsMsg{[]agent.Event{agent.TextDelta{Text: pieces[i%len(pieces)]}}})
				_ = m.View().Content
			}
		})
	}
}

// BenchmarkStream200KB streams a 200 KB answer at 1,000 deltas a second through the real
// bridge (agent goroutine → frame-paced batches → Update → View) and reports how long after
// the last delta the frame that shows it is ready, and how many frames were drawn.
func BenchmarkStream200KB(b *testing.B) {
	var text strings.Builder
	for i := 0; text.Len() < 200*1024; i++ {
		text.WriteString(sampleAnswer(i) + "\n")
	}
	pieces := deltas(text.String(), 200)
	var lagTotal time.Duration
	var framesTotal int
	for i := 0; i < b.N; i++ {
		m := benchModel(b, 120, 40)
		m.running = true
		lastSent := make(chan time.Time, 1)
		go func() {
			start := time.Now()
			for k, p := range pieces {
				if d := time.Until(start.Add(time.Duration(k) * time.Millisecond)); d > 0 {
					time.Sleep(d)
				}
				if k == len(pieces)-1 {
					lastSent <- time.Now()
				}
				m.bridge.emit(agent.TextDelta{Text: p})
			}
		}()
		frames := 0
		want := len(strings.ReplaceAll(text.String(), "\t", "    "))
		for {
			msg := m.bridge.next()()
			m.Update(msg)
			_ = m.View().Content
			frames++
			if m.live != nil && len(m.live.doc.String()) >= want {
				break
			}
		}
		done := time.Now()
		lagTotal += done.Sub(<-lastSent)
		framesTotal += frames
	}
	b.ReportMetric(float64(lagTotal.Microseconds())/float64(b.N)/1000, "ms-last-delta-to-frame")
	b.ReportMetric(float64(framesTotal)/float64(b.N), "frames")
	b.ReportMetric(float64(len(pieces)), "deltas")
}

// BenchmarkResize1000 is a window resize of a 1000-message transcript until the new frame
// is drawn.
func BenchmarkResize1000(b *testing.B) {
	m := benchModel(b, 120, 40)
	buildHistory(m, 1000)
	_ = m.View()
	widths := []int{100, 120}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(tea.WindowSizeMsg{Width: widths[i%2], Height: 40})
		_ = m.View().Content
	}
}

// BenchmarkScrollToTop1000 jumps from the end of a 1000-message transcript to its start.
func BenchmarkScrollToTop1000(b *testing.B) {
	m := benchModel(b, 120, 40)
	buildHistory(m, 1000)
	_ = m.View()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		press(m, "ctrl+home")
		_ = m.View().Content
		press(m, "ctrl+end")
		_ = m.View().Content
	}
}
