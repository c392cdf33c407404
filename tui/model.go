// Package tui is the interactive terminal chat: one root Bubble Tea model (Model) that owns
// plain sub-components (transcript items, tool panels, forms) which render themselves with
// their own caches. The agent runs in a goroutine; its events reach the model in batches of
// at most one per frame (see bridge.go).
package tui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/mcp"
	"github.com/tiny-agents/tiny-agents/themes"
)

// Servers is what the TUI reads about the MCP servers; *mcp.Manager is one.
type Servers interface {
	Servers() []mcp.ServerStatus
	Stderr(name string) string
	Tools() []mcp.Tool
}

// Options configure the chat screen.
type Options struct {
	// AgentName is shown in the status bar.
	AgentName string
	// Agent runs the turns; nil means there is no model (tests feed events directly).
	Agent *agent.Agent
	// Ready describes the model and the servers.
	Ready agent.Ready
	// Servers backs /tools and /servers; may be nil.
	Servers Servers
	// Theme is the theme to start with.
	Theme themes.Theme
	// ThemeAuto switches between the dark and light themes to match the terminal's
	// background when the terminal reports it.
	ThemeAuto bool
	// ThemeDir holds user theme files (themes.Dir() by default).
	ThemeDir string
	// ExportDir is where /export writes when given no path (the working folder by default).
	ExportDir string
	// Now is the clock (time.Now by default); tests fix it.
	Now func() time.Time
	// Context ends the session when cancelled.
	Context context.Context
	// Notices are things to show that happen outside a turn (a server that joined late, a
	// warning from the model client); may be nil.
	Notices <-chan agent.Notice
	// Events, when set, wraps the sink of every turn's events (the --debug log uses it).
	Events func(emit func(agent.Event)) func(agent.Event)
}

// state is what the session is doing, as the status bar says it.
type state int

const (
	stateReady state = iota
	stateStreaming
	stateTool
	stateApproval
	stateForm
	stateStopping
)

func (s state) String() string {
	return [...]string{"ready", "streaming", "running tool", "waiting for approval", "waiting for your answer", "stopping"}[s]
}

// pendingApproval is an ApprovalRequest waiting for the user, with its panel.
type pendingApproval struct {
	req   agent.ApprovalRequest
	panel *toolItem
}

// pendingForm is an elicitation waiting for the user.
type pendingForm struct {
	req  agent.ElicitationRequest
	form *form
}

// Model is the root model of the chat screen.
type Model struct {
	opts  Options
	keys  keyMap
	theme themes.Theme
	md    *mdRenderers
	gen   int

	width, height int
	tr            *transcript
	input         textarea.Model
	inputCache    struct {
		key   inputKey
		lines []string
	}
	help     help.Model
	showHelp bool

	history []string
	histIdx int // len(history) when not browsing
	draft   string
	compSel int

	conv      agent.Conversation
	running   bool
	stopping  bool
	cancel    context.CancelFunc
	bridge    *bridge
	live      *assistantItem
	tools     map[string]*toolItem
	lastTool  *toolItem
	approvals []pendingApproval
	forms     []pendingForm
	model     string

	tokens int
	// serversUp and serversTotal are the status bar's server count, refreshed when a turn
	// ends or a server sends a notice (not on every frame).
	serversUp, serversTotal int
	quitArmed               bool
	quitting                bool
	now                     time.Time
	ticking                 bool
	spin                    int
	lastAnswer              string
}

// New makes the chat screen's model.
func New(opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	if opts.ThemeDir == "" {
		opts.ThemeDir = themes.Dir()
	}
	if opts.Theme.Name == "" {
		opts.Theme = themes.Dark()
	}
	m := &Model{
		opts:   opts,
		keys:   defaultKeys(),
		tr:     newTranscript(),
		help:   help.New(),
		bridge: newBridge(),
		tools:  map[string]*toolItem{},
		model:  opts.Ready.Model,
		now:    opts.Now(),
		width:  80,
		height: 24,
	}
	m.input = newInput()
	if opts.Notices != nil {
		go m.forwardNotices(opts.Notices)
	}
	m.refreshServers()
	m.setTheme(opts.Theme)
	m.layout()
	return m
}

func (m *Model) setTheme(t themes.Theme) {
	m.theme = t
	m.md = newMDRenderers(t.Markdown)
	m.gen++
	m.help.Styles = help.DefaultStyles(t.Dark)
	if t.Plain {
		m.help.Styles = help.Styles{}
	}
	styleInput(&m.input, t)
}

// Init starts listening to the agent and asks the terminal for its background colour.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.bridge.next()}
	if m.opts.ThemeAuto {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

// State is what the session is doing (for tests and the status bar).
func (m *Model) State() string { return m.state().String() }

func (m *Model) state() state {
	switch {
	case len(m.forms) > 0:
		return stateForm
	case len(m.approvals) > 0:
		return stateApproval
	case m.stopping:
		return stateStopping
	case !m.running:
		return stateReady
	}
	for _, t := range m.tools {
		if t.state == toolRunning {
			return stateTool
		}
	}
	return stateStreaming
}

// testHooks lets tests add messages of their own; nil outside tests.
var testHooks func(m *Model, msg tea.Msg) (tea.Cmd, bool)

// Update handles one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if testHooks != nil {
		if cmd, ok := testHooks(m, msg); ok {
			return m, cmd
		}
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tea.BackgroundColorMsg:
		if m.opts.ThemeAuto {
			m.setTheme(themes.ForBackground(msg.IsDark()))
		}
		return m, nil
	case eventsMsg:
		m.now = m.opts.Now()
		cmd := m.applyEvents(msg.events)
		return m, tea.Batch(m.bridge.next(), cmd, m.ensureTick())
	case turnDoneMsg:
		return m, nil
	case tickMsg:
		m.ticking = false
		m.now = m.opts.Now()
		m.spin++
		return m, m.ensureTick()
	case exportedMsg:
		if msg.err != nil {
			m.note(noteError, "Export failed: "+msg.err.Error())
		} else {
			m.note(noteInfo, "Exported the conversation to "+msg.path)
		}
		return m, nil
	case noteMsg:
		m.note(noteInfo, strings.Replace(msg.text, "%s", m.theme.Name, 1))
		return m, nil
	case themeMsg:
		if msg.err != nil {
			m.note(noteError, msg.err.Error())
		} else {
			m.opts.ThemeAuto = false
			m.setTheme(msg.theme)
			m.note(noteInfo, "Theme: "+msg.theme.Name)
		}
		return m, nil
	case tea.PasteMsg:
		if f := m.activeForm(); f != nil {
			f.paste(msg.Content)
			return m, nil
		}
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		m.layout()
		return m, cmd
	case tea.MouseWheelMsg:
		n := 0
		switch msg.Button {
		case tea.MouseWheelUp:
			n = -3
		case tea.MouseWheelDown:
			n = 3
		}
		// Over an expanded long tool result, the wheel scrolls the result until its end.
		if i := m.tr.itemAt(msg.Y); i >= 0 {
			if t, ok := m.tr.items[i].(*toolItem); ok && t.scrollResult(n) {
				return m, nil
			}
		}
		m.scroll(n)
		return m, nil
	case tea.MouseClickMsg:
		if msg.Button == tea.MouseLeft {
			m.toggleAt(msg.Y)
		}
		return m, nil
	case tea.KeyPressMsg:
		m.now = m.opts.Now()
		return m.handleKey(msg)
	}
	return m, nil
}

// tickMsg animates spinners and elapsed times while a tool runs.
type tickMsg struct{}

func (m *Model) ensureTick() tea.Cmd {
	if m.ticking || m.state() != stateTool {
		return nil
	}
	m.ticking = true
	return tea.Tick(100*time.Millisecond, func(time.Time) tea.Msg { return tickMsg{} })
}

func (m *Model) renderCtx() *renderCtx {
	frames := []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
	return &renderCtx{theme: &m.theme, md: m.md, gen: m.gen, now: m.now, spinner: frames[m.spin%len(frames)]}
}

// refreshServers counts the servers that are up, from the manager when there is one.
func (m *Model) refreshServers() {
	m.serversUp, m.serversTotal = 0, 0
	if m.opts.Servers != nil {
		for _, s := range m.opts.Servers.Servers() {
			m.serversTotal++
			if s.Err == nil {
				m.serversUp++
			}
		}
		return
	}
	for _, s := range m.opts.Ready.Servers {
		m.serversTotal++
		if s.Error == "" {
			m.serversUp++
		}
	}
}

// note adds a notice or an error to the transcript.
func (m *Model) note(kind noteKind, text string) {
	m.tr.add(&noteItem{kind: kind, text: text})
	m.tr.grew()
}

func (m *Model) activeForm() *form {
	if len(m.forms) > 0 {
		return m.forms[0].form
	}
	return nil
}

// quit ends the session: the running turn is cancelled, the bridge stops.
func (m *Model) quit() (tea.Model, tea.Cmd) {
	m.quitting = true
	if m.cancel != nil {
		m.cancel()
	}
	m.denyPending()
	m.bridge.close()
	return m, tea.Quit
}

// Quitting says the user asked to quit.
func (m *Model) Quitting() bool { return m.quitting }

// denyPending answers every open question so the agent goroutine never waits forever.
func (m *Model) denyPending() {
	for _, a := range m.approvals {
		a.req.Reply <- agent.Deny
	}
	m.approvals = nil
	for _, f := range m.forms {
		f.req.Reply <- agent.ElicitationReply{Action: "cancel"}
	}
	m.forms = nil
}

// forwardNotices feeds notices from outside a turn into the event bridge, until the session
// ends.
func (m *Model) forwardNotices(ch <-chan agent.Notice) {
	for {
		select {
		case n := <-ch:
			m.bridge.emit(n)
		case <-m.bridge.closed:
			return
		}
	}
}
