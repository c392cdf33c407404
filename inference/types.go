package inference

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Message is one entry of a chat conversation in the OpenAI shape.
type Message struct {
	Role string `json:"role"`
	// Content is the text of the message. When Parts is set it is sent instead.
	Content string `json:"-"`
	// Parts is multi-part content (text and image_url), used for user messages with images.
	Parts      []ContentPart `json:"-"`
	Name       string        `json:"name,omitempty"`
	ToolCalls  []ToolCall    `json:"tool_calls,omitempty"`
	ToolCallID string        `json:"tool_call_id,omitempty"`
	// Reasoning is what the model streamed as reasoning. It is kept for display and never
	// sent back: several servers reject unknown fields on input messages.
	Reasoning string `json:"-"`
}

// ContentPart is one part of a multi-part message content.
type ContentPart struct {
	Type     string    `json:"type"`
	Text     string    `json:"text,omitempty"`
	ImageURL *ImageURL `json:"image_url,omitempty"`
}

// ImageURL is the image of an image_url content part (a URL or a data: URI).
type ImageURL struct {
	URL string `json:"url"`
}

type messageJSON struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content,omitempty"`
	Name       string          `json:"name,omitempty"`
	ToolCalls  []ToolCall      `json:"tool_calls,omitempty"`
	ToolCallID string          `json:"tool_call_id,omitempty"`
}

// MarshalJSON writes content as a string, or as parts when there are parts. An assistant
// message that only carries tool calls omits content rather than sending null, because
// filter-none semantics (huggingface_hub) drop it and some servers reject null.
func (m Message) MarshalJSON() ([]byte, error) {
	out := messageJSON{Role: m.Role, Name: m.Name, ToolCalls: m.ToolCalls, ToolCallID: m.ToolCallID}
	var err error
	switch {
	case len(m.Parts) > 0:
		out.Content, err = json.Marshal(m.Parts)
	case m.Content == "" && len(m.ToolCalls) > 0:
	default:
		out.Content, err = json.Marshal(m.Content)
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(out)
}

// UnmarshalJSON accepts content as a string, an array of parts, or null.
func (m *Message) UnmarshalJSON(data []byte) error {
	var in messageJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	*m = Message{Role: in.Role, Name: in.Name, ToolCalls: in.ToolCalls, ToolCallID: in.ToolCallID}
	c := bytes.TrimSpace(in.Content)
	switch {
	case len(c) == 0 || bytes.Equal(c, []byte("null")):
	case c[0] == '"':
		return json.Unmarshal(c, &m.Content)
	case c[0] == '[':
		if err := json.Unmarshal(c, &m.Parts); err != nil {
			return err
		}
		if len(m.Parts) == 1 && m.Parts[0].Type == "text" {
			m.Content, m.Parts = m.Parts[0].Text, nil
		}
	default:
		return &json.UnmarshalTypeError{Value: "content", Type: nil, Field: "content"}
	}
	return nil
}

// ToolCall is a function call requested by the model.
type ToolCall struct {
	ID       string       `json:"id"`
	Type     string       `json:"type"`
	Function FunctionCall `json:"function"`
}

// FunctionCall names the function and carries its arguments as a JSON text.
type FunctionCall struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// Tool is a function the model may call.
type Tool struct {
	Type     string      `json:"type"`
	Function FunctionDef `json:"function"`
}

// FunctionDef describes a callable function; Parameters is a JSON Schema object.
type FunctionDef struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
}

// Usage is the token accounting a backend reports.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// ChatCompletionChunk is one streamed chunk (`chat.completion.chunk`).
type ChatCompletionChunk struct {
	ID      string        `json:"id"`
	Model   string        `json:"model"`
	Created int64         `json:"created"`
	Choices []ChunkChoice `json:"choices"`
	Usage   *Usage        `json:"usage,omitempty"`
	// Error is set when a server reports an error inside the stream: a string (TGI, with
	// ErrorType) or an object with a message (OpenAI style).
	Error     json.RawMessage `json:"error,omitempty"`
	ErrorType string          `json:"error_type,omitempty"`
}

// ChunkChoice is one choice of a streamed chunk.
type ChunkChoice struct {
	Index        int        `json:"index"`
	Delta        ChunkDelta `json:"delta"`
	FinishReason string     `json:"finish_reason"`
}

// ChunkDelta is what one chunk adds to the message.
type ChunkDelta struct {
	Role    string `json:"role"`
	Content string `json:"content"`
	// Reasoning comes as `reasoning` (TGI, OpenRouter-style) or `reasoning_content`
	// (vLLM, DeepSeek, xAI); both are accepted.
	Reasoning        string          `json:"reasoning"`
	ReasoningContent string          `json:"reasoning_content"`
	ToolCalls        []ToolCallDelta `json:"tool_calls"`
}

// ToolCallDelta is a fragment of a streamed tool call.
type ToolCallDelta struct {
	// Index is nil when the server omits it (some llama.cpp and Mistral builds).
	Index    *int          `json:"index"`
	ID       flexString    `json:"id"`
	Type     string        `json:"type"`
	Function FunctionDelta `json:"function"`
}

// FunctionDelta is a fragment of a streamed function call.
type FunctionDelta struct {
	Name      string    `json:"name"`
	Arguments flexJSONS `json:"arguments"`
}

// flexString accepts a JSON string or number (TGI 1.x sends tool call ids as integers).
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*s = ""
		return nil
	}
	if b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
		return nil
	}
	if _, err := strconv.ParseFloat(string(b), 64); err != nil {
		return err
	}
	*s = flexString(b)
	return nil
}

// flexJSONS accepts arguments as a JSON string (OpenAI) or as a JSON object (old TGI), and
// keeps the text of the arguments either way.
type flexJSONS string

func (s *flexJSONS) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		*s = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexJSONS(v)
	default:
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil {
			return err
		}
		*s = flexJSONS(buf.String())
	}
	return nil
}
