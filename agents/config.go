package agents

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/tiny-agents/tiny-agents/mcp"
)

//go:embed default_prompt.md
var defaultPrompt string

// DefaultPrompt is the system prompt used when an agent has no AGENTS.md or PROMPT.md.
func DefaultPrompt() string { return defaultPrompt }

// Input is a value the agent asks for, referenced as ${input:ID}.
type Input struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	// Type is free text in agent.json; VS Code uses promptString and pickString.
	Type     string `json:"type,omitempty"`
	Password bool   `json:"password,omitempty"`
	// Default is used when no other value is found (VS Code inputs have one).
	Default string `json:"default,omitempty"`
	// Options are the choices of a VS Code pickString input.
	Options []string `json:"options,omitempty"`
}

// EnvName is the environment variable that gives the input a value when none is passed:
// the id upper-cased, with '-' turned into '_' (as both peers do).
func (in Input) EnvName() string {
	return strings.ToUpper(strings.ReplaceAll(in.ID, "-", "_"))
}

// Config is an agent configuration, whatever file format it came from.
type Config struct {
	Model       string             `json:"model,omitempty"`
	Provider    string             `json:"provider,omitempty"`
	EndpointURL string             `json:"endpointUrl,omitempty"`
	APIKey      string             `json:"apiKey,omitempty"`
	BillTo      string             `json:"billTo,omitempty"`
	Inputs      []Input            `json:"inputs,omitempty"`
	Servers     []mcp.ServerConfig `json:"servers"`
}

// The formats Load recognises (Agent.Format).
const (
	FormatTinyAgents = "agent.json" // tiny-agents: servers is an array
	FormatVSCode     = "vscode"     // VS Code mcp.json: servers is an object map, inputs
	FormatMCPServers = "mcpServers" // Claude Desktop, Claude Code, Cursor, Cline...
	FormatBundled    = "bundled"    // an agent carried inside the program
)

// Agent is a loaded agent: its configuration with every input and variable substituted,
// its system prompt, and where they came from.
type Agent struct {
	Config
	// Name is the agent's name (the folder or file name, the Hub id, or the bundled name).
	Name string
	// Path is the file the configuration was read from ("" for a bundled agent).
	Path string
	// Format is the kind of file (FormatTinyAgents, FormatVSCode, ...).
	Format string
	// Prompt is the system prompt; PromptSource names where it came from: "AGENTS.md",
	// "PROMPT.md" or "built-in".
	Prompt       string
	PromptSource string
	// Warnings are problems that did not stop the load (unknown keys, unused inputs). The
	// front end prints them once. They never hold a secret value.
	Warnings []string
	// Notices are things the user should be told once on start (the default model was used,
	// a local server was found, the Hub could not be reached and the cache was used).
	Notices []string

	secrets []string
}

// Secrets are the values that must never be shown: password inputs and the API key. A
// front end that logs requests or configs redacts them.
func (a *Agent) Secrets() []string { return append([]string(nil), a.secrets...) }

// ConfigError is a problem in a configuration file. It names the file, and the line, column
// and field when they are known.
type ConfigError struct {
	File   string
	Line   int
	Column int
	Field  string
	Msg    string
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ConfigErrors is every problem found in one pass over a configuration. errors.As finds
// each *ConfigError in it.
type ConfigErrors []*ConfigError

func (es ConfigErrors) Error() string {
	if len(es) == 1 {
		return es[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems in the agent configuration:", len(es))
	for _, e := range es {
		b.WriteString("\n  ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap gives errors.Is and errors.As every problem.
func (es ConfigErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
