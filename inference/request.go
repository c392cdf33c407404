package inference

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ChatRequest is a chat-completion request. Zero and nil fields are not sent.
type ChatRequest struct {
	// Model is filled in by the Client: with the provider's id for mapped providers, else
	// from the configuration when empty.
	Model         string         `json:"model"`
	Messages      []Message      `json:"messages"`
	Tools         []Tool         `json:"tools,omitempty"`
	ToolChoice    any            `json:"tool_choice,omitempty"` // "auto", "none", "required" or {"type":"function","function":{"name":...}}
	ToolPrompt    string         `json:"tool_prompt,omitempty"` // TGI only
	Stream        bool           `json:"stream"`
	StreamOptions *StreamOptions `json:"stream_options,omitempty"`
	MaxTokens     *int           `json:"max_tokens,omitempty"`
	Temperature   *float64       `json:"temperature,omitempty"`
	TopP          *float64       `json:"top_p,omitempty"`
	Seed          *int64         `json:"seed,omitempty"`
	Stop          []string       `json:"stop,omitempty"`
	N             *int           `json:"n,omitempty"`
	// FrequencyPenalty and PresencePenalty range from -2 to 2.
	FrequencyPenalty *float64 `json:"frequency_penalty,omitempty"`
	PresencePenalty  *float64 `json:"presence_penalty,omitempty"`
	Logprobs         *bool    `json:"logprobs,omitempty"`
	TopLogprobs      *int     `json:"top_logprobs,omitempty"`
	ReasoningEffort  string   `json:"reasoning_effort,omitempty"`
	// ResponseFormat is {"type":"text"}, {"type":"json_object"}, {"type":"json_schema",
	// "json_schema":{name, schema, strict}} or a TGI grammar; it is rewritten for providers
	// that want another shape (see shapeRequest).
	ResponseFormat map[string]any `json:"response_format,omitempty"`
	// Extra fields are merged at the top level; they may override anything but model.
	// Null values are dropped, also inside objects.
	Extra map[string]any `json:"-"`
}

// StreamOptions asks the server for a usage chunk at the end of the stream.
type StreamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

type chatRequestAlias ChatRequest

// MarshalJSON writes `model` first (the router reads it from a prefix of the body), then
// the typed fields in their order, then the extra fields (sorted by name).
func (r ChatRequest) MarshalJSON() ([]byte, error) {
	r.ResponseFormat, _ = dropNulls(r.ResponseFormat).(map[string]any)
	base, err := json.Marshal(chatRequestAlias(r))
	if err != nil {
		return nil, err
	}
	if len(r.Extra) == 0 {
		return base, nil
	}
	keys, fields, err := orderedFields(base)
	if err != nil {
		return nil, err
	}
	extra, err := json.Marshal(dropNulls(r.Extra))
	if err != nil {
		return nil, fmt.Errorf("extra fields: %w", err)
	}
	ekeys, efields, err := orderedFields(extra)
	if err != nil {
		return nil, err
	}
	for _, k := range ekeys {
		if k == "model" {
			continue
		}
		if _, ok := fields[k]; !ok {
			keys = append(keys, k)
		}
		fields[k] = efields[k]
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(fields[k])
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// orderedFields splits a JSON object into its keys, in order, and their raw values.
func orderedFields(obj []byte) ([]string, map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	var keys []string
	fields := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		if _, dup := fields[k]; !dup {
			keys = append(keys, k)
		}
		fields[k] = v
	}
	return keys, fields, nil
}

// dropNulls removes nil values from maps, recursively (huggingface_hub's filter_none).
func dropNulls(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if x == nil {
			return x
		}
		out := make(map[string]any, len(x))
		for k, val := range x {
			if val == nil {
				continue
			}
			out[k] = dropNulls(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = dropNulls(val)
		}
		return out
	}
	return v
}
