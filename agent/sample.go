package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tiny-agents/tiny-agents/inference"
	"github.com/tiny-agents/tiny-agents/mcp"
)

// Sampling is the name under which a server's requests to use the model
// (sampling/createMessage) are approved: like a tool, it may be allowed once, for the
// session, or listed in AllowTools.
const Sampling = "sampling"

// sampleVia answers the sampling requests a server makes while one of its tools runs, with
// the agent's own model, after the same approval a tool call gets. When the user is asked,
// the request shows as a call of its own (ID "<call>-sampling") that ends with the model's
// text, so that front ends can show what the server asked and what it got.
func (a *Agent) sampleVia(call inference.ToolCall, emit func(Event)) mcp.SampleFunc {
	return func(ctx context.Context, req mcp.SamplingRequest) (mcp.SamplingResult, error) {
		if a.AllowTools != nil && !a.AllowTools[Sampling] {
			return mcp.SamplingResult{}, errors.New("the model is not offered to servers here (sampling is not in the allowed tools)")
		}
		summary, _ := json.Marshal(map[string]any{"server": req.Server, "messages": len(req.Messages),
			"prompt": lastText(req.Messages), "maxTokens": req.MaxTokens})
		pseudo := inference.ToolCall{ID: call.ID + "-sampling", Type: "function",
			Function: inference.FunctionCall{Name: Sampling, Arguments: string(summary)}}
		asked := a.Ask && !a.Deny
		if asked {
			emit(ToolCallDone{ID: pseudo.ID, Name: Sampling, Server: req.Server, Arguments: pseudo.Function.Arguments})
		}
		question := fmt.Sprintf("Let %s use the model?", req.Server)
		if !a.approvedAs(ctx, pseudo, req.Server, question, emit) {
			err := errors.New("the user did not let the server use the model")
			if asked {
				emit(ToolResult{ID: pseudo.ID, Name: Sampling, Content: err.Error(), IsError: true})
			}
			return mcp.SamplingResult{}, err
		}
		res, err := a.sample(ctx, req)
		if asked {
			if err != nil {
				emit(ToolResult{ID: pseudo.ID, Name: Sampling, Content: "Error: " + err.Error(), IsError: true})
			} else {
				emit(ToolResult{ID: pseudo.ID, Name: Sampling, Content: a.clipRedacted(res.Text)})
			}
		}
		return res, err
	}
}

// sample sends a sampling request to the model, without tools.
func (a *Agent) sample(ctx context.Context, req mcp.SamplingRequest) (mcp.SamplingResult, error) {
	creq := a.Request
	creq.Tools, creq.ToolChoice, creq.StreamOptions = nil, nil, nil
	if req.SystemPrompt != "" {
		creq.Messages = append(creq.Messages, inference.Message{Role: "system", Content: req.SystemPrompt})
	}
	for _, m := range req.Messages {
		msg := inference.Message{Role: m.Role, Content: m.Text}
		if len(m.Images) > 0 && m.Role == "user" {
			msg.Parts = append(msg.Parts, inference.ContentPart{Type: "text", Text: m.Text})
			for _, img := range m.Images {
				msg.Parts = append(msg.Parts, inference.ContentPart{Type: "image_url", ImageURL: &inference.ImageURL{URL: img}})
			}
		}
		creq.Messages = append(creq.Messages, msg)
	}
	if req.MaxTokens > 0 {
		n := req.MaxTokens
		creq.MaxTokens = &n
	}
	if req.Temperature > 0 {
		t := req.Temperature
		creq.Temperature = &t
	}
	if len(req.Stop) > 0 {
		creq.Stop = req.Stop
	}
	stream, err := a.Model.ChatCompletionStream(ctx, creq)
	if err != nil {
		return mcp.SamplingResult{}, err
	}
	defer stream.Close()
	var acc inference.Accumulator
	model := ""
	for stream.Next() {
		c := stream.Chunk()
		if c.Model != "" {
			model = c.Model
		}
		acc.Add(c)
	}
	if err := stream.Err(); err != nil {
		return mcp.SamplingResult{}, err
	}
	stop := "endTurn"
	if acc.FinishReason() == "length" {
		stop = "maxTokens"
	}
	return mcp.SamplingResult{Text: acc.Message().Content, Model: model, StopReason: stop}, nil
}

func lastText(msgs []mcp.SamplingMessage) string {
	if len(msgs) == 0 {
		return ""
	}
	t := []rune(msgs[len(msgs)-1].Text)
	if len(t) > 200 {
		t = append(t[:199], '…')
	}
	return string(t)
}
