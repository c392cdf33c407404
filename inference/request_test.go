package inference

import (
	"encoding/json"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

// TestRequestBodyFields: every field the spec lists, model first, nulls dropped, extra fields
// merged (overriding typed ones, never the model).
func TestRequestBodyFields(t *testing.T) {
	req := ChatRequest{
		Model: "m",
		Messages: []Message{
			{Role: "system", Content: "be brief"},
			{Role: "user", Parts: []ContentPart{{Type: "text", Text: "what is this?"}, {Type: "image_url", ImageURL: &ImageURL{URL: "data:image/png;base64,AAAA"}}}},
			{Role: "assistant", ToolCalls: []ToolCall{call("c1", "f", `{"a":1}`)}},
			{Role: "tool", ToolCallID: "c1", Name: "f", Content: "42"},
		},
		Tools:            []Tool{{Type: "function", Function: FunctionDef{Name: "f", Description: "d", Parameters: json.RawMessage(`{"type":"object"}`)}}},
		ToolChoice:       map[string]any{"type": "function", "function": map[string]any{"name": "f"}},
		Stream:           true,
		StreamOptions:    &StreamOptions{IncludeUsage: true},
		MaxTokens:        ptr(100),
		Temperature:      ptr(0.0),
		TopP:             ptr(0.9),
		Seed:             ptr(int64(7)),
		Stop:             []string{"END"},
		N:                ptr(1),
		FrequencyPenalty: ptr(0.5),
		PresencePenalty:  ptr(-0.5),
		Logprobs:         ptr(true),
		TopLogprobs:      ptr(2),
		ReasoningEffort:  "low",
		ResponseFormat:   map[string]any{"type": "json_object", "dropped": nil},
		Extra:            map[string]any{"model": "not-this", "temperature": 0.3, "repetition_penalty": 1.1, "nothing": nil, "nested": map[string]any{"keep": 1, "drop": nil}},
	}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), `{"model":"m","messages":`) {
		t.Errorf("body does not start with model then messages: %.80s", b)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"model": "m", "stream": true, "stream_options": map[string]any{"include_usage": true},
		"max_tokens": 100.0, "temperature": 0.3, "top_p": 0.9, "seed": 7.0, "stop": []any{"END"}, "n": 1.0,
		"frequency_penalty": 0.5, "presence_penalty": -0.5, "logprobs": true, "top_logprobs": 2.0, "reasoning_effort": "low",
		"response_format": map[string]any{"type": "json_object"}, "repetition_penalty": 1.1, "nested": map[string]any{"keep": 1.0},
		"tool_choice": map[string]any{"type": "function", "function": map[string]any{"name": "f"}},
	}
	for k, v := range want {
		gb, _ := json.Marshal(got[k])
		wb, _ := json.Marshal(v)
		if string(gb) != string(wb) {
			t.Errorf("%s = %s, want %s", k, gb, wb)
		}
	}
	if _, ok := got["nothing"]; ok {
		t.Error("a null extra field was sent")
	}
	msgs := got["messages"].([]any)
	if a := msgs[2].(map[string]any); a["content"] != nil || a["tool_calls"] == nil {
		t.Errorf("assistant tool-call message = %v, want no content (not null)", a)
	}
	if u := msgs[1].(map[string]any); len(u["content"].([]any)) != 2 {
		t.Errorf("multi-part content = %v", u["content"])
	}
	if tool := msgs[3].(map[string]any); tool["tool_call_id"] != "c1" || tool["name"] != "f" || tool["content"] != "42" {
		t.Errorf("tool message = %v", tool)
	}
	tools := got["tools"].([]any)
	if fn := tools[0].(map[string]any)["function"].(map[string]any); fn["name"] != "f" || fn["parameters"] == nil {
		t.Errorf("tools = %v", tools)
	}
	// Zero values are not sent.
	b, _ = json.Marshal(ChatRequest{Model: "m", Messages: []Message{{Role: "user", Content: "hi"}}})
	if string(b) != `{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":false}` {
		t.Errorf("minimal body = %s", b)
	}
}

var schemaFormat = map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "Answer",
	"schema": map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "string"}}}}}

// TestProviderBodyRewrites sends the same request to each provider and checks the body it got.
func TestProviderBodyRewrites(t *testing.T) {
	schema := `{"properties":{"a":{"type":"string"}},"type":"object"}`
	cases := []struct {
		provider string
		extra    map[string]any
		format   map[string]any
		want     map[string]string // field -> compact JSON; "" means absent
	}{
		{"cohere", nil, schemaFormat, map[string]string{"response_format": `{"schema":` + schema + `,"type":"json_object"}`}},
		{"fireworks-ai", nil, schemaFormat, map[string]string{"response_format": `{"schema":` + schema + `,"type":"json_object"}`}},
		{"together", nil, schemaFormat, map[string]string{"response_format": `{"schema":` + schema + `,"type":"json_schema"}`}},
		{"hf-inference", nil, schemaFormat, map[string]string{"response_format": `{"type":"json_object","value":` + schema + `}`}},
		{"nebius", nil, schemaFormat, map[string]string{"guided_json": schema, "response_format": `{"json_schema":{"name":"Answer","schema":` + schema + `},"type":"json_schema"}`}},
		{"sambanova", nil, schemaFormat, map[string]string{"response_format": `{"json_schema":{"name":"Answer","schema":` + schema + `,"strict":false},"type":"json_schema"}`}},
		{"sambanova", nil, map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "A", "strict": true}},
			map[string]string{"response_format": `{"json_schema":{"name":"A","strict":false},"type":"json_schema"}`}},
		{"groq", nil, schemaFormat, map[string]string{"response_format": `{"json_schema":{"name":"Answer","schema":` + schema + `},"type":"json_schema"}`}},
		{"cohere", nil, map[string]any{"type": "json_object"}, map[string]string{"response_format": `{"type":"json_object"}`}},
		{"cerebras", map[string]any{"store": true, "user": "u1"}, nil, map[string]string{"store": "", "user": `"u1"`}},
		{"together", map[string]any{"store": true}, nil, map[string]string{"store": "true"}},
	}
	for i, tc := range cases {
		t.Run(tc.provider, func(t *testing.T) {
			f := chatServer(t, "prov/id", "live")
			c, err := New(Config{Model: "rewrite/" + tc.provider + string(rune('a'+i)), Provider: tc.provider, HTTPClient: f.client(),
				Getenv: envMap(t, map[string]string{"HF_TOKEN": testHFToken})})
			if err != nil {
				t.Fatal(err)
			}
			req := ChatRequest{Messages: []Message{{Role: "user", Content: "hi"}}, ResponseFormat: tc.format, Extra: tc.extra}
			s, err := c.ChatCompletionStream(ctxT(t), req)
			if err != nil {
				t.Fatal(err)
			}
			drain(t, s)
			var body map[string]json.RawMessage
			if err := json.Unmarshal(f.posts()[0].Body, &body); err != nil {
				t.Fatal(err)
			}
			for k, want := range tc.want {
				got := canonical(body[k])
				if want != "" {
					want = canonical(json.RawMessage(want))
				}
				if got != want {
					t.Errorf("%s = %s, want %s", k, got, want)
				}
			}
			// The caller's request is not changed by a rewrite.
			if tc.format != nil && tc.format["type"] == "json_schema" && tc.format["json_schema"].(map[string]any)["strict"] == false {
				t.Error("the caller's response_format was modified")
			}
		})
	}
}

func canonical(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var v any
	json.Unmarshal(raw, &v)
	b, _ := json.Marshal(v)
	return string(b)
}

// TestEndpointBodyIsSentAsWritten: a local server gets the json_schema untouched and the
// model the config names (Ollama, vLLM need the real name).
func TestEndpointBodyIsSentAsWritten(t *testing.T) {
	f := chatServer(t, "x", "live")
	c, err := New(Config{Model: "llama3.2:3b", EndpointURL: "http://localhost:11434/v1", HTTPClient: f.client(), Getenv: envMap(t, nil)})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.ChatCompletionStream(ctxT(t), ChatRequest{Messages: []Message{{Role: "user", Content: "hi"}}, ResponseFormat: schemaFormat})
	if err != nil {
		t.Fatal(err)
	}
	drain(t, s)
	body := string(f.posts()[0].Body)
	if modelOf(body) != "llama3.2:3b" || !strings.Contains(body, `"type":"json_schema"`) {
		t.Errorf("body = %s", body)
	}
	if p, e := c.Describe(); p != "" || e != "http://localhost:11434/v1/chat/completions" {
		t.Errorf("Describe = %q %q", p, e)
	}
}
