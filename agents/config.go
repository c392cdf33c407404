package agents

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
	Type        string `json:"type,omitempty"`
	Password    bool   `json:"password,omitempty"`
}

// Config is an agent.json.
type Config struct {
	Model       string             `json:"model,omitempty"`
	Provider    string             `json:"provider,omitempty"`
	EndpointURL string             `json:"endpointUrl,omitempty"`
	APIKey      string             `json:"apiKey,omitempty"`
	BillTo      string             `json:"billTo,omitempty"`
	Inputs      []Input            `json:"inputs,omitempty"`
	Servers     []mcp.ServerConfig `json:"servers"`
}

// Agent is a loaded agent: its configuration, system prompt and where they came from.
type Agent struct {
	Config
	// Name is the agent's name (the folder or file name, or the Hub id).
	Name string
	// Path is the file the configuration was read from.
	Path string
	// Prompt is the system prompt; PromptSource names where it came from.
	Prompt       string
	PromptSource string
}

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

// Load reads an agent from a file or a folder.
func Load(arg string) (*Agent, error) {
	st, err := os.Stat(arg)
	if err != nil {
		return nil, &ConfigError{File: arg, Msg: "no such file or folder"}
	}
	if st.IsDir() {
		return loadDir(arg)
	}
	return loadFile(arg, nil)
}

func loadDir(dir string) (*Agent, error) {
	path := filepath.Join(dir, "agent.json")
	if _, err := os.Stat(path); err != nil {
		return nil, &ConfigError{File: dir, Msg: "the folder has no agent.json"}
	}
	a, err := loadFile(path, nil)
	if err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(dir)
	a.Name = filepath.Base(abs)
	// AGENTS.md wins over PROMPT.md, as in the JS peer (the Python peer checks PROMPT.md first).
	for _, name := range []string{"AGENTS.md", "PROMPT.md"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			a.Prompt, a.PromptSource = string(b), name
			break
		}
	}
	return a, nil
}

func loadFile(path string, _ []byte) (*Agent, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{File: path, Msg: err.Error()}
	}
	var cfg Config
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, jsonError(path, data, err)
	}
	base := filepath.Base(path)
	a := &Agent{Config: cfg, Path: path, Name: strings.TrimSuffix(base, filepath.Ext(base)),
		Prompt: defaultPrompt, PromptSource: "built-in"}
	return a, nil
}

// jsonError turns a decoding error into a ConfigError with the line and column.
func jsonError(path string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return &ConfigError{File: path, Line: line, Column: col, Msg: "invalid JSON: " + syn.Error()}
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		return &ConfigError{File: path, Line: line, Column: col, Field: typ.Field,
			Msg: fmt.Sprintf("expected %s, found JSON %s", typ.Type, typ.Value)}
	}
	return &ConfigError{File: path, Msg: err.Error()}
}

// position converts a byte offset into a 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col = 1, 1
	for _, c := range data[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
