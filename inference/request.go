package inference

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ChatRequest is a chat-completion request. Zero and nil fields are not sent.
type ChatRequest struct {
	// Model is filled in by the Client from its configuration when empty.
	Model         string         `json:"model"`
	Messages      []Message      `json:"messages"`
	Tools         []Tool         `json:"tools,omitempty"`
	ToolChoice    any            `json:"tool_choice,omitempty"`
	Stream        bool           `json:"stream"`
	StreamOptions *StreamOptions `json:"stream_options,omitempty"`
	MaxTokens     *int           `json:"max_tokens,omitempty"`
	Temperature   *float64       `json:"temperature,omitempty"`
	TopP          *float64       `json:"top_p,omitempty"`
	Seed          *int64         `json:"seed,omitempty"`
	Stop          []string       `json:"stop,omitempty"`
	// ResponseFormat is sent as given, after the provider's rewrite (see providers.go).
	ResponseFormat map[string]any `json:"response_format,omitempty"`
	// Extra fields are merged at the top level; they may override anything but model.
	Extra map[string]any `json:"-"`
}

// StreamOptions asks the server for a usage chunk at the end of the stream.
type StreamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

type chatRequestAlias ChatRequest

// MarshalJSON writes `model` first (the router reads it from a prefix of the body), then
// the typed fields, then the extra fields.
func (r ChatRequest) MarshalJSON() ([]byte, error) {
	base, err := json.Marshal(chatRequestAlias(r))
	if err != nil {
		return nil, err
	}
	if len(r.Extra) == 0 {
		return base, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(base, &fields); err != nil {
		return nil, err
	}
	order := []string{"model", "messages", "tools", "tool_choice", "stream", "stream_options",
		"max_tokens", "temperature", "top_p", "seed", "stop", "response_format"}
	for k, v := range r.Extra {
		if k == "model" || v == nil {
			continue
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("extra field %q: %w", k, err)
		}
		if _, ok := fields[k]; !ok {
			order = append(order, k)
		}
		fields[k] = raw
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	first := true
	for _, k := range order {
		v, ok := fields[k]
		if !ok {
			continue
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
