package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// SamplingMessage is one message of a server's sampling request, as text (image parts are
// kept as data URIs for models that take them).
type SamplingMessage struct {
	Role   string
	Text   string
	Images []string // data: URIs
}

// SamplingRequest is a server asking the client's model for a completion while one of its
// tools runs (sampling/createMessage).
type SamplingRequest struct {
	Server       string
	SystemPrompt string
	Messages     []SamplingMessage
	MaxTokens    int
	Temperature  float64
	Stop         []string
}

// SamplingResult is the model's answer to a SamplingRequest.
type SamplingResult struct {
	Text       string
	Model      string
	StopReason string // endTurn, maxTokens, stopSequence
}

// SampleFunc answers a sampling request, typically by asking the user and then the model.
type SampleFunc func(ctx context.Context, req SamplingRequest) (SamplingResult, error)

type sampleKey struct{}

// WithSampling returns a context whose tool calls send the server's sampling requests to fn.
// Servers are offered sampling only when Options.Sampling is set; a request during a call
// without a handler is refused.
func WithSampling(ctx context.Context, fn SampleFunc) context.Context {
	return context.WithValue(ctx, sampleKey{}, fn)
}

func sampleFrom(ctx context.Context) SampleFunc {
	fn, _ := ctx.Value(sampleKey{}).(SampleFunc)
	return fn
}

// ErrNoSampler is the answer to a sampling request made outside a tool call that can sample.
var ErrNoSampler = errors.New("tiny-agents has no model to sample with for this request")

// samplingHandler is the mcp-go sampling handler of one server: it hands the request to the
// sampler of the tool call running on that server.
type samplingHandler struct{ s *server }

func (h samplingHandler) CreateMessage(ctx context.Context, req mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
	fn, callCtx := h.s.currentSample()
	if fn == nil {
		return nil, ErrNoSampler
	}
	if len(req.Tools) > 0 {
		// The 2025-11-25 revision: tools need the sampling.tools capability, which we do not
		// declare.
		return nil, errors.New("sampling with tools is not supported")
	}
	if callCtx != nil {
		var cancel context.CancelFunc
		ctx, cancel = mergeDone(ctx, callCtx)
		defer cancel()
	}
	sr := SamplingRequest{Server: h.s.name, SystemPrompt: req.SystemPrompt, MaxTokens: req.MaxTokens,
		Temperature: req.Temperature, Stop: req.StopSequences}
	for _, m := range req.Messages {
		sr.Messages = append(sr.Messages, samplingMessage(m))
	}
	res, err := fn(ctx, sr)
	if err != nil {
		return nil, err
	}
	out := &mcp.CreateMessageResult{Model: res.Model, StopReason: res.StopReason}
	out.Role = mcp.RoleAssistant
	out.Content = mcp.NewTextContent(res.Text)
	return out, nil
}

// samplingMessage reads a message's content, one item or a list, whatever Go type mcp-go
// decoded it into.
func samplingMessage(m mcp.SamplingMessage) SamplingMessage {
	out := SamplingMessage{Role: string(m.Role)}
	raw, _ := json.Marshal(m.Content)
	var items []map[string]any
	if len(raw) > 0 && raw[0] == '[' {
		_ = json.Unmarshal(raw, &items)
	} else {
		var one map[string]any
		if json.Unmarshal(raw, &one) == nil {
			items = []map[string]any{one}
		}
	}
	var texts []string
	for _, it := range items {
		switch it["type"] {
		case "text":
			if t, ok := it["text"].(string); ok {
				texts = append(texts, t)
			}
		case "image":
			data, _ := it["data"].(string)
			mime, _ := it["mimeType"].(string)
			if data != "" {
				out.Images = append(out.Images, "data:"+mime+";base64,"+data)
			}
		}
	}
	out.Text = strings.Join(texts, "\n")
	return out
}

// currentSample returns the sampler of the latest call running on the server, and its
// context.
func (s *server) currentSample() (SampleFunc, context.Context) {
	if c := s.latestCall(func(c *activeCall) bool { return c.sample != nil }); c != nil {
		return c.sample, c.ctx
	}
	return nil, nil
}
