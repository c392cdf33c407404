package agent

import (
	"context"
	"testing"
	"time"

	"github.com/tiny-agents/tiny-agents/mcp"
)

func TestElicitationBecomesAnEventAndWaitsForTheReply(t *testing.T) {
	var got ElicitationRequest
	emit := func(ev Event) {
		got = ev.(ElicitationRequest)
		got.Reply <- ElicitationReply{Action: "accept", Content: map[string]any{"name": "Ada"}}
	}
	r, err := elicitVia(emit)(context.Background(), mcp.ElicitationRequest{Server: "s", Message: "Who?", Schema: []byte(`{"type":"object"}`)})
	if err != nil || r.Action != "accept" || r.Content["name"] != "Ada" {
		t.Fatalf("%+v %v", r, err)
	}
	if got.Server != "s" || got.Message != "Who?" || string(got.Schema) != `{"type":"object"}` {
		t.Fatalf("event %+v", got)
	}
}

func TestElicitationIsCancelledWhenTheCallEnds(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r, err := elicitVia(func(Event) {})(ctx, mcp.ElicitationRequest{Server: "s"})
	if err != nil || r.Action != "cancel" {
		t.Fatalf("%+v %v", r, err)
	}
}
