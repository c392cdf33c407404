// Package fakemodel is a scripted OpenAI-compatible chat-completion server for tests: it
// plays replies (streamed text, tool calls, quirks, errors, slowness) and records every
// request so a test can assert what the client sent.
package fakemodel

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Call is a tool call in a scripted reply.
type Call struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// Reply is one scripted answer to a request.
type Reply struct {
	// When, if set, makes the reply match only requests whose last message has this role
	// ("user", "tool", or "assistant" for a request that ends with the model's own answer,
	// such as the JS peer's probe after a tool round); such scripts answer any number of
	// conversations.
	When string `json:"when,omitempty"`
	// Status and Body make an HTTP error reply (Status != 200).
	Status int               `json:"status,omitempty"`
	Body   string            `json:"body,omitempty"`
	Header map[string]string `json:"header,omitempty"`
	// Text is streamed in pieces of ChunkSize bytes (default: word by word).
	Text      string `json:"text,omitempty"`
	ChunkSize int    `json:"chunkSize,omitempty"`
	Reasoning string `json:"reasoning,omitempty"`
	ToolCalls []Call `json:"toolCalls,omitempty"`
	// ArgsSplit splits each tool call's arguments over this many chunks (default 2).
	ArgsSplit int `json:"argsSplit,omitempty"`
	// Events, when set, are sent verbatim as the body (raw SSE text), for quirks.
	Events string `json:"events,omitempty"`
	// Delay is the pause before each chunk.
	Delay Duration `json:"delay,omitempty"`
	// NoDone leaves out `data: [DONE]`.
	NoDone bool `json:"noDone,omitempty"`
	// Hang stops sending after the chunks without closing the stream, until the client goes.
	Hang bool `json:"hang,omitempty"`
	// ErrorMidStream sends an error object after the chunks.
	ErrorMidStream string `json:"errorMidStream,omitempty"`
	// Usage, when set, is sent in a last chunk with empty choices.
	Usage *Usage `json:"usage,omitempty"`
	// Echo appends the text of the request's last message to Text, so one script can answer
	// many concurrent conversations and each answer shows which request it belongs to. The
	// arguments of ToolCalls may also hold {{last}}, replaced by that text (JSON-escaped).
	Echo bool `json:"echo,omitempty"`
}

// Usage is token accounting.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Duration is a time.Duration written as "50ms" in JSON scripts.
type Duration time.Duration

// UnmarshalJSON reads "50ms" or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		v, err := time.ParseDuration(s)
		*d = Duration(v)
		return err
	}
	var n int64
	err := json.Unmarshal(b, &n)
	*d = Duration(n)
	return err
}

// MarshalJSON writes the duration as text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// Request is a recorded request.
type Request struct {
	// Time is when the request arrived (before its body was read), for timelines in benchmarks.
	Time   time.Time
	Method string
	Path   string
	Header http.Header
	Body   []byte
	// Messages are the request's messages, decoded loosely.
	Messages []map[string]any
	Tools    []map[string]any
}

// LastMessage returns the last message of the request.
func (r Request) LastMessage() map[string]any {
	if len(r.Messages) == 0 {
		return nil
	}
	return r.Messages[len(r.Messages)-1]
}

// Server is the fake model.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	script   []Reply
	next     int
	requests []Request
	active   atomic.Int64
}

// New starts a fake model on 127.0.0.1 that plays the replies in order (or by When).
func New(replies ...Reply) *Server {
	s := &Server{script: replies}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
}

// Listen starts a fake model on a given loopback address (for the standalone command).
func Listen(addr string, replies ...Reply) (*Server, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{script: replies}
	s.Server = &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(s.handle)}}
	s.Server.Start()
	return s, nil
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Active returns how many requests are being answered right now. A test cancels a client
// and waits for Active to reach zero to see the request was really ended (a Hang reply
// returns only when the client goes away).
func (s *Server) Active() int { return int(s.active.Load()) }

// Add appends replies to the script.
func (s *Server) Add(replies ...Reply) {
	s.mu.Lock()
	s.script = append(s.script, replies...)
	s.mu.Unlock()
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	s.active.Add(1)
	defer s.active.Add(-1)
	body, _ := io.ReadAll(r.Body)
	req := Request{Time: arrived, Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	var parsed struct {
		Messages []map[string]any `json:"messages"`
		Tools    []map[string]any `json:"tools"`
	}
	_ = json.Unmarshal(body, &parsed)
	req.Messages, req.Tools = parsed.Messages, parsed.Tools

	s.mu.Lock()
	s.requests = append(s.requests, req)
	reply, ok := s.pick(req)
	s.mu.Unlock()
	if !ok {
		http.Error(w, `{"error":"fakemodel: no scripted reply left"}`, http.StatusInternalServerError)
		return
	}
	if reply.Echo {
		reply = echo(reply, MessageText(req.LastMessage()))
	}
	serve(w, r, reply)
}

func (s *Server) pick(req Request) (Reply, bool) {
	role := ""
	if m := req.LastMessage(); m != nil {
		role, _ = m["role"].(string)
	}
	for _, r := range s.script {
		if r.When != "" {
			if r.When == role {
				return r, true
			}
			continue
		}
	}
	for s.next < len(s.script) {
		r := s.script[s.next]
		s.next++
		if r.When == "" {
			return r, true
		}
	}
	return Reply{}, false
}

func serve(w http.ResponseWriter, r *http.Request, rep Reply) {
	for k, v := range rep.Header {
		w.Header().Set(k, v)
	}
	if rep.Status != 0 && rep.Status != http.StatusOK {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(rep.Status)
		io.WriteString(w, rep.Body)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	send := func(s string) bool {
		if rep.Delay > 0 {
			select {
			case <-time.After(time.Duration(rep.Delay)):
			case <-r.Context().Done():
				return false
			}
		}
		if _, err := io.WriteString(w, s); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	if rep.Events != "" {
		send(rep.Events)
		if rep.Hang {
			<-r.Context().Done()
		}
		return
	}
	for _, ev := range Chunks(rep) {
		if !send("data: " + ev + "\n\n") {
			return
		}
	}
	if rep.ErrorMidStream != "" {
		b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": rep.ErrorMidStream, "type": "server_error"}})
		send("data: " + string(b) + "\n\n")
		return
	}
	if rep.Hang {
		<-r.Context().Done()
		return
	}
	if !rep.NoDone {
		send("data: [DONE]\n\n")
	}
}

// echo fills an Echo reply in with the last message's text.
func echo(rep Reply, last string) Reply {
	rep.Text += last
	escaped, _ := json.Marshal(last)
	inner := string(escaped[1 : len(escaped)-1])
	calls := make([]Call, len(rep.ToolCalls))
	for i, c := range rep.ToolCalls {
		c.Arguments = strings.ReplaceAll(c.Arguments, "{{last}}", inner)
		calls[i] = c
	}
	rep.ToolCalls = calls
	return rep
}

// MessageText is the text of a recorded message: its string content, or its text parts joined.
func MessageText(m map[string]any) string {
	switch c := m["content"].(type) {
	case string:
		return c
	case []any:
		var b strings.Builder
		for _, p := range c {
			if part, ok := p.(map[string]any); ok && part["type"] == "text" {
				t, _ := part["text"].(string)
				b.WriteString(t)
			}
		}
		return b.String()
	}
	return ""
}

// Chunks returns the JSON chunks a reply streams.
func Chunks(rep Reply) []string {
	var out []string
	chunk := func(delta map[string]any, finish any) {
		b, _ := json.Marshal(map[string]any{
			"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1700000000, "model": "fake-model",
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
		})
		out = append(out, string(b))
	}
	chunk(map[string]any{"role": "assistant", "content": ""}, nil)
	for _, p := range split(rep.Reasoning, rep.ChunkSize) {
		chunk(map[string]any{"reasoning_content": p}, nil)
	}
	for _, p := range split(rep.Text, rep.ChunkSize) {
		chunk(map[string]any{"content": p}, nil)
	}
	for i, c := range rep.ToolCalls {
		id := c.ID
		if id == "" {
			id = fmt.Sprintf("call_%d", i)
		}
		n := rep.ArgsSplit
		if n <= 0 {
			n = 2
		}
		parts := splitN(c.Arguments, n)
		chunk(map[string]any{"tool_calls": []any{map[string]any{"index": i, "id": id, "type": "function",
			"function": map[string]any{"name": c.Name, "arguments": parts[0]}}}}, nil)
		for _, p := range parts[1:] {
			chunk(map[string]any{"tool_calls": []any{map[string]any{"index": i, "function": map[string]any{"arguments": p}}}}, nil)
		}
	}
	finish := "stop"
	if len(rep.ToolCalls) > 0 {
		finish = "tool_calls"
	}
	chunk(map[string]any{}, finish)
	if rep.Usage != nil {
		b, _ := json.Marshal(map[string]any{"id": "chatcmpl-fake", "object": "chat.completion.chunk",
			"created": 1700000000, "model": "fake-model", "choices": []any{}, "usage": rep.Usage})
		out = append(out, string(b))
	}
	return out
}

// split cuts text into pieces of size bytes, or into words (keeping the spaces) when size is 0.
func split(text string, size int) []string {
	if text == "" {
		return nil
	}
	var out []string
	if size > 0 {
		for len(text) > 0 {
			n := size
			if n > len(text) {
				n = len(text)
			}
			out = append(out, text[:n])
			text = text[n:]
		}
		return out
	}
	for len(text) > 0 {
		i := strings.IndexByte(text[1:], ' ')
		if i < 0 {
			out = append(out, text)
			break
		}
		out = append(out, text[:i+1])
		text = text[i+1:]
	}
	return out
}

func splitN(s string, n int) []string {
	if n <= 1 || len(s) < n {
		return []string{s}
	}
	size := (len(s) + n - 1) / n
	return split(s, size)
}
