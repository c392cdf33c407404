package agent

import (
	"encoding/json"

	"github.com/tiny-agents/tiny-agents/mcp"
)

// Event is one thing that happened during a turn. Every front end (TUI, headless text,
// headless JSON, serve) consumes the same events.
type Event interface{ event() }

// ServerInfo is one MCP server as reported in Ready.
type ServerInfo struct {
	Name      string `json:"name"`
	Transport string `json:"transport"`
	Tools     int    `json:"tools"`
	Error     string `json:"error,omitempty"`
	// State is "starting" for a server still connecting when the agent became ready; its
	// tools join later, announced by a Notice.
	State string `json:"state,omitempty"`
}

// Ready says the agent is started: its model, backend, tools and servers.
type Ready struct {
	Model    string
	Provider string
	Endpoint string
	Tools    []string
	Servers  []ServerInfo
	// PromptSource is where the system prompt came from (AGENTS.md, PROMPT.md, built-in).
	PromptSource string
}

// TextDelta is a piece of the answer as it streams.
type TextDelta struct{ Text string }

// ReasoningDelta is a piece of the model's reasoning.
type ReasoningDelta struct{ Text string }

// ToolCallStarted is the first fragment of a tool call: its id and name are known.
type ToolCallStarted struct {
	ID   string
	Name string
}

// ToolCallArgsDelta is a fragment of a tool call's arguments as they stream.
type ToolCallArgsDelta struct {
	ID    string
	Delta string
}

// ToolCallDone is a complete tool call, about to be run (or refused).
type ToolCallDone struct {
	ID        string
	Name      string
	Server    string
	Arguments string
}

// ToolResult is the outcome of one tool call, as sent back to the model.
type ToolResult struct {
	ID      string
	Name    string
	Content string
	IsError bool
	// Parts are the result's content items (images...) for front ends that show them.
	Parts []mcp.Part
	// Structured is the tool's structuredContent, if any.
	Structured json.RawMessage
}

// Decision is the user's answer to an ApprovalRequest.
type Decision int

// The possible decisions.
const (
	Deny Decision = iota
	AllowOnce
	AllowSession
)

// ApprovalRequest asks the front end whether a tool call may run. The front end must send
// exactly one Decision on Reply (buffered, so it never blocks); the turn waits for it.
type ApprovalRequest struct {
	ID        string
	Name      string
	Server    string
	Arguments string
	// Question is what the front end asks, when it is not whether to run a tool (a server
	// asking to use the model); "" for a tool call.
	Question string
	Reply    chan<- Decision
}

// Usage is the token use of one model request.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

// ErrorKind classifies an Error event.
type ErrorKind string

// The kinds of Error events, as in the `error` JSON event.
const (
	ErrAuth      ErrorKind = "auth"
	ErrRateLimit ErrorKind = "rate_limit"
	ErrTimeout   ErrorKind = "timeout"
	ErrHTTP      ErrorKind = "http"
	ErrStream    ErrorKind = "stream"
	ErrTool      ErrorKind = "tool"
	ErrConfig    ErrorKind = "config"
)

// Error is a failure the user should see. The session goes on after it.
type Error struct {
	Kind ErrorKind
	Err  error
}

// StopReason says why a turn ended.
type StopReason string

// The reasons a turn ends, as in the `done` JSON event.
const (
	StopAnswer      StopReason = "answer"
	StopExitTool    StopReason = "exit_tool"
	StopMaxTurns    StopReason = "max_turns"
	StopError       StopReason = "error"
	StopInterrupted StopReason = "interrupted"
)

// Done ends a turn; it is always the last event of a turn.
type Done struct {
	Content string
	Turns   int
	Usage   *Usage
	Stop    StopReason
}

func (Ready) event()             {}
func (TextDelta) event()         {}
func (ReasoningDelta) event()    {}
func (ToolCallStarted) event()   {}
func (ToolCallArgsDelta) event() {}
func (ToolCallDone) event()      {}
func (ToolResult) event()        {}
func (ApprovalRequest) event()   {}
func (Usage) event()             {}
func (Error) event()             {}
func (Done) event()              {}

// ToolProgress is a progress notification from a running tool.
type ToolProgress struct {
	ID       string
	Progress float64
	// Total is zero when the server does not know it.
	Total   float64
	Message string
}

// ElicitationReply is the user's answer to an ElicitationRequest.
type ElicitationReply struct {
	// Action is "accept", "decline" or "cancel".
	Action string
	// Content holds the form's values when Action is "accept".
	Content map[string]any
}

// ElicitationRequest is an MCP server asking the user for input (a form) during a tool call.
// The front end must send exactly one reply on Reply (buffered).
type ElicitationRequest struct {
	Server  string
	Message string
	// Schema is the requested JSON Schema (a flat object of primitive properties).
	Schema json.RawMessage
	Reply  chan<- ElicitationReply
}

// Notice is something the user should know that is not an error of the turn: a slow server
// that joined late, a server's tools that changed, a server that was restarted.
type Notice struct {
	Server string
	Text   string
}

func (ToolProgress) event()       {}
func (ElicitationRequest) event() {}
func (Notice) event()             {}
