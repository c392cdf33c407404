// Package headless prints agent events for scripts: plain text (the answer on stdout, a trace
// of tool calls on stderr) or JSON Lines (one event a line, as CONTRACT.md describes them).
package headless

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/internal/redact"
	"github.com/tiny-agents/tiny-agents/internal/safetext"
)

// Printer writes events somewhere.
type Printer interface {
	Print(agent.Event)
}

// JSON writes one JSON object a line.
type JSON struct {
	mu  sync.Mutex
	enc *json.Encoder
}

// NewJSON returns a JSON Lines printer on w.
func NewJSON(w io.Writer) *JSON {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &JSON{enc: enc}
}

// Print writes the event's JSON line. Events scripts do not need (approval, usage) are skipped.
func (p *JSON) Print(ev agent.Event) {
	obj := JSONEvent(ev)
	if obj == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.enc.Encode(obj)
}

// JSONEvent is the JSON object of an event, or nil for events that have none. Fields come
// in a fixed order, `type` first, so that the lines read well.
func JSONEvent(ev agent.Event) Object {
	switch e := ev.(type) {
	case agent.Ready:
		o := Object{{"type", "ready"}, {"model", e.Model}}
		if e.Endpoint != "" {
			o = append(o, Field{"endpoint", e.Endpoint})
		} else {
			o = append(o, Field{"provider", e.Provider})
		}
		o = append(o, Field{"tools", nonNil(e.Tools)}, Field{"servers", e.Servers})
		if e.PromptSource != "" {
			o = append(o, Field{"prompt", e.PromptSource})
		}
		return o
	case agent.TextDelta:
		return Object{{"type", "text"}, {"text", e.Text}}
	case agent.ReasoningDelta:
		return Object{{"type", "reasoning"}, {"text", e.Text}}
	case agent.ToolCallDone:
		var args any = e.Arguments
		var obj any
		if json.Unmarshal([]byte(e.Arguments), &obj) == nil {
			args = json.RawMessage(e.Arguments)
		}
		return Object{{"type", "tool_call"}, {"id", e.ID}, {"name", e.Name}, {"arguments", args}}
	case agent.ToolResult:
		return Object{{"type", "tool_result"}, {"id", e.ID}, {"name", e.Name}, {"content", e.Content}, {"is_error", e.IsError}}
	case agent.Error:
		return Object{{"type", "error"}, {"message", redact.String(e.Err.Error())}, {"kind", string(e.Kind)}}
	case agent.Notice:
		return Object{{"type", "notice"}, {"server", e.Server}, {"text", e.Text}}
	case agent.Done:
		o := Object{{"type", "done"}, {"content", e.Content}, {"turns", e.Turns}}
		if e.Usage != nil {
			o = append(o, Field{"usage", e.Usage})
		}
		return append(o, Field{"stop", string(e.Stop)})
	}
	return nil
}

// Field is one member of an Object.
type Field struct {
	Key   string
	Value any
}

// Object is a JSON object whose members keep their order.
type Object []Field

// MarshalJSON writes the members in order.
func (o Object) MarshalJSON() ([]byte, error) {
	buf := []byte{'{'}
	for i, f := range o {
		if i > 0 {
			buf = append(buf, ',')
		}
		k, _ := json.Marshal(f.Key)
		buf = append(buf, k...)
		buf = append(buf, ':')
		v, err := marshalNoEscape(f.Value)
		if err != nil {
			return nil, err
		}
		buf = append(buf, v...)
	}
	return append(buf, '}'), nil
}

// Get returns the value of a member, for tests and other front ends.
func (o Object) Get(key string) any {
	for _, f := range o {
		if f.Key == key {
			return f.Value
		}
	}
	return nil
}

func marshalNoEscape(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Text writes the answer's text to out and a one-line trace of each tool call to trace.
// Everything from the model or a tool is stripped of escape sequences first.
type Text struct {
	mu       sync.Mutex
	out      io.Writer
	trace    io.Writer
	lastByte byte
}

// NewText returns a text printer.
func NewText(out, trace io.Writer) *Text { return &Text{out: out, trace: trace, lastByte: '\n'} }

// Print writes the event.
func (p *Text) Print(ev agent.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := ev.(type) {
	case agent.TextDelta:
		s := safetext.Strip(e.Text)
		if s != "" {
			io.WriteString(p.out, s)
			p.lastByte = s[len(s)-1]
		}
	case agent.ToolCallDone:
		fmt.Fprintf(p.trace, "→ %s %s\n", safetext.Strip(e.Name), oneLine(e.Arguments, 200))
	case agent.ToolResult:
		mark := "←"
		if e.IsError {
			mark = "✗"
		}
		fmt.Fprintf(p.trace, "%s %s %s\n", mark, safetext.Strip(e.Name), oneLine(e.Content, 200))
	case agent.Error:
		fmt.Fprintf(p.trace, "error (%s): %s\n", e.Kind, safetext.Strip(redact.String(e.Err.Error())))
	case agent.Notice:
		fmt.Fprintf(p.trace, "server %s: %s\n", safetext.Strip(e.Server), safetext.Strip(e.Text))
	case agent.Done:
		if p.lastByte != '\n' {
			io.WriteString(p.out, "\n")
			p.lastByte = '\n'
		}
	}
}

// oneLine shortens text to one line of at most n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(safetext.Strip(s)), " ")
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
