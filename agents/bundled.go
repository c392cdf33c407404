package agents

import (
	"embed"
	"io/fs"
	"net/http"
	"sort"
	"strings"

	"github.com/mark3labs/mcp-go/server"

	"github.com/tiny-agents/tiny-agents/internal/localtools"
)

// bundled holds the agents carried inside the program: bundled/NAME/agent.json plus an
// optional AGENTS.md. "default" runs when no AGENT is named.
//
//go:embed bundled
var bundled embed.FS

// BundledPrefix names a bundled agent on the command line: builtin:files.
const BundledPrefix = "builtin:"

// BundledNames lists the bundled agents.
func BundledNames() []string {
	entries, _ := fs.ReadDir(bundled, "bundled")
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// builtinServers are the MCP servers that run inside the program, by the name a config
// gives them with "type": "inprocess".
var builtinServers = map[string]func(Options) *server.MCPServer{
	localtools.Name: func(o Options) *server.MCPServer {
		var hc *http.Client
		if o.FetchClient != nil {
			hc = o.FetchClient
		}
		return localtools.New(localtools.Options{Root: o.workDir(), HTTPClient: hc})
	},
}

func builtinServerNames() []string {
	names := make([]string, 0, len(builtinServers))
	for n := range builtinServers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// bundledFiles returns a bundled agent's agent.json and prompt.
func bundledFiles(name string) (cfg []byte, prompt, promptSource string, ok bool) {
	if strings.ContainsAny(name, `/\.`) || name == "" {
		return nil, "", "", false
	}
	cfg, err := bundled.ReadFile("bundled/" + name + "/agent.json")
	if err != nil {
		return nil, "", "", false
	}
	for _, p := range []string{"AGENTS.md", "PROMPT.md"} {
		if b, err := bundled.ReadFile("bundled/" + name + "/" + p); err == nil {
			return cfg, string(b), p, true
		}
	}
	return cfg, defaultPrompt, "built-in", true
}
