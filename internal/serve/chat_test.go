package serve_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tiny-agents/tiny-agents/inference"
	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
	"github.com/tiny-agents/tiny-agents/internal/serve"
)

func TestStreamAnswerIsOpenAIChunksEndingWithDone(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{{Text: "Hello from the agent.", Usage: &fakemodel.Usage{PromptTokens: 7, CompletionTokens: 4}}})
	req := userRequest("hi", true)
	req["stream_options"] = map[string]any{"include_usage": true}
	resp := f.post(t, req)
	s := readSSE(t, resp)
	if !s.done {
		t.Fatalf("stream did not end with data: [DONE]:\n%s", s.raw)
	}
	if got := s.content(); got != "Hello from the agent." {
		t.Errorf("content %q", got)
	}
	first := choices(s.chunks[0])[0]["delta"].(map[string]any)
	if first["role"] != "assistant" {
		t.Errorf("first chunk's delta has no assistant role: %v", s.chunks[0])
	}
	id := s.chunks[0]["id"].(string)
	for _, c := range s.chunks {
		if c["id"] != id || c["object"] != "chat.completion.chunk" || c["model"] != "test-agent" || c["created"] == nil {
			t.Errorf("chunk envelope differs: %v", c)
		}
	}
	if resp.Header.Get("X-Request-Id") != id {
		t.Errorf("X-Request-Id %q, want the completion id %q", resp.Header.Get("X-Request-Id"), id)
	}
	if s.finishReason() != "stop" {
		t.Errorf("finish_reason %q", s.finishReason())
	}
	last := s.chunks[len(s.chunks)-1]
	usage, _ := last["usage"].(map[string]any)
	if len(choices(last)) != 0 || usage["prompt_tokens"] != 7.0 || usage["completion_tokens"] != 4.0 || usage["total_tokens"] != 11.0 {
		t.Errorf("last chunk is not the usage chunk asked for: %v", last)
	}
}

func TestStreamWithoutIncludeUsageHasNoUsageChunk(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{{Text: "ok", Usage: &fakemodel.Usage{PromptTokens: 1, CompletionTokens: 1}}})
	s := readSSE(t, f.post(t, userRequest("hi", true)))
	for _, c := range s.chunks {
		if _, ok := c["usage"]; ok {
			t.Errorf("usage chunk without stream_options.include_usage: %v", c)
		}
		if len(choices(c)) != 1 {
			t.Errorf("chunk without exactly one choice: %v", c)
		}
	}
}

func TestNonStreamAnswerIsOneCompletion(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{{Text: "A whole answer.", Usage: &fakemodel.Usage{PromptTokens: 3, CompletionTokens: 2}}})
	c := decodeCompletion(t, f.post(t, userRequest("hi", false)))
	if c.Choices[0].Message.Role != "assistant" || c.Choices[0].Message.Content != "A whole answer." || c.Choices[0].FinishReason != "stop" {
		t.Errorf("choice %+v", c.Choices[0])
	}
	if c.Usage["prompt_tokens"] != 3 || c.Usage["completion_tokens"] != 2 || c.Usage["total_tokens"] != 5 {
		t.Errorf("usage %v", c.Usage)
	}
	if c.ToolActivity != nil {
		t.Errorf("tool_activity without tools: %v", c.ToolActivity)
	}
}

// toolRound is a script that calls server-everything's echo with the user's text, then
// answers with the tool's result: any number of conversations can run it at once.
func toolRound() []fakemodel.Reply {
	return []fakemodel.Reply{
		{When: "user", Echo: true, Text: "Checking ", ToolCalls: []fakemodel.Call{{ID: "call_1", Name: "echo", Arguments: `{"message":"{{last}}"}`}}},
		{When: "tool", Echo: true, Text: "The tool said: "},
	}
}

func TestToolRoundThroughServerEverything(t *testing.T) {
	f := newFixture(t, toolRound(), withTools(t))
	s := readSSE(t, f.post(t, userRequest("nonce-42", true)))
	if !s.done || s.finishReason() != "stop" {
		t.Fatalf("stream did not finish:\n%s", s.raw)
	}
	if got, want := s.content(), "Checking nonce-42\n\nThe tool said: Echo: nonce-42"; got != want {
		t.Errorf("content %q, want %q (rounds separated by a blank line)", got, want)
	}
	act := s.activity()
	if len(act) != 2 {
		t.Fatalf("want a tool_call and a tool_result activity, got %v", act)
	}
	call, res := act[0], act[1]
	if call["type"] != "tool_call" || call["name"] != "echo" || call["id"] != "call_1" {
		t.Errorf("tool_call activity %v", call)
	}
	if args, _ := call["arguments"].(map[string]any); args["message"] != "nonce-42" {
		t.Errorf("tool_call arguments %v", call["arguments"])
	}
	if res["type"] != "tool_result" || res["content"] != "Echo: nonce-42" || res["is_error"] != false {
		t.Errorf("tool_result activity %v", res)
	}
	// The activity chunks add nothing for clients that ignore the field.
	for _, c := range s.chunks {
		if _, ok := c["tool_activity"]; ok {
			d := choices(c)[0]["delta"].(map[string]any)
			if len(choices(c)) != 1 || len(d) != 0 || choices(c)[0]["finish_reason"] != nil {
				t.Errorf("activity chunk is not an empty delta: %v", c)
			}
		}
	}
	reqs := f.model.Requests()
	if len(reqs) != 2 {
		t.Fatalf("model got %d requests, want 2", len(reqs))
	}
	if last := reqs[1].LastMessage(); last["role"] != "tool" || last["content"] != "Echo: nonce-42" {
		t.Errorf("second model request ends with %v, want the echo result", last)
	}
}

func TestToolActivityInContentOnlyWhenAsked(t *testing.T) {
	f := newFixture(t, toolRound(), withTools(t))
	plain := decodeCompletion(t, f.post(t, userRequest("n1", false)))
	if got := plain.Choices[0].Message.Content; got != "Checking n1\n\nThe tool said: Echo: n1" {
		t.Errorf("content without asking %q", got)
	}
	if len(plain.ToolActivity) != 2 || plain.ToolActivity[1]["content"] != "Echo: n1" {
		t.Errorf("tool_activity %v", plain.ToolActivity)
	}
	want := "Checking n2\n\n→ echo {\"message\":\"n2\"}\n\n← Echo: n2\n\nThe tool said: Echo: n2"
	req := userRequest("n2", false)
	req["tool_activity"] = "content"
	if got := decodeCompletion(t, f.post(t, req)).Choices[0].Message.Content; got != want {
		t.Errorf("content with tool_activity=content:\n%q\nwant\n%q", got, want)
	}
	s := readSSE(t, f.post(t, userRequest("n2", true), "X-Tool-Activity", "content"))
	if got := s.content(); got != want {
		t.Errorf("streamed content with X-Tool-Activity: content:\n%q\nwant\n%q", got, want)
	}
}

func TestSystemPromptIsTheAgentsUnlessTheRequestSendsOne(t *testing.T) {
	cases := []struct {
		name     string
		messages []any
		want     []string // roles and contents the model gets, "role:content"
	}{
		{"agent prompt first", []any{map[string]any{"role": "user", "content": "hi"}},
			[]string{"system:You are the test agent.", "user:hi"}},
		{"request's system replaces it", []any{map[string]any{"role": "system", "content": "Be a pirate."}, map[string]any{"role": "user", "content": "hi"}},
			[]string{"system:Be a pirate.", "user:hi"}},
		{"developer is a system message", []any{map[string]any{"role": "developer", "content": "Be terse."}, map[string]any{"role": "user", "content": "hi"}},
			[]string{"system:Be terse.", "user:hi"}},
		{"history passes through", []any{
			map[string]any{"role": "user", "content": "first"},
			map[string]any{"role": "assistant", "content": "answer one"},
			map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": "second"}}},
		}, []string{"system:You are the test agent.", "user:first", "assistant:answer one", "user:second"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, []fakemodel.Reply{{Text: "ok"}})
			decodeCompletion(t, f.post(t, map[string]any{"model": "m", "messages": tc.messages}))
			msgs := f.model.Requests()[0].Messages
			var got []string
			for _, m := range msgs {
				got = append(got, m["role"].(string)+":"+fakemodel.MessageText(m))
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("model got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRequestFieldsReachTheModel(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{{Text: "ok"}, {Text: "ok"}})
	img := "data:image/png;base64,iVBORw0KGgo="
	body := map[string]any{
		"model": "test-agent", "temperature": 0.25, "max_tokens": 77, "top_p": 0.5, "stop": "END", "seed": 9,
		"messages": []any{
			map[string]any{"role": "user", "content": "what is 1+2?"},
			map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{
				"id": "c9", "type": "function", "function": map[string]any{"name": "get-sum", "arguments": `{"a":1,"b":2}`}}}},
			map[string]any{"role": "tool", "tool_call_id": "c9", "content": "3"},
			map[string]any{"role": "user", "content": []any{
				map[string]any{"type": "text", "text": "and this picture?"},
				map[string]any{"type": "image_url", "image_url": map[string]any{"url": img, "detail": "low"}},
			}},
		},
	}
	decodeCompletion(t, f.post(t, body))
	var sent struct {
		Temperature float64           `json:"temperature"`
		MaxTokens   int               `json:"max_tokens"`
		TopP        float64           `json:"top_p"`
		Stop        []string          `json:"stop"`
		Seed        int               `json:"seed"`
		Messages    []json.RawMessage `json:"messages"`
	}
	if err := json.Unmarshal(f.model.Requests()[0].Body, &sent); err != nil {
		t.Fatal(err)
	}
	if sent.Temperature != 0.25 || sent.MaxTokens != 77 || sent.TopP != 0.5 || strings.Join(sent.Stop, ",") != "END" || sent.Seed != 9 {
		t.Errorf("sampling fields not passed on: %+v", sent)
	}
	want := []string{
		`{"role":"system","content":"You are the test agent."}`,
		`{"role":"user","content":"what is 1+2?"}`,
		`{"role":"assistant","tool_calls":[{"id":"c9","type":"function","function":{"name":"get-sum","arguments":"{\"a\":1,\"b\":2}"}}]}`,
		`{"role":"tool","content":"3","tool_call_id":"c9"}`,
		`{"role":"user","content":[{"type":"text","text":"and this picture?"},{"type":"image_url","image_url":{"url":"` + img + `"}}]}`,
	}
	if len(sent.Messages) != len(want) {
		t.Fatalf("model got %d messages, want %d", len(sent.Messages), len(want))
	}
	for i, m := range sent.Messages {
		if string(m) != want[i] {
			t.Errorf("message %d:\n got %s\nwant %s", i, m, want[i])
		}
	}
	// The next request without sampling fields gets the agent's template, not the last
	// request's values: requests never change the shared agent.
	decodeCompletion(t, f.post(t, userRequest("again", false)))
	var second map[string]any
	json.Unmarshal(f.model.Requests()[1].Body, &second)
	for _, k := range []string{"temperature", "max_tokens", "top_p", "stop", "seed"} {
		if _, ok := second[k]; ok {
			t.Errorf("second request carries %s from the first: %v", k, second[k])
		}
	}
}

func TestModelsListsTheAgent(t *testing.T) {
	f := newFixture(t, nil)
	resp, err := f.srv.Client().Get(f.srv.URL + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Object string           `json:"object"`
		Data   []map[string]any `json:"data"`
	}
	json.NewDecoder(resp.Body).Decode(&list)
	if resp.StatusCode != 200 || list.Object != "list" || len(list.Data) != 1 || list.Data[0]["id"] != "test-agent" || list.Data[0]["object"] != "model" {
		t.Errorf("models: %d %+v", resp.StatusCode, list)
	}
	one, _ := f.srv.Client().Get(f.srv.URL + "/v1/models/test-agent")
	one.Body.Close()
	missing, _ := f.srv.Client().Get(f.srv.URL + "/v1/models/gpt-4")
	missing.Body.Close()
	if one.StatusCode != 200 || missing.StatusCode != 404 {
		t.Errorf("GET /v1/models/ID: %d for the agent, %d for another", one.StatusCode, missing.StatusCode)
	}
}

func TestAllowListRefusesOtherTools(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{
		{When: "user", ToolCalls: []fakemodel.Call{
			{ID: "c1", Name: "echo", Arguments: `{"message":"not allowed"}`},
			{ID: "c2", Name: "get-sum", Arguments: `{"a":1,"b":2}`},
		}},
		{When: "tool", Echo: true, Text: "sum: "},
	}, withTools(t), func(o *serve.Options, _ *inference.Config) { o.Agent.AllowTools = map[string]bool{"get-sum": true} })
	c := decodeCompletion(t, f.post(t, userRequest("add 1 and 2", false)))
	if len(c.ToolActivity) != 4 {
		t.Fatalf("tool activity %v", c.ToolActivity)
	}
	refused, sum := c.ToolActivity[1], c.ToolActivity[3]
	if refused["name"] != "echo" || refused["is_error"] != true || !strings.Contains(refused["content"].(string), "allow-list") {
		t.Errorf("echo was not refused by the allow-list: %v", refused)
	}
	if sum["name"] != "get-sum" || sum["is_error"] != false || !strings.Contains(sum["content"].(string), "3") {
		t.Errorf("get-sum did not run: %v", sum)
	}
	msgs := f.model.Requests()[1].Messages
	if tool := msgs[len(msgs)-2]; tool["tool_call_id"] != "c1" || !strings.Contains(fakemodel.MessageText(tool), "allow-list") {
		t.Errorf("the model was not told why echo did not run: %v", tool)
	}
}

func TestTurnCapEndsWithFinishReasonLength(t *testing.T) {
	f := newFixture(t, toolRound(), withTools(t), func(o *serve.Options, _ *inference.Config) { o.Agent.MaxTurns = 1 })
	s := readSSE(t, f.post(t, userRequest("capped", true)))
	if s.finishReason() != "length" || s.content() != "Checking capped" || !s.done {
		t.Errorf("finish %q, content %q", s.finishReason(), s.content())
	}
}

func TestReasoningIsPassedOnAsReasoningContent(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{{When: "user", Reasoning: "let me think", Text: "42"}})
	s := readSSE(t, f.post(t, userRequest("q", true)))
	var reasoning strings.Builder
	for _, c := range s.chunks {
		for _, ch := range choices(c) {
			if r, ok := ch["delta"].(map[string]any)["reasoning_content"].(string); ok {
				reasoning.WriteString(r)
			}
		}
	}
	if reasoning.String() != "let me think" || s.content() != "42" {
		t.Errorf("stream: reasoning %q, content %q", reasoning.String(), s.content())
	}
	resp := f.post(t, userRequest("q", false))
	var c struct {
		Choices []struct {
			Message map[string]any `json:"message"`
		} `json:"choices"`
	}
	json.NewDecoder(resp.Body).Decode(&c)
	if m := c.Choices[0].Message; m["reasoning_content"] != "let me think" || m["content"] != "42" {
		t.Errorf("completion message %v", m)
	}
}
