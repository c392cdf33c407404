package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/agents"
	"github.com/tiny-agents/tiny-agents/internal/app"
	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
	"github.com/tiny-agents/tiny-agents/internal/testservers"
	"github.com/tiny-agents/tiny-agents/mcp"
)

// TestServerSamplingUsesTheAgentsModel: server-everything's trigger-sampling-request asks
// the client's model for a completion while the tool runs. The request reaches the model
// without tools, its answer reaches the tool's result, and the user is asked first when the
// front end asks for tools.
func TestServerSamplingUsesTheAgentsModel(t *testing.T) {
	for _, c := range []struct {
		name     string
		ask      bool
		decision agent.Decision
		want     string
		requests int
	}{
		{"headless runs it", false, 0, "Sampled haiku here", 3},
		{"the user allows it", true, agent.AllowOnce, "Sampled haiku here", 3},
		{"the user refuses", true, agent.Deny, "did not let the server use the model", 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			replies := []fakemodel.Reply{{ToolCalls: []fakemodel.Call{{ID: "c1", Name: "trigger-sampling-request",
				Arguments: `{"prompt":"write a haiku","maxTokens":40}`}}}}
			if c.requests == 3 {
				replies = append(replies, fakemodel.Reply{Text: "Sampled haiku here"})
			}
			replies = append(replies, fakemodel.Reply{Text: "done"})
			model := fakemodel.New(replies...)
			defer model.Close()
			node, args := testservers.Everything(t)
			cfg := &agents.Agent{Name: "s", Prompt: "sys", Config: agents.Config{Model: "m", EndpointURL: model.URL,
				Servers: []mcp.ServerConfig{{Command: node, Args: args}}}}
			a, err := app.Start(context.Background(), cfg, app.Options{Version: "test", ToolTimeout: 30 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			for deadline := time.Now().Add(5 * time.Second); !hasTool(a, "trigger-sampling-request"); time.Sleep(50 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("server-everything offers no trigger-sampling-request: sampling was not declared")
				}
			}
			a.Agent.Ask = c.ask
			var questions []string
			var result agent.ToolResult
			var conv agent.Conversation
			conv.AddUser("make the server sample")
			done := a.Agent.Run(context.Background(), &conv, func(ev agent.Event) {
				switch e := ev.(type) {
				case agent.ApprovalRequest:
					questions = append(questions, e.Name+": "+e.Question)
					if e.Name == agent.Sampling {
						e.Reply <- c.decision
					} else {
						e.Reply <- agent.AllowOnce
					}
				case agent.ToolResult:
					if e.ID == "c1" {
						result = e
					}
				}
			})
			if done.Stop != agent.StopAnswer || done.Content != "done" {
				t.Fatalf("done %+v", done)
			}
			if !strings.Contains(result.Content, c.want) {
				t.Errorf("tool result %q, want %q", result.Content, c.want)
			}
			reqs := model.Requests()
			if len(reqs) != c.requests {
				t.Fatalf("%d model requests, want %d", len(reqs), c.requests)
			}
			if c.requests == 3 {
				s := reqs[1]
				if len(s.Tools) != 0 || !strings.Contains(string(s.Body), "write a haiku") || !strings.Contains(string(s.Body), `"max_tokens":40`) {
					t.Errorf("the sampling request sent to the model: %s", s.Body)
				}
			}
			if c.ask {
				if len(questions) != 2 || !strings.Contains(questions[1], "sampling: Let server-everything use the model?") {
					t.Errorf("approvals asked: %q", questions)
				}
			} else if len(questions) != 0 {
				t.Errorf("headless asked %q", questions)
			}
		})
	}
}

func hasTool(a *app.App, name string) bool {
	for _, t := range a.Servers.Tools() {
		if t.Name == name {
			return true
		}
	}
	return false
}
