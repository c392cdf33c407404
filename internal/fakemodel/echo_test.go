package fakemodel_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/tiny-agents/tiny-agents/inference"
	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
)

func TestEchoRepliesCarryTheLastMessage(t *testing.T) {
	rep := fakemodel.Reply{When: "user", Echo: true, Text: "You said: ",
		ToolCalls: []fakemodel.Call{{Name: "echo", Arguments: `{"message":"{{last}}"}`}}}
	s := fakemodel.New(rep)
	defer s.Close()
	client, err := inference.New(inference.Config{Model: "m", EndpointURL: s.URL, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	// The second request gets its own text: the script is filled in per request, not changed.
	for _, msg := range []string{"first", `a "quoted" one`} {
		stream, err := client.ChatCompletionStream(context.Background(), inference.ChatRequest{Messages: []inference.Message{
			{Role: "user", Parts: []inference.ContentPart{{Type: "text", Text: msg}}}}})
		if err != nil {
			t.Fatal(err)
		}
		var acc inference.Accumulator
		for stream.Next() {
			acc.Add(stream.Chunk())
		}
		stream.Close()
		m := acc.Message()
		if m.Content != "You said: "+msg {
			t.Errorf("content %q", m.Content)
		}
		var args struct{ Message string }
		if len(m.ToolCalls) != 1 || json.Unmarshal([]byte(m.ToolCalls[0].Function.Arguments), &args) != nil || args.Message != msg {
			t.Errorf("tool call %+v does not carry %q as valid JSON", m.ToolCalls, msg)
		}
	}
}
