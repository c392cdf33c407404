package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/tiny-agents/tiny-agents/inference"
	"github.com/tiny-agents/tiny-agents/internal/redact"
	"github.com/tiny-agents/tiny-agents/mcp"
)

// Model streams chat completions; *inference.Client is one.
type Model interface {
	ChatCompletionStream(ctx context.Context, req inference.ChatRequest) (*inference.Stream, error)
}

// Toolbox lists and calls tools; *mcp.Manager is one.
type Toolbox interface {
	Tools() []mcp.Tool
	Call(ctx context.Context, name string, args map[string]any, progress func(mcp.Progress)) (mcp.Result, error)
}

// DefaultMaxTurns is the default cap on model requests in one user turn.
const DefaultMaxTurns = 10

// Agent is a model, a toolbox and a system prompt. One Agent may run many conversations,
// one turn at a time each; it is safe for concurrent use by different conversations.
type Agent struct {
	Model        Model
	Tools        Toolbox // may be nil: no MCP tools
	SystemPrompt string
	// MaxTurns caps the model requests of one user turn, tool rounds included.
	MaxTurns int
	// MaxResultBytes caps the text of one tool result sent to the model (zero: 256 KiB). A
	// tool that returns megabytes would otherwise make every later request fail on the
	// model's context length, and the whole session with it.
	MaxResultBytes int
	// Ask makes every tool call wait for an ApprovalRequest's decision. When false, tools run
	// without asking (headless mode, --yolo).
	Ask bool
	// Deny refuses every tool call without asking (headless `--approve never`).
	Deny bool
	// Elicit sends the servers' elicitation requests during a tool call to the front end as
	// ElicitationRequest events, and waits for the reply. When false, the toolbox answers
	// them itself (mcp.DefaultElicit: the schema's defaults, else decline), as headless
	// runs must.
	Elicit bool
	// Request is a template for every model request (temperature, max_tokens...).
	Request inference.ChatRequest
	// AllowTools, when not nil, names the only tools that may run (serve --allow-tools): a
	// call to any other tool is refused with a tool message that says so, without asking.
	// The exit tools are always allowed.
	AllowTools map[string]bool

	mu      sync.Mutex
	allowed map[string]bool
}

// Conversation is the history of one chat, without the system prompt.
type Conversation struct {
	Messages []inference.Message
}

// AddUser appends a user message.
func (c *Conversation) AddUser(text string) {
	c.Messages = append(c.Messages, inference.Message{Role: "user", Content: text})
}

// TurnOptions change one turn without changing the Agent, which other turns may be running
// at the same time (serve runs many requests on one Agent).
type TurnOptions struct {
	// SystemPrompt, when not nil, replaces the agent's system prompt for this turn; "" sends
	// none (a serve request that brings its own system messages).
	SystemPrompt *string
	// Request, when not nil, replaces the agent's Request template for this turn.
	Request *inference.ChatRequest
}

// Run runs one user turn: the conversation must end with the user's message. It emits
// events as they happen and returns the Done event it emitted last.
func (a *Agent) Run(ctx context.Context, conv *Conversation, emit func(Event)) Done {
	return a.RunTurn(ctx, conv, TurnOptions{}, emit)
}

// RunTurn is Run with options for this turn only.
func (a *Agent) RunTurn(ctx context.Context, conv *Conversation, opts TurnOptions, emit func(Event)) Done {
	maxTurns := a.MaxTurns
	if maxTurns <= 0 {
		maxTurns = DefaultMaxTurns
	}
	var total *Usage
	done := func(d Done) Done {
		d.Usage = total
		emit(d)
		return d
	}
	tools := a.toolList()
	for turn := 1; ; turn++ {
		if turn > maxTurns {
			return done(Done{Turns: turn - 1, Stop: StopMaxTurns, Content: lastAssistantText(conv)})
		}
		msg, usage, err := a.complete(ctx, conv, tools, opts, emit)
		if usage != nil {
			if total == nil {
				total = &Usage{}
			}
			total.PromptTokens += usage.PromptTokens
			total.CompletionTokens += usage.CompletionTokens
			emit(*usage)
		}
		if err != nil {
			// Keep what was streamed; drop half-streamed tool calls, which cannot be answered.
			if msg.Content != "" {
				msg.ToolCalls = nil
				conv.Messages = append(conv.Messages, msg)
			}
			if ctx.Err() != nil {
				return done(Done{Turns: turn, Stop: StopInterrupted, Content: msg.Content})
			}
			emit(Error{Kind: ErrorKind(inference.KindOf(err)), Err: err})
			return done(Done{Turns: turn, Stop: StopError, Content: msg.Content})
		}
		if msg.Content != "" || len(msg.ToolCalls) > 0 {
			conv.Messages = append(conv.Messages, msg)
		}
		if len(msg.ToolCalls) == 0 {
			return done(Done{Turns: turn, Stop: StopAnswer, Content: msg.Content})
		}
		stop := a.runTools(ctx, conv, msg.ToolCalls, emit)
		switch {
		case stop == StopExitTool:
			return done(Done{Turns: turn, Stop: StopExitTool, Content: msg.Content})
		case ctx.Err() != nil:
			return done(Done{Turns: turn, Stop: StopInterrupted, Content: msg.Content})
		}
	}
}

func (a *Agent) toolList() []inference.Tool {
	tools := exitTools()
	if a.Tools == nil {
		return tools
	}
	for _, t := range a.Tools.Tools() {
		schema := t.InputSchema
		if len(schema) == 0 {
			schema = json.RawMessage(`{"type":"object","properties":{}}`)
		}
		tools = append(tools, inference.Tool{Type: "function", Function: inference.FunctionDef{
			Name: t.Name, Description: t.Description, Parameters: schema}})
	}
	return tools
}

// complete makes one model request and streams its events. It returns the assembled
// message even on error, so that what was streamed is kept.
func (a *Agent) complete(ctx context.Context, conv *Conversation, tools []inference.Tool, opts TurnOptions, emit func(Event)) (inference.Message, *Usage, error) {
	req := a.Request
	if opts.Request != nil {
		req = *opts.Request
	}
	system := a.SystemPrompt
	if opts.SystemPrompt != nil {
		system = *opts.SystemPrompt
	}
	req.Messages = make([]inference.Message, 0, len(conv.Messages)+1)
	if system != "" {
		req.Messages = append(req.Messages, inference.Message{Role: "system", Content: system})
	}
	req.Messages = append(req.Messages, conv.Messages...)
	req.Tools = tools
	req.ToolChoice = "auto"
	req.StreamOptions = &inference.StreamOptions{IncludeUsage: true}
	stream, err := a.Model.ChatCompletionStream(ctx, req)
	if err != nil {
		return inference.Message{Role: "assistant"}, nil, err
	}
	defer stream.Close()
	var acc inference.Accumulator
	for stream.Next() {
		d := acc.Add(stream.Chunk())
		if d.Reasoning != "" {
			emit(ReasoningDelta{Text: d.Reasoning})
		}
		if d.Content != "" {
			emit(TextDelta{Text: d.Content})
		}
		for _, tc := range d.ToolCalls {
			if tc.New {
				emit(ToolCallStarted{ID: tc.ID, Name: tc.Name})
			}
			if tc.Arguments != "" {
				emit(ToolCallArgsDelta{ID: tc.ID, Delta: tc.Arguments})
			}
		}
	}
	var usage *Usage
	if u := acc.Usage(); u != nil {
		usage = &Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens}
	}
	return acc.Message(), usage, stream.Err()
}

// runTools runs the calls of one assistant message in order. Every call gets exactly one tool
// message, so the history stays valid for the next request whatever happens.
func (a *Agent) runTools(ctx context.Context, conv *Conversation, calls []inference.ToolCall, emit func(Event)) StopReason {
	var stop StopReason
	servers := map[string]string{}
	if a.Tools != nil {
		for _, t := range a.Tools.Tools() {
			servers[t.Name] = t.Server
		}
	}
	for _, call := range calls {
		name := call.Function.Name
		emit(ToolCallDone{ID: call.ID, Name: name, Server: servers[name], Arguments: call.Function.Arguments})
		var res ToolResult
		switch {
		case stop == StopExitTool:
			res = errorResult(call, "Skipped: the task was ended by an earlier call.")
		case ctx.Err() != nil:
			res = errorResult(call, "Cancelled by the user.")
		case isExitTool(name):
			stop = StopExitTool
			res = ToolResult{ID: call.ID, Name: name}
		default:
			res = a.callTool(ctx, call, servers[name], emit)
		}
		conv.Messages = append(conv.Messages, inference.Message{Role: "tool", ToolCallID: call.ID, Name: name, Content: res.Content})
		emit(res)
	}
	return stop
}

func errorResult(call inference.ToolCall, text string) ToolResult {
	return ToolResult{ID: call.ID, Name: call.Function.Name, Content: text, IsError: true}
}

func (a *Agent) callTool(ctx context.Context, call inference.ToolCall, server string, emit func(Event)) ToolResult {
	name := call.Function.Name
	if name == "" {
		return errorResult(call, "Invalid tool call with no function name.")
	}
	var args map[string]any
	raw := strings.TrimSpace(call.Function.Arguments)
	if raw == "" {
		raw = "{}"
	}
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return errorResult(call, "Invalid arguments generated by the model: they must be a JSON object, not "+typeErr.Value+".")
		}
		return errorResult(call, "Invalid JSON generated by the model: "+err.Error())
	}
	if args == nil {
		args = map[string]any{}
	}
	if a.Tools == nil {
		return errorResult(call, fmt.Sprintf("Error: no tool named %q.", name))
	}
	if a.AllowTools != nil && !a.AllowTools[name] {
		return errorResult(call, fmt.Sprintf("Refused: the tool %q is not in this agent's allow-list, so it was not run. Do not call it again; answer with the tools that are allowed, or without tools.", name))
	}
	if !a.approved(ctx, call, server, emit) {
		if ctx.Err() != nil {
			return errorResult(call, "Cancelled by the user.")
		}
		return errorResult(call, "The user denied this tool call.")
	}
	progress := func(p mcp.Progress) {
		emit(ToolProgress{ID: call.ID, Progress: p.Progress, Total: p.Total, Message: p.Message})
	}
	ctx = mcp.WithSampling(ctx, a.sampleVia(call, emit))
	if a.Elicit {
		ctx = mcp.WithElicitation(ctx, elicitVia(emit))
	}
	r, err := a.Tools.Call(ctx, name, args, progress)
	if err != nil {
		if errors.Is(err, mcp.ErrUnknownTool) {
			return errorResult(call, fmt.Sprintf("Error: no tool named %q. Use one of the tools you were given.", name))
		}
		if ctx.Err() != nil {
			return errorResult(call, "Cancelled by the user.")
		}
		emit(Error{Kind: ErrTool, Err: err})
		return errorResult(call, "Error: the tool call failed: "+redact.String(err.Error()))
	}
	// A tool may print a credential it was given (server-everything's get-env does): mask it
	// before it reaches the model, the screen or a transcript.
	return ToolResult{ID: call.ID, Name: name, Content: a.clipRedacted(r.Text), IsError: r.IsError, Parts: r.Parts, Structured: r.Structured}
}

// approved asks the front end, unless the tool was allowed for the session.
func (a *Agent) approved(ctx context.Context, call inference.ToolCall, server string, emit func(Event)) bool {
	return a.approvedAs(ctx, call, server, "", emit)
}

// approvedAs is approved with the question the front end asks ("" for a tool call).
func (a *Agent) approvedAs(ctx context.Context, call inference.ToolCall, server, question string, emit func(Event)) bool {
	if a.Deny {
		return false
	}
	if !a.Ask {
		return true
	}
	name := call.Function.Name
	a.mu.Lock()
	ok := a.allowed[name]
	a.mu.Unlock()
	if ok {
		return true
	}
	reply := make(chan Decision, 1)
	emit(ApprovalRequest{ID: call.ID, Name: name, Server: server, Arguments: call.Function.Arguments, Question: question, Reply: reply})
	select {
	case d := <-reply:
		if d == AllowSession {
			a.mu.Lock()
			if a.allowed == nil {
				a.allowed = map[string]bool{}
			}
			a.allowed[name] = true
			a.mu.Unlock()
		}
		return d != Deny
	case <-ctx.Done():
		return false
	}
}

func lastAssistantText(conv *Conversation) string {
	for i := len(conv.Messages) - 1; i >= 0; i-- {
		if m := conv.Messages[i]; m.Role == "assistant" {
			return m.Content
		}
	}
	return ""
}

// elicitVia turns a server's elicitation request into an ElicitationRequest event and waits
// for the front end's reply; a call that ends first cancels the form.
func elicitVia(emit func(Event)) mcp.ElicitFunc {
	return func(ctx context.Context, req mcp.ElicitationRequest) (mcp.ElicitationReply, error) {
		reply := make(chan ElicitationReply, 1)
		emit(ElicitationRequest{Server: req.Server, Message: req.Message, Schema: req.Schema, Reply: reply})
		select {
		case r := <-reply:
			return mcp.ElicitationReply{Action: r.Action, Content: r.Content}, nil
		case <-ctx.Done():
			return mcp.ElicitationReply{Action: "cancel"}, nil
		}
	}
}

// DefaultMaxResultBytes is the default cap on one tool result's text.
const DefaultMaxResultBytes = 256 << 10

// clipRedacted masks secrets in a tool result and shortens it to the cap, on a UTF-8
// boundary, saying so to the model. Only the part that is kept (and a margin, so that a
// secret across the cut is still masked whole) is scanned for secrets.
func (a *Agent) clipRedacted(text string) string {
	max := a.MaxResultBytes
	if max <= 0 {
		max = DefaultMaxResultBytes
	}
	full := len(text)
	if full <= max {
		return redact.String(text)
	}
	text = redact.String(text[:max+4096])
	if len(text) <= max {
		return text
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + fmt.Sprintf("\n[Output truncated: %d of %d bytes shown. Ask for a smaller part if you need more.]", cut, full)
}
