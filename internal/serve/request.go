package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/inference"
)

// chatRequest is the part of an OpenAI chat-completion request this server reads. Fields it
// does not know (user, logprobs, metadata...) are ignored, as OpenAI-compatible servers do.
type chatRequest struct {
	Model               string          `json:"model"`
	Messages            json.RawMessage `json:"messages"`
	Stream              bool            `json:"stream"`
	StreamOptions       *streamOptions  `json:"stream_options"`
	MaxTokens           *int            `json:"max_tokens"`
	MaxCompletionTokens *int            `json:"max_completion_tokens"`
	Temperature         *float64        `json:"temperature"`
	TopP                *float64        `json:"top_p"`
	Seed                *int64          `json:"seed"`
	Stop                json.RawMessage `json:"stop"`
	N                   *int            `json:"n"`
	Tools               json.RawMessage `json:"tools"`
	// ToolActivity is this server's own field: "content" also writes the tool calls and
	// their results into the answer's text (see README, serve).
	ToolActivity string `json:"tool_activity"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// wireMessage is one message as a client sends it.
type wireMessage struct {
	Role       *string              `json:"role"`
	Content    json.RawMessage      `json:"content"`
	Name       string               `json:"name"`
	ToolCalls  []inference.ToolCall `json:"tool_calls"`
	ToolCallID string               `json:"tool_call_id"`
}

type wirePart struct {
	Type     string          `json:"type"`
	Text     *string         `json:"text"`
	ImageURL json.RawMessage `json:"image_url"`
}

// turnRequest is a checked request, ready to run.
type turnRequest struct {
	conv         agent.Conversation
	opts         agent.TurnOptions
	stream       bool
	includeUsage bool
	// activityInContent writes tool activity into the answer's text too.
	activityInContent bool
}

// ToolActivityHeader asks for tool activity in the content, for clients that can set
// headers but not body fields: `X-Tool-Activity: content`.
const ToolActivityHeader = "X-Tool-Activity"

// parseRequest checks a request body against the OpenAI shape. Its errors are 400s that
// name the field to fix.
func parseRequest(body []byte, header http.Header, template inference.ChatRequest) (*turnRequest, *apiError) {
	var in chatRequest
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest("", "the body is empty: send a JSON chat-completion request")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&in); err != nil {
		return nil, decodeError(err, "")
	}
	if dec.More() {
		return nil, badRequest("", "the body holds more than one JSON value")
	}
	out := &turnRequest{stream: in.Stream}
	if in.StreamOptions != nil {
		out.includeUsage = in.StreamOptions.IncludeUsage
	}
	if in.N != nil && *in.N != 1 {
		return nil, badRequest("n", "only one choice (n = 1) is supported")
	}
	if hasItems(in.Tools) {
		return nil, badRequest("tools", "this server runs its agent's own tools; tools sent by the client are not supported")
	}
	activity := in.ToolActivity
	if activity == "" {
		activity = header.Get(ToolActivityHeader)
	}
	switch activity {
	case "", "events":
	case "content":
		out.activityInContent = true
	default:
		return nil, badRequest("tool_activity", fmt.Sprintf("must be \"events\" or \"content\", not %q", activity))
	}

	req := template
	if in.MaxCompletionTokens != nil {
		in.MaxTokens = in.MaxCompletionTokens
	}
	if in.MaxTokens != nil {
		if *in.MaxTokens < 1 {
			return nil, badRequest("max_tokens", "must be at least 1")
		}
		req.MaxTokens = in.MaxTokens
	}
	if in.Temperature != nil {
		if *in.Temperature < 0 || *in.Temperature > 2 {
			return nil, badRequest("temperature", "must be between 0 and 2")
		}
		req.Temperature = in.Temperature
	}
	if in.TopP != nil {
		if *in.TopP < 0 || *in.TopP > 1 {
			return nil, badRequest("top_p", "must be between 0 and 1")
		}
		req.TopP = in.TopP
	}
	if in.Seed != nil {
		req.Seed = in.Seed
	}
	stop, aerr := parseStop(in.Stop)
	if aerr != nil {
		return nil, aerr
	}
	if stop != nil {
		req.Stop = stop
	}
	out.opts.Request = &req

	msgs, hasSystem, aerr := parseMessages(in.Messages)
	if aerr != nil {
		return nil, aerr
	}
	out.conv.Messages = msgs
	if hasSystem {
		// The request brings its own system prompt: the agent's is left out.
		none := ""
		out.opts.SystemPrompt = &none
	}
	return out, nil
}

func hasItems(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && !bytes.Equal(t, []byte("null")) && !bytes.Equal(t, []byte("[]"))
}

func parseStop(raw json.RawMessage) ([]string, *apiError) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil, nil
	}
	var one string
	if json.Unmarshal(t, &one) == nil {
		return []string{one}, nil
	}
	var many []string
	if json.Unmarshal(t, &many) == nil {
		return many, nil
	}
	return nil, badRequest("stop", "must be a string or an array of strings")
}

func parseMessages(raw json.RawMessage) ([]inference.Message, bool, *apiError) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil, false, badRequest("messages", "is required: an array of {role, content} messages")
	}
	var items []json.RawMessage
	if err := json.Unmarshal(t, &items); err != nil {
		return nil, false, badRequest("messages", "must be an array of messages")
	}
	if len(items) == 0 {
		return nil, false, badRequest("messages", "must hold at least one message")
	}
	out := make([]inference.Message, 0, len(items))
	hasSystem := false
	for i, item := range items {
		field := fmt.Sprintf("messages[%d]", i)
		var w wireMessage
		if err := json.Unmarshal(item, &w); err != nil {
			return nil, false, decodeError(err, field)
		}
		if w.Role == nil {
			return nil, false, badRequest(field+".role", "is required: system, user, assistant or tool")
		}
		m := inference.Message{Role: *w.Role, Name: w.Name}
		switch *w.Role {
		case "system", "developer":
			// "developer" is OpenAI's newer name for system; most backends know only "system".
			m.Role = "system"
			hasSystem = true
		case "user", "assistant":
		case "tool":
			if w.ToolCallID == "" {
				return nil, false, badRequest(field+".tool_call_id", "is required in a tool message")
			}
			m.ToolCallID = w.ToolCallID
			m.Name = ""
		default:
			return nil, false, badRequest(field+".role", fmt.Sprintf("%q is not one of system, developer, user, assistant, tool", *w.Role))
		}
		if m.Role == "assistant" {
			for j, tc := range w.ToolCalls {
				if tc.ID == "" || tc.Function.Name == "" {
					return nil, false, badRequest(fmt.Sprintf("%s.tool_calls[%d]", field, j), "needs an id and a function name")
				}
				if tc.Type == "" {
					tc.Type = "function"
				}
				m.ToolCalls = append(m.ToolCalls, tc)
			}
		} else if len(w.ToolCalls) > 0 {
			return nil, false, badRequest(field+".tool_calls", "only assistant messages carry tool calls")
		}
		if aerr := parseContent(&m, w.Content, field); aerr != nil {
			return nil, false, aerr
		}
		out = append(out, m)
	}
	if last := out[len(out)-1].Role; last != "user" && last != "tool" {
		return nil, false, badRequest(fmt.Sprintf("messages[%d].role", len(out)-1), "the last message must be the user's (or a tool result), so the agent has something to answer")
	}
	return out, hasSystem, nil
}

// parseContent reads content as a string or an array of parts. Images are accepted in user
// messages only, as OpenAI does; other roles get their text parts joined.
func parseContent(m *inference.Message, raw json.RawMessage, field string) *apiError {
	field += ".content"
	t := bytes.TrimSpace(raw)
	switch {
	case len(t) == 0 || bytes.Equal(t, []byte("null")):
		if m.Role == "assistant" && len(m.ToolCalls) > 0 {
			return nil
		}
		return badRequest(field, "is required (a string or an array of parts)")
	case t[0] == '"':
		return decodeError(json.Unmarshal(t, &m.Content), field)
	case t[0] != '[':
		return badRequest(field, "must be a string or an array of parts")
	}
	var parts []wirePart
	if err := json.Unmarshal(t, &parts); err != nil {
		return badRequest(field, "must be a string or an array of {type, text} or {type, image_url} parts")
	}
	var text strings.Builder
	for j, p := range parts {
		pf := fmt.Sprintf("%s[%d]", field, j)
		switch p.Type {
		case "text":
			if p.Text == nil {
				return badRequest(pf+".text", "is required in a text part")
			}
			m.Parts = append(m.Parts, inference.ContentPart{Type: "text", Text: *p.Text})
			text.WriteString(*p.Text)
		case "image_url":
			if m.Role != "user" {
				return badRequest(pf+".type", "images are accepted in user messages only")
			}
			url, aerr := imageURL(p.ImageURL, pf+".image_url")
			if aerr != nil {
				return aerr
			}
			m.Parts = append(m.Parts, inference.ContentPart{Type: "image_url", ImageURL: &inference.ImageURL{URL: url}})
		default:
			return badRequest(pf+".type", fmt.Sprintf("%q is not supported: use text or image_url", p.Type))
		}
	}
	if m.Role != "user" || !hasImage(m.Parts) {
		m.Content, m.Parts = text.String(), nil
	}
	return nil
}

// imageURL accepts {"url": "..."} (OpenAI) and a bare string (accepted by vLLM and others).
func imageURL(raw json.RawMessage, field string) (string, *apiError) {
	var obj struct {
		URL string `json:"url"`
	}
	var s string
	switch {
	case json.Unmarshal(raw, &obj) == nil && obj.URL != "":
		return obj.URL, nil
	case json.Unmarshal(raw, &s) == nil && s != "":
		return s, nil
	}
	return "", badRequest(field+".url", "is required: an http(s) URL or a data: URI")
}

func hasImage(parts []inference.ContentPart) bool {
	for _, p := range parts {
		if p.Type == "image_url" {
			return true
		}
	}
	return false
}

// decodeError turns a JSON decoding error into a 400 naming the field.
func decodeError(err error, prefix string) *apiError {
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return badRequest(prefix, fmt.Sprintf("the body is not valid JSON: %v (at byte %d)", syn, syn.Offset))
	case errors.As(err, &typ):
		field := typ.Field
		if prefix != "" && field != "" {
			field = prefix + "." + field
		} else if field == "" {
			field = prefix
		}
		return badRequest(field, fmt.Sprintf("must be %s, not %s", jsonTypeName(typ.Type.String()), typ.Value))
	}
	return badRequest(prefix, "the body is not valid JSON: "+err.Error())
}

func jsonTypeName(goType string) string {
	switch {
	case goType == "bool":
		return "a boolean"
	case goType == "string" || goType == "*string":
		return "a string"
	case strings.Contains(goType, "int") || strings.Contains(goType, "float"):
		return "a number"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	}
	return "an object"
}
