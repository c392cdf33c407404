package mcp

import (
	"net/url"

	mcpserver "github.com/mark3labs/mcp-go/server"
	"path/filepath"
	"strings"
)

// ServerConfig describes one MCP server as an agent configuration names it.
type ServerConfig struct {
	// Name identifies the server in the UI and in tool-name prefixes.
	Name string `json:"name,omitempty"`
	// Type is "stdio", "http" (streamable HTTP) or "sse" (legacy). Empty means stdio when
	// Command is set, else http.
	Type    string            `json:"type,omitempty"`
	Command string            `json:"command,omitempty"`
	Args    []string          `json:"args,omitempty"`
	Env     map[string]string `json:"env,omitempty"`
	Cwd     string            `json:"cwd,omitempty"`
	// EnvFile is a dotenv file whose variables the server also gets (VS Code's envFile);
	// the agents package reads it into Env when it loads the configuration.
	EnvFile string            `json:"envFile,omitempty"`
	URL     string            `json:"url,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	// AllowedTools, when set, limits the server's tools to these names.
	AllowedTools []string `json:"allowed_tools,omitempty"`
	// InProcess is a server running inside this program (transport "inprocess").
	InProcess *mcpserver.MCPServer `json:"-"`
}

// Transport is the transport the server is reached by: stdio, sse, http or inprocess.
func (c ServerConfig) Transport() string {
	switch strings.ToLower(c.Type) {
	case "sse":
		return "sse"
	case "http", "streamable-http", "streamablehttp":
		return "http"
	case "stdio":
		return "stdio"
	case "inprocess":
		return "inprocess"
	}
	if c.InProcess != nil {
		return "inprocess"
	}
	if c.Command != "" {
		return "stdio"
	}
	return "http"
}

// DisplayName is the name of the server: its Name, else one derived from the command or URL.
func (c ServerConfig) DisplayName() string {
	if c.Name != "" {
		return c.Name
	}
	if c.Command != "" {
		// For `npx -y @scope/pkg` or `node path/to/index.js` the package or script says more
		// than the launcher.
		base := filepath.Base(c.Command)
		for _, a := range c.Args {
			if strings.HasPrefix(a, "-") {
				continue
			}
			if base == "npx" || base == "uvx" || base == "node" || base == "python" || base == "python3" || base == "bunx" || base == "deno" {
				return deriveFromArg(a)
			}
			break
		}
		return base
	}
	if u, err := url.Parse(c.URL); err == nil && u.Host != "" {
		return u.Host
	}
	return c.URL
}

func deriveFromArg(a string) string {
	a = strings.TrimSuffix(a, "@latest")
	if strings.Contains(a, "node_modules/") {
		// .../node_modules/@scope/server-x/dist/index.js -> server-x
		rest := a[strings.LastIndex(a, "node_modules/")+len("node_modules/"):]
		parts := strings.Split(rest, "/")
		if strings.HasPrefix(parts[0], "@") && len(parts) > 1 {
			return parts[1]
		}
		return parts[0]
	}
	if i := strings.LastIndex(a, "/"); i >= 0 && strings.HasPrefix(a, "@") {
		return a[i+1:]
	}
	base := filepath.Base(a)
	return strings.TrimSuffix(base, filepath.Ext(base))
}
