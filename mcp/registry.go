package mcp

import (
	"encoding/json"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
)

// rebuildLocked recomputes the tool registry. A name taken by an earlier server (in
// configuration order) is given to the later one with a server prefix (`server__tool`), so
// names are stable across runs whatever order the servers answer in. It returns the renames
// not reported before, as notices.
func (m *Manager) rebuildLocked() []Notice {
	m.tools = m.tools[:0]
	m.byName = map[string]toolRef{}
	var renames []Notice
	for _, s := range m.servers {
		if s.state != stateReady {
			continue
		}
		allowed := map[string]bool{}
		for _, n := range s.cfg.AllowedTools {
			allowed[n] = true
		}
		for _, t := range s.tools {
			if len(allowed) > 0 && !allowed[t.Name] {
				continue
			}
			name := sanitizeToolName(t.Name)
			if prev, taken := m.byName[name]; taken {
				name = sanitizeToolName(s.name + "__" + t.Name)
				for i := 2; ; i++ {
					if _, again := m.byName[name]; !again {
						break
					}
					name = sanitizeToolName(fmt.Sprintf("%s__%s_%d", s.name, t.Name, i))
				}
				key := s.name + "\x00" + t.Name
				if !m.renamed[key] {
					m.renamed[key] = true
					renames = append(renames, Notice{Server: s.name, Text: fmt.Sprintf(
						"tool %q is also on server %s, so this server's is named %q", t.Name, prev.srv.name, name)})
				}
			}
			m.byName[name] = toolRef{srv: s, original: t.Name}
			m.tools = append(m.tools, Tool{Name: name, Original: t.Name, Server: s.name,
				Description: t.Description, InputSchema: inputSchema(t)})
		}
	}
	return renames
}

func (m *Manager) noticeRenames(renames []Notice) {
	for _, n := range renames {
		m.notice(n.Server, n.Text)
	}
}

// sanitizeToolName keeps a name within what OpenAI-compatible APIs accept: [a-zA-Z0-9_-], 64 chars.
func sanitizeToolName(n string) string {
	b := []byte(n)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	if len(b) > 64 {
		b = b[:64]
	}
	return string(b)
}

func inputSchema(t mcp.Tool) json.RawMessage {
	if len(t.RawInputSchema) > 0 {
		return t.RawInputSchema
	}
	b, err := json.Marshal(t.InputSchema)
	if err != nil {
		return json.RawMessage(`{"type":"object"}`)
	}
	return b
}
