package inference

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// ChatCompletion is a whole (non-streamed) chat completion.
type ChatCompletion struct {
	ID                string   `json:"id"`
	Object            string   `json:"object"`
	Created           int64    `json:"created"`
	Model             string   `json:"model"`
	SystemFingerprint string   `json:"system_fingerprint"`
	Choices           []Choice `json:"choices"`
	Usage             *Usage   `json:"usage,omitempty"`
}

// Choice is one choice of a completion. Message.Reasoning holds `reasoning` or
// `reasoning_content`; tool calls without arguments get "{}".
type Choice struct {
	Index        int     `json:"index"`
	FinishReason string  `json:"finish_reason"`
	Message      Message `json:"message"`
}

// completionWire is the lenient shape read from servers: ids may be numbers (TGI 1.x), tool
// call arguments objects (TGI 1.x), tool_calls an empty list (nebius), reasoning under two names.
type completionWire struct {
	ID                flexString `json:"id"`
	Object            string     `json:"object"`
	Created           int64      `json:"created"`
	Model             string     `json:"model"`
	SystemFingerprint string     `json:"system_fingerprint"`
	Choices           []struct {
		Index        int    `json:"index"`
		FinishReason string `json:"finish_reason"`
		Message      struct {
			Role             string          `json:"role"`
			Content          json.RawMessage `json:"content"`
			Reasoning        string          `json:"reasoning"`
			ReasoningContent string          `json:"reasoning_content"`
			ToolCallID       string          `json:"tool_call_id"`
			ToolCalls        []ToolCallDelta `json:"tool_calls"`
		} `json:"message"`
	} `json:"choices"`
	Usage *Usage          `json:"usage"`
	Error json.RawMessage `json:"error"`
}

// parseCompletion reads a JSON completion; an `error` object instead is a StreamError.
func parseCompletion(raw []byte, url string) (*ChatCompletion, error) {
	var w completionWire
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, &StreamError{Message: "invalid answer from the server", URL: url, Err: err}
	}
	if msg := messageOf(w.Error); msg != "" {
		var obj map[string]json.RawMessage
		_ = json.Unmarshal(raw, &obj)
		return nil, &StreamError{Message: msg, ErrorType: errorTypeOf(obj), URL: url}
	}
	out := &ChatCompletion{ID: string(w.ID), Object: w.Object, Created: w.Created, Model: w.Model,
		SystemFingerprint: w.SystemFingerprint, Usage: w.Usage}
	for _, ch := range w.Choices {
		m := Message{Role: ch.Message.Role, ToolCallID: ch.Message.ToolCallID, Reasoning: ch.Message.Reasoning}
		if m.Role == "" {
			m.Role = "assistant"
		}
		if m.Reasoning == "" {
			m.Reasoning = ch.Message.ReasoningContent
		}
		if c := bytes.TrimSpace(ch.Message.Content); len(c) > 0 && !bytes.Equal(c, []byte("null")) {
			var tmp Message
			if err := json.Unmarshal([]byte(`{"content":`+string(c)+`}`), &tmp); err != nil {
				return nil, &StreamError{Message: "invalid message content from the server", URL: url, Err: err}
			}
			m.Content, m.Parts = tmp.Content, tmp.Parts
		}
		for i, tc := range ch.Message.ToolCalls {
			id := string(tc.ID)
			if id == "" {
				id = "call_" + strconv.Itoa(i)
			}
			args := string(tc.Function.Arguments)
			if args == "" {
				args = "{}"
			}
			m.ToolCalls = append(m.ToolCalls, ToolCall{ID: id, Type: "function", Function: FunctionCall{Name: tc.Function.Name, Arguments: args}})
		}
		out.Choices = append(out.Choices, Choice{Index: ch.Index, FinishReason: ch.FinishReason, Message: m})
	}
	return out, nil
}

// asChunks turns a whole completion into the one chunk a stream would have carried, for
// servers that answer a streaming request with plain JSON.
func (cc *ChatCompletion) asChunks() []ChatCompletionChunk {
	c := ChatCompletionChunk{ID: cc.ID, Model: cc.Model, Created: cc.Created, Usage: cc.Usage}
	for _, ch := range cc.Choices {
		d := ChunkDelta{Role: ch.Message.Role, Content: ch.Message.Content, Reasoning: ch.Message.Reasoning}
		for i, tc := range ch.Message.ToolCalls {
			idx := i
			d.ToolCalls = append(d.ToolCalls, ToolCallDelta{Index: &idx, ID: flexString(tc.ID), Type: "function",
				Function: FunctionDelta{Name: tc.Function.Name, Arguments: flexJSONS(tc.Function.Arguments)}})
		}
		c.Choices = append(c.Choices, ChunkChoice{Index: ch.Index, Delta: d, FinishReason: ch.FinishReason})
	}
	return []ChatCompletionChunk{c}
}

// collect reads a stream to its end and assembles choice 0 into a completion.
func collect(s *Stream) (*ChatCompletion, error) {
	defer s.Close()
	var acc Accumulator
	out := &ChatCompletion{Object: "chat.completion"}
	for s.Next() {
		c := s.Chunk()
		if out.ID == "" {
			out.ID, out.Model, out.Created = c.ID, c.Model, c.Created
		}
		acc.Add(c)
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	out.Choices = []Choice{{FinishReason: acc.FinishReason(), Message: acc.Message()}}
	out.Usage = acc.Usage()
	return out, nil
}
