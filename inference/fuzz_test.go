package inference

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// referenceSSE is a deliberately simple reading of the SSE spec over a whole body, to check
// the streaming reader against.
func referenceSSE(body []byte) []sseEvent {
	s := string(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF")))
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	var out []sseEvent
	var ev sseEvent
	var data []string
	has := false
	flush := func() {
		if has {
			ev.Data = []byte(strings.Join(data, "\n"))
			out = append(out, ev)
		}
		ev, data, has = sseEvent{}, nil, false
	}
	for _, line := range lines {
		if line == "" {
			flush()
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "data":
			data, has = append(data, value), true
		case "event":
			ev.Event = value
		case "id":
			if !strings.Contains(value, "\x00") {
				ev.ID = value
			}
		}
	}
	flush()
	return out
}

func readEvents(t *testing.T, r io.Reader) []sseEvent {
	sr := newSSEReader(r)
	var out []sseEvent
	for {
		ev, err := sr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("reader error: %v", err)
		}
		ev.Data = append([]byte(nil), ev.Data...) // valid only until the next call
		out = append(out, ev)
	}
}

func sameEvents(a, b []sseEvent) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Event != b[i].Event || a[i].ID != b[i].ID || !bytes.Equal(a[i].Data, b[i].Data) {
			return false
		}
	}
	return true
}

// corpusSeeds adds every recorded SSE body and fixture line as a seed.
func corpusSeeds(f *testing.F, add func([]byte)) {
	dir := corpusDir(f)
	files, _ := filepath.Glob(filepath.Join(dir, "recorded", "*.json"))
	for _, file := range files {
		raw, _ := os.ReadFile(file)
		var r recording
		if json.Unmarshal(raw, &r) == nil && r.Streaming {
			add([]byte(r.ResponseBody))
		}
	}
	files, _ = filepath.Glob(filepath.Join(dir, "fixtures", "vercel-ai", "*.txt"))
	for _, file := range files {
		raw, _ := os.ReadFile(file)
		var sse bytes.Buffer
		for _, line := range bytes.Split(bytes.TrimSpace(raw), []byte("\n")) {
			sse.WriteString("data: ")
			sse.Write(line)
			sse.WriteString("\r\n\r\n")
		}
		add(sse.Bytes())
	}
}

// FuzzSSEReader: the reader matches the reference on any input, whether the bytes come all at
// once or one at a time (CR/LF split across reads), and never panics.
func FuzzSSEReader(f *testing.F) {
	for _, s := range []string{"data: a\n\n", "data:b\r\n\r\n", "data: x\rdata: y\r\r", ": c\nid: 1\nevent: e\ndata: z", "\xEF\xBB\xBFdata: [DONE]\n\n", "data\n\n", "id: a\x00b\ndata: 1\n\n"} {
		f.Add([]byte(s))
	}
	corpusSeeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, body []byte) {
		want := referenceSSE(body)
		if got := readEvents(t, bytes.NewReader(body)); !sameEvents(got, want) {
			t.Fatalf("whole: got %q, want %q", got, want)
		}
		if got := readEvents(t, iotest.OneByteReader(bytes.NewReader(body))); !sameEvents(got, want) {
			t.Fatalf("byte by byte: got %q, want %q", got, want)
		}
	})
}

// FuzzAccumulator: any sequence of chunks (one JSON per line) is assembled without panic; the
// text is the concatenation of choice 0's deltas; every update points at a real tool call;
// and the message can be sent back as JSON.
func FuzzAccumulator(f *testing.F) {
	f.Add([]byte(chunkA + "\n" + chunkB))
	f.Add([]byte(`{"choices":[{"index":0,"delta":{"tool_calls":[{"id":1,"function":{"name":"f","arguments":{"a":1}}}]}}]}` + "\n" +
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"x"}},{"id":"n","function":{"arguments":"y"}}]}}]}`))
	corpusSeeds(f, func(b []byte) {
		var lines []string
		for _, l := range strings.Split(string(b), "\n") {
			if d, ok := strings.CutPrefix(strings.TrimSpace(l), "data:"); ok {
				lines = append(lines, strings.TrimSpace(d))
			}
		}
		f.Add([]byte(strings.Join(lines, "\n")))
	})
	f.Fuzz(func(t *testing.T, in []byte) {
		var acc Accumulator
		var content, reasoning strings.Builder
		for _, line := range bytes.Split(in, []byte("\n")) {
			var c ChatCompletionChunk
			if json.Unmarshal(line, &c) != nil {
				continue
			}
			for _, ch := range c.Choices {
				if ch.Index == 0 {
					content.WriteString(ch.Delta.Content)
					r := ch.Delta.Reasoning
					if r == "" {
						r = ch.Delta.ReasoningContent
					}
					reasoning.WriteString(r)
				}
			}
			d := acc.Add(&c)
			for _, u := range d.ToolCalls {
				if u.Position < 0 || u.Position >= len(acc.Message().ToolCalls) {
					t.Fatalf("update %+v points outside %d calls", u, len(acc.Message().ToolCalls))
				}
			}
		}
		m := acc.Message()
		if m.Content != content.String() || m.Reasoning != reasoning.String() {
			t.Fatalf("content %q / reasoning %q, want %q / %q", m.Content, m.Reasoning, content.String(), reasoning.String())
		}
		if _, err := json.Marshal(m); err != nil {
			t.Fatalf("message cannot be sent back: %v", err)
		}
		for _, c := range m.ToolCalls {
			if c.ID == "" || c.Type != "function" || c.Function.Arguments == "" {
				t.Fatalf("incomplete call %+v", c)
			}
		}
	})
}
