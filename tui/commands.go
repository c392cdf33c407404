package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/internal/safetext"
	"github.com/tiny-agents/tiny-agents/themes"
)

// command is a / command of the prompt.
type command struct {
	name, args, desc string
	run              func(m *Model, arg string) tea.Cmd
}

var commands []command

func init() {
	commands = []command{
		{"/help", "", "keys and commands", (*Model).cmdHelp},
		{"/tools", "", "the tools of every server", (*Model).cmdTools},
		{"/servers", "", "server states, errors and stderr log", (*Model).cmdServers},
		{"/clear", "", "start a new conversation", (*Model).cmdClear},
		{"/model", "[id]", "show or change the model", (*Model).cmdModel},
		{"/theme", "[name]", "list themes or switch", (*Model).cmdTheme},
		{"/copy", "", "copy the last answer (OSC 52)", (*Model).cmdCopy},
		{"/export", "[file.md]", "save the conversation as Markdown", (*Model).cmdExport},
		{"/quit", "", "quit", nil}, // handled in runCommand: quitting needs the model's cleanup
	}
}

func (m *Model) runCommand(text string) (tea.Model, tea.Cmd) {
	name, arg, _ := strings.Cut(text, " ")
	arg = strings.TrimSpace(arg)
	if name == "/exit" {
		name = "/quit"
	}
	for _, c := range commands {
		if c.name == name {
			if c.name == "/quit" {
				return m.quit()
			}
			return m, c.run(m, arg)
		}
	}
	m.note(noteError, fmt.Sprintf("Unknown command %s. Type /help for the list.", name))
	return m, nil
}

func (m *Model) cmdHelp(string) tea.Cmd {
	m.showHelp = true
	return nil
}

func (m *Model) cmdTools(string) tea.Cmd {
	if m.opts.Servers == nil {
		m.note(noteInfo, "No MCP servers.")
		return nil
	}
	tools := m.opts.Servers.Tools()
	if len(tools) == 0 {
		m.note(noteInfo, "No tools: no server is up, or they offer none. See /servers.")
		return nil
	}
	byServer := map[string][]string{}
	var servers []string
	for _, t := range tools {
		if _, ok := byServer[t.Server]; !ok {
			servers = append(servers, t.Server)
		}
		desc := firstLine(t.Description)
		line := "  " + t.Name
		if desc != "" {
			line += " — " + desc
		}
		byServer[t.Server] = append(byServer[t.Server], line)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s:\n", plural(len(tools), "tool"))
	for _, s := range servers {
		fmt.Fprintf(&b, "%s\n%s\n", s, strings.Join(byServer[s], "\n"))
	}
	m.note(noteInfo, safetext.Strip(strings.TrimRight(b.String(), "\n")))
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return s
}

// stderrLines is how much of a server's stderr log /servers shows.
const stderrLines = 8

func (m *Model) cmdServers(string) tea.Cmd {
	if m.opts.Servers == nil {
		m.note(noteInfo, "No MCP servers.")
		return nil
	}
	st := m.opts.Servers.Servers()
	if len(st) == 0 {
		m.note(noteInfo, "No MCP servers are configured.")
		return nil
	}
	var b strings.Builder
	for _, s := range st {
		state := "up, " + plural(s.Tools, "tool")
		if s.Err != nil {
			state = "failed: " + s.Err.Error()
		}
		fmt.Fprintf(&b, "%s (%s): %s\n", s.Name, s.Transport, state)
		if log := strings.TrimSpace(m.opts.Servers.Stderr(s.Name)); log != "" {
			lines := strings.Split(log, "\n")
			if len(lines) > stderrLines {
				lines = lines[len(lines)-stderrLines:]
			}
			fmt.Fprintf(&b, "  stderr (last %s):\n", plural(len(lines), "line"))
			for _, l := range lines {
				b.WriteString("  │ " + l + "\n")
			}
		}
	}
	m.note(noteInfo, safetext.Strip(strings.TrimRight(b.String(), "\n")))
	return nil
}

func (m *Model) cmdClear(string) tea.Cmd {
	if m.running {
		m.note(noteInfo, "Stop the running turn first (ctrl+c).")
		return nil
	}
	m.tr.clear()
	m.conv = agent.Conversation{}
	m.live, m.lastTool, m.lastAnswer = nil, nil, ""
	m.tools = map[string]*toolItem{}
	return nil
}

func (m *Model) cmdModel(arg string) tea.Cmd {
	if arg == "" {
		m.note(noteInfo, fmt.Sprintf("Model %s via %s. /model ID switches for the next turns.", m.model, m.backend()))
		return nil
	}
	if m.running {
		m.note(noteInfo, "Stop the running turn first (ctrl+c).")
		return nil
	}
	if m.opts.Agent == nil {
		m.note(noteError, "No model is connected.")
		return nil
	}
	m.opts.Agent.Request.Model = arg
	m.model = arg
	m.note(noteInfo, "Model: "+arg+" (for the next turns)")
	return nil
}

// themeMsg carries a theme loaded off the Update path (user themes are files).
type themeMsg struct {
	theme themes.Theme
	err   error
}

func (m *Model) cmdTheme(arg string) tea.Cmd {
	dir := m.opts.ThemeDir
	if arg == "" {
		return func() tea.Msg {
			names := themes.Names(dir)
			return noteMsg{fmt.Sprintf("Theme %s. Themes: %s. User themes go in %s.", "%s", strings.Join(names, ", "), dir)}
		}
	}
	return func() tea.Msg {
		t, err := themes.Load(arg, dir)
		return themeMsg{t, err}
	}
}

// noteMsg is a notice produced by a command; %s in it is replaced with the theme name.
type noteMsg struct{ text string }

func (m *Model) cmdCopy(string) tea.Cmd {
	if m.lastAnswer == "" {
		m.note(noteInfo, "Nothing to copy yet.")
		return nil
	}
	m.note(noteInfo, fmt.Sprintf("Copied the last answer (%s) to the clipboard.", plural(len([]rune(m.lastAnswer)), "character")))
	return tea.SetClipboard(m.lastAnswer)
}

// exportedMsg reports the end of an /export.
type exportedMsg struct {
	path string
	err  error
}

func (m *Model) cmdExport(arg string) tea.Cmd {
	doc := m.Markdown()
	path := arg
	if path == "" {
		path = filepath.Join(m.opts.ExportDir, "tiny-agents-"+m.now.Format("20060102-150405")+".md")
	}
	return func() tea.Msg {
		if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
			return exportedMsg{path, err}
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			abs = path
		}
		return exportedMsg{abs, nil}
	}
}

// Markdown is the conversation as a Markdown document.
func (m *Model) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", m.opts.AgentName)
	fmt.Fprintf(&b, "Model %s via %s, exported %s.\n\n", m.model, m.backend(), m.now.Format(time.RFC3339))
	for _, it := range m.tr.items {
		if s := it.markdown(); s != "" {
			b.WriteString(s)
			b.WriteString("\n")
		}
	}
	return b.String()
}

// commandNames lists the commands (for tests and help).
func commandNames() []string {
	var out []string
	for _, c := range commands {
		out = append(out, c.name)
	}
	sort.Strings(out)
	return out
}

// backend says where the model runs: the provider, or the endpoint's URL.
func (m *Model) backend() string {
	if r := m.opts.Ready; r.Provider != "" {
		return r.Provider
	} else if r.Endpoint != "" {
		return r.Endpoint
	}
	return "an unknown backend"
}
