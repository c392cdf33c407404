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

// JSONEvent is the JSON object of an event, or nil for events that have none.
func JSONEvent(ev agent.Event) map[string]any {
	switch e := ev.(type) {
	case agent.Ready:
		m := map[string]any{"type": "ready", "model": e.Model, "tools": nonNil(e.Tools), "servers": e.Servers}
		if e.Endpoint != "" {
			m["endpoint"] = e.Endpoint
		} else {
			m["provider"] = e.Provider
		}
		if e.PromptSource != "" {
			m["prompt"] = e.PromptSource
		}
		return m
	case agent.TextDelta:
		return map[string]any{"type": "text", "text": e.Text}
	case agent.ReasoningDelta:
		return map[string]any{"type": "reasoning", "text": e.Text}
	case agent.ToolCallDone:
		var args any = e.Arguments
		var obj any
		if json.Unmarshal([]byte(e.Arguments), &obj) == nil {
			args = obj
		}
		return map[string]any{"type": "tool_call", "id": e.ID, "name": e.Name, "arguments": args}
	case agent.ToolResult:
		return map[string]any{"type": "tool_result", "id": e.ID, "name": e.Name, "content": e.Content, "is_error": e.IsError}
	case agent.Error:
		return map[string]any{"type": "error", "message": e.Err.Error(), "kind": string(e.Kind)}
	case agent.Done:
		m := map[string]any{"type": "done", "content": e.Content, "turns": e.Turns, "stop": string(e.Stop)}
		if e.Usage != nil {
			m["usage"] = e.Usage
		}
		return m
	}
	return nil
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
		fmt.Fprintf(p.trace, "error (%s): %s\n", e.Kind, safetext.Strip(e.Err.Error()))
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
