package agent_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/inference"
	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
	"github.com/tiny-agents/tiny-agents/mcp"
)

func newAgent(t *testing.T, replies ...fakemodel.Reply) (*agent.Agent, *fakemodel.Server) {
	t.Helper()
	model := fakemodel.New(replies...)
	t.Cleanup(model.Close)
	client, err := inference.New(inference.Config{Model: "fake-model", EndpointURL: model.URL, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	return &agent.Agent{Model: client, SystemPrompt: "agent prompt"}, model
}

func TestTurnOptionsApplyToOneTurnOnly(t *testing.T) {
	a, model := newAgent(t, fakemodel.Reply{When: "user", Text: "ok"})
	temp := 0.5
	a.Request.Temperature = &temp
	none := ""
	hot := 1.5
	override := inference.ChatRequest{Temperature: &hot}
	var conv agent.Conversation
	conv.AddUser("one")
	a.RunTurn(context.Background(), &conv, agent.TurnOptions{SystemPrompt: &none, Request: &override}, func(agent.Event) {})
	var conv2 agent.Conversation
	conv2.AddUser("two")
	a.Run(context.Background(), &conv2, func(agent.Event) {})

	reqs := model.Requests()
	var first, second struct {
		Temperature float64          `json:"temperature"`
		Messages    []map[string]any `json:"messages"`
	}
	json.Unmarshal(reqs[0].Body, &first)
	json.Unmarshal(reqs[1].Body, &second)
	if first.Temperature != 1.5 || len(first.Messages) != 1 || first.Messages[0]["role"] != "user" {
		t.Errorf("turn with options sent temperature %v and messages %v", first.Temperature, first.Messages)
	}
	if second.Temperature != 0.5 || second.Messages[0]["content"] != "agent prompt" {
		t.Errorf("the next turn did not get the agent's own settings: %v %v", second.Temperature, second.Messages)
	}
}

// toolbox offers two tools and records which ones ran.
type toolbox struct{ ran []string }

func (b *toolbox) Tools() []mcp.Tool {
	return []mcp.Tool{{Name: "safe", Server: "s"}, {Name: "risky", Server: "s"}}
}

func (b *toolbox) Call(_ context.Context, name string, _ map[string]any, _ func(mcp.Progress)) (mcp.Result, error) {
	b.ran = append(b.ran, name)
	return mcp.Result{Text: name + " ran"}, nil
}

func TestAllowToolsRefusesTheOthersWithoutAsking(t *testing.T) {
	a, _ := newAgent(t,
		fakemodel.Reply{When: "user", ToolCalls: []fakemodel.Call{{ID: "1", Name: "risky", Arguments: `{}`}, {ID: "2", Name: "safe", Arguments: `{}`}}},
		fakemodel.Reply{When: "tool", Text: "done"})
	box := &toolbox{}
	a.Tools, a.Ask, a.AllowTools = box, true, map[string]bool{"safe": true}
	var conv agent.Conversation
	conv.AddUser("go")
	var results []agent.ToolResult
	a.Run(context.Background(), &conv, func(ev agent.Event) {
		switch e := ev.(type) {
		case agent.ToolResult:
			results = append(results, e)
		case agent.ApprovalRequest:
			// The allow-list decides before anyone is asked; allow what is asked.
			e.Reply <- agent.AllowOnce
		}
	})
	if len(box.ran) != 1 || box.ran[0] != "safe" {
		t.Errorf("tools that ran: %v, want only safe", box.ran)
	}
	if len(results) != 2 || !results[0].IsError || results[1].IsError {
		t.Errorf("results %+v", results)
	}
}
