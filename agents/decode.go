package agents

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tiny-agents/tiny-agents/mcp"
)

// decoder turns a parsed file into a Config, collecting every problem instead of stopping at
// the first, and remembering where each string value is so that later checks (inputs,
// URLs, providers) can point at it.
type decoder struct {
	file string
	data []byte
	errs ConfigErrors
	warn []string
	// at maps a field path (servers[0].env.TOKEN) to the offset of its value.
	at map[string]int
	// bases are the field paths of the kept servers, in Config.Servers order.
	bases []string
}

func newDecoder(file string, data []byte) *decoder {
	return &decoder{file: file, data: data, at: map[string]int{}}
}

// errAt records a problem at a byte offset (-1: no position).
func (d *decoder) errAt(off int, field, format string, args ...any) {
	e := &ConfigError{File: d.file, Field: field, Msg: fmt.Sprintf(format, args...)}
	if off >= 0 {
		e.Line, e.Column = position(d.data, off)
	}
	d.errs = append(d.errs, e)
}

// errField records a problem at the value of a field seen earlier.
func (d *decoder) errField(field, format string, args ...any) {
	off, ok := d.at[field]
	if !ok {
		off = -1
	}
	d.errAt(off, field, format, args...)
}

func (d *decoder) warnAt(off int, format string, args ...any) {
	loc := d.file
	if off >= 0 && d.data != nil {
		line, col := position(d.data, off)
		loc = fmt.Sprintf("%s:%d:%d", d.file, line, col)
	}
	d.warn = append(d.warn, loc+": "+fmt.Sprintf(format, args...))
}

func (d *decoder) wrongType(n *node, field, want string) {
	d.errAt(n.off, field, "must be %s, not %s", want, kindName(n.kind))
}

func (d *decoder) str(n *node, field string) string {
	if n == nil || n.kind == 'z' {
		return ""
	}
	if n.kind != 's' {
		d.wrongType(n, field, "a string")
		return ""
	}
	d.at[field] = n.off
	return n.str
}

func (d *decoder) boolean(n *node, field string) bool {
	if n == nil || n.kind == 'z' {
		return false
	}
	if n.kind != 'b' {
		d.wrongType(n, field, "true or false")
		return false
	}
	return n.boolean
}

func (d *decoder) strList(n *node, field string) []string {
	if n == nil || n.kind == 'z' {
		return nil
	}
	if n.kind != 'a' {
		d.wrongType(n, field, "an array of strings")
		return nil
	}
	out := make([]string, 0, len(n.elems))
	for i, e := range n.elems {
		out = append(out, d.str(e, fmt.Sprintf("%s[%d]", field, i)))
	}
	return out
}

func (d *decoder) strMap(n *node, field string) map[string]string {
	if n == nil || n.kind == 'z' {
		return nil
	}
	if n.kind != 'o' {
		d.wrongType(n, field, "an object of strings")
		return nil
	}
	out := make(map[string]string, len(n.members))
	for _, m := range n.members {
		out[m.key] = d.str(m.val, field+"."+m.key)
	}
	return out
}

// knownKeys warns about keys the format does not define: a typo should be visible, but a
// key another program added must not stop the agent.
func (d *decoder) knownKeys(n *node, where string, known, silent []string) {
	for _, m := range n.members {
		if contains(known, m.key) || contains(silent, m.key) {
			continue
		}
		d.warnAt(m.keyOff, "unknown key %q in %s (ignored)", m.key, where)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// detectFormat tells the file formats apart by their shape.
func detectFormat(root *node) (format string, body *node) {
	if m := root.get("mcp"); m != nil && m.kind == 'o' && root.get("servers") == nil && root.get("mcpServers") == nil {
		root = m // VS Code settings.json keeps its MCP servers under "mcp"
	}
	switch {
	case root.get("mcpServers") != nil:
		return FormatMCPServers, root
	case root.get("servers") != nil && root.get("servers").kind == 'o':
		return FormatVSCode, root
	}
	return FormatTinyAgents, root
}

var agentKeys = []string{"model", "provider", "endpointUrl", "apiKey", "billTo", "inputs", "servers"}

// decodeConfig reads the configuration in any of the formats.
func (d *decoder) decodeConfig(root *node) (Config, string) {
	var cfg Config
	if root.kind != 'o' {
		d.wrongType(root, "", "a JSON object")
		return cfg, FormatTinyAgents
	}
	format, root := detectFormat(root)
	cfg.Model = d.str(root.get("model"), "model")
	cfg.Provider = d.str(root.get("provider"), "provider")
	cfg.EndpointURL = d.str(root.get("endpointUrl"), "endpointUrl")
	cfg.APIKey = d.str(root.get("apiKey"), "apiKey")
	cfg.BillTo = d.str(root.get("billTo"), "billTo")
	cfg.Inputs = d.inputs(root.get("inputs"))
	switch format {
	case FormatTinyAgents:
		// "$schema" is what editors add for completion; not a typo.
		d.knownKeys(root, "the agent", agentKeys, []string{"$schema", "name", "description"})
		servers := root.get("servers")
		if servers != nil && servers.kind != 'a' && servers.kind != 'z' {
			d.wrongType(servers, "servers", "an array of servers")
			break
		}
		if servers != nil {
			for i, s := range servers.elems {
				if sc, base, ok := d.server(s, fmt.Sprintf("servers[%d]", i), ""); ok {
					cfg.Servers = append(cfg.Servers, sc)
					d.bases = append(d.bases, base)
				}
			}
		}
	case FormatVSCode, FormatMCPServers:
		// Other programs' files hold other settings (Claude Desktop's preferences, VS Code's
		// "mcp.discovery"...): only the server entries are checked key by key.
		key := "servers"
		if format == FormatMCPServers {
			key = "mcpServers"
		}
		servers := root.get(key)
		if servers.kind != 'o' {
			d.wrongType(servers, key, "an object mapping server names to servers")
			break
		}
		for _, m := range servers.members {
			if servers.get(m.key) != m.val {
				continue // a name given twice: the last entry counts
			}
			if sc, base, ok := d.server(m.val, key+"."+m.key, m.key); ok {
				cfg.Servers = append(cfg.Servers, sc)
				d.bases = append(d.bases, base)
			}
		}
	}
	return cfg, format
}

func (d *decoder) inputs(n *node) []Input {
	if n == nil || n.kind == 'z' {
		return nil
	}
	if n.kind != 'a' {
		d.wrongType(n, "inputs", "an array of inputs")
		return nil
	}
	var out []Input
	seen := map[string]bool{}
	for i, e := range n.elems {
		field := fmt.Sprintf("inputs[%d]", i)
		if e.kind != 'o' {
			d.wrongType(e, field, "an object with an id")
			continue
		}
		d.knownKeys(e, field, []string{"id", "description", "type", "password", "default", "options"}, []string{"command", "args"})
		in := Input{
			ID:          d.str(e.get("id"), field+".id"),
			Description: d.str(e.get("description"), field+".description"),
			Type:        d.str(e.get("type"), field+".type"),
			Password:    d.boolean(e.get("password"), field+".password"),
			Default:     d.str(e.get("default"), field+".default"),
			Options:     d.pickOptions(e.get("options"), field+".options"),
		}
		switch {
		case e.get("id") == nil:
			d.errAt(e.off, field+".id", `an input needs an "id" (used as ${input:ID})`)
			continue
		case in.ID == "":
			continue
		case seen[in.ID]:
			d.errField(field+".id", "input %q is declared twice", in.ID)
			continue
		}
		seen[in.ID] = true
		out = append(out, in)
	}
	return out
}

// pickOptions reads a VS Code pickString's options: strings or {label, value} objects.
func (d *decoder) pickOptions(n *node, field string) []string {
	if n == nil || n.kind != 'a' {
		return d.strList(n, field)
	}
	var out []string
	for i, e := range n.elems {
		if e.kind == 'o' {
			out = append(out, d.str(e.get("value"), fmt.Sprintf("%s[%d].value", field, i)))
			continue
		}
		out = append(out, d.str(e, fmt.Sprintf("%s[%d]", field, i)))
	}
	return out
}

var serverKeys = []string{"type", "name", "command", "args", "env", "cwd", "url", "serverUrl", "headers", "allowed_tools", "config"}

// silentServerKeys are keys other programs define that change nothing here: the Python
// peer's transport timeouts, VS Code's dev settings, Cline's approval lists.
var silentServerKeys = []string{"timeout", "sse_read_timeout", "terminate_on_close", "dev", "gallery", "version",
	"description", "autoApprove", "alwaysAllow", "disabled", "transportType", "envFile"}

var serverTypes = []string{"stdio", "http", "sse", "streamable-http", "streamableHttp", "inprocess"}

// server reads one server entry. ok is false for an entry that must be left out (broken,
// or disabled by its config).
func (d *decoder) server(n *node, field, name string) (mcp.ServerConfig, string, bool) {
	var sc mcp.ServerConfig
	if n.kind != 'o' {
		d.wrongType(n, field, "an object")
		return sc, field, false
	}
	d.knownKeys(n, field, serverKeys, silentServerKeys)
	if d.boolean(n.get("disabled"), field+".disabled") {
		d.warnAt(n.off, "server %s is disabled in the config: not started", field)
		return sc, field, false
	}
	body := n
	// Early tiny-agents configs (and many Hub agents) nest the transport's settings in
	// "config": {"type": "stdio", "config": {"command": ...}}.
	if c := n.get("config"); c != nil {
		if c.kind != 'o' {
			d.wrongType(c, field+".config", "an object")
			return sc, field, false
		}
		body = c
		field += ".config"
		d.knownKeys(c, field, serverKeys, silentServerKeys)
	}
	pick := func(k string) *node {
		if v := body.get(k); v != nil {
			return v
		}
		return n.get(k)
	}
	sc.Name = name
	if nn := d.str(n.get("name"), field+".name"); nn != "" {
		sc.Name = nn
	}
	sc.Type = d.str(n.get("type"), strings.TrimSuffix(field, ".config")+".type")
	sc.Command = d.str(pick("command"), field+".command")
	sc.Args = d.strList(pick("args"), field+".args")
	sc.Env = d.strMap(pick("env"), field+".env")
	sc.Cwd = d.str(pick("cwd"), field+".cwd")
	sc.EnvFile = d.str(pick("envFile"), field+".envFile")
	sc.URL = d.str(pick("url"), field+".url")
	sc.Headers = d.strMap(pick("headers"), field+".headers")
	sc.AllowedTools = d.strList(pick("allowed_tools"), field+".allowed_tools")
	if sc.URL == "" {
		// Cline and some Cursor configs call the URL "serverUrl".
		if v := pick("serverUrl"); v != nil {
			sc.URL = d.str(v, field+".serverUrl")
			d.at[field+".url"] = v.off
		}
	}
	return sc, field, d.checkServer(&sc, n, field)
}

// checkServer checks that a server entry can be started at all.
func (d *decoder) checkServer(sc *mcp.ServerConfig, n *node, field string) bool {
	typeField := strings.TrimSuffix(field, ".config") + ".type"
	switch t := sc.Type; {
	case t == "":
		if sc.Command != "" && sc.URL != "" {
			d.errAt(n.off, field, `has both "command" and "url": set "type" to stdio, http or sse`)
			return false
		}
	case !contains(serverTypes, t) && !contains(serverTypes, strings.ToLower(t)):
		d.errField(typeField, "unknown server type %q: use stdio, http or sse", t)
		return false
	}
	switch sc.Transport() {
	case "stdio":
		if sc.Command == "" {
			if sc.URL != "" {
				d.errField(typeField, `type stdio needs "command", but the server has a "url": use type http or sse`)
			} else if sc.Type == "" {
				d.errAt(n.off, field, `a server needs "command" (stdio) or "url" (http, sse)`)
			} else {
				d.errAt(n.off, field, `a stdio server needs "command"`)
			}
			return false
		}
	case "http", "sse":
		if sc.URL == "" {
			if sc.Type == "" {
				d.errAt(n.off, field, `a server needs "command" (stdio) or "url" (http, sse)`)
			} else {
				d.errAt(n.off, field, `a %s server needs "url"`, sc.Transport())
			}
			return false
		}
		urlField := field + ".url"
		if !strings.Contains(sc.URL, "${") {
			if msg := checkURL(sc.URL); msg != "" {
				d.errField(urlField, "%s", msg)
				return false
			}
		}
	case "inprocess":
		if _, ok := builtinServers[sc.Name]; !ok {
			d.errAt(n.off, field, "unknown in-process server %q: use one of %s", sc.Name, strings.Join(builtinServerNames(), ", "))
			return false
		}
	}
	return true
}

// sortedKeys is a map's keys in order, so that errors come in a stable order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
