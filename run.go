package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/agents"
	"github.com/tiny-agents/tiny-agents/internal/app"
	"github.com/tiny-agents/tiny-agents/internal/debuglog"
	"github.com/tiny-agents/tiny-agents/internal/headless"
	"github.com/tiny-agents/tiny-agents/themes"
	"github.com/tiny-agents/tiny-agents/tui"
)

type runFlags struct {
	app.Options
	inputs  []string
	prompt  string
	output  string
	yolo    bool
	approve string
	debug   bool
	theme   string
}

func newRunCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [AGENT]",
		Short: "Chat with an agent, or run one headless turn with -p",
		Long: `Run an agent. AGENT is an agent.json (or a folder holding one, with AGENTS.md or PROMPT.md),
a VS Code mcp.json or a Claude Desktop / Cursor config, a Hub agent id such as
julien-c/flux-schnell-generator, or builtin:NAME. Without AGENT the bundled default
agent runs (file and web tools, an open model through Hugging Face Inference Providers).

With -p PROMPT, one headless turn runs to the end and the answer is printed
(--output text) or every event is printed as JSON Lines (--output json).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				f.Agent = args[0]
			}
			f.Version = version()
			return runAgent(cmd, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.prompt, "prompt", "p", "", "run one headless turn with this user message (- reads it from stdin)")
	fl.StringVar(&f.output, "output", "text", "headless output: text or json")
	addAgentFlags(fl, &f.Options)
	fl.BoolVar(&f.yolo, "yolo", false, "run every tool without asking")
	fl.StringVar(&f.approve, "approve", "", "headless tool approval: always (default) or never")
	fl.StringArrayVar(&f.inputs, "input", nil, "answer an agent input: --input ID=VALUE (repeatable)")
	fl.StringVar(&f.theme, "theme", "auto", "TUI theme: auto (follows the terminal), dark, light, high-contrast, plain, or a file name in "+themes.Dir())
	fl.BoolVar(&f.debug, "debug", false, "write a debug log (secrets redacted) to a file whose path is printed on stderr; TINY_AGENTS_DEBUG=1 does the same")
	return cmd
}

func runAgent(cmd *cobra.Command, f *runFlags) error {
	if f.output != "text" && f.output != "json" {
		return &exitError{code: exitUsage, err: fmt.Errorf("--output must be text or json, not %q", f.output)}
	}
	if f.approve != "" && f.approve != "always" && f.approve != "never" {
		return &exitError{code: exitUsage, err: fmt.Errorf("--approve must be always or never, not %q", f.approve)}
	}
	f.Inputs = map[string]string{}
	for _, kv := range f.inputs {
		id, v, ok := strings.Cut(kv, "=")
		if !ok || id == "" {
			// The argument is not echoed: it may be a secret typed without its ID.
			return &exitError{code: exitUsage, err: errors.New("--input must be ID=VALUE (one of the --input arguments has no ID or no '=')")}
		}
		f.Inputs[id] = v
	}
	headlessRun := cmd.Flags().Changed("prompt")
	if headlessRun && f.prompt == "-" {
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("read the prompt from stdin: %w", err)}
		}
		f.prompt = strings.TrimRight(string(b), "\n")
	}
	// A dumb terminal cannot draw the screen: it gets the line-mode chat, like a pipe.
	interactive := !headlessRun && isTerminal(os.Stdin) && isTerminal(os.Stdout) && os.Getenv("TERM") != "dumb"
	var theme themes.Theme
	if interactive {
		// Checked before anything starts, so a typo costs nothing.
		var err error
		theme, err = themes.Resolve(f.theme, themes.Dir(), os.Getenv("NO_COLOR") != "", true)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
	}
	if f.debug || os.Getenv("TINY_AGENTS_DEBUG") == "1" {
		log, err := debuglog.Open("")
		if err != nil {
			return err
		}
		defer log.Close()
		fmt.Fprintln(os.Stderr, "tiny-agents: debug log:", log.Path())
		log.Printf("tiny-agents %s, args %q", f.Version, os.Args[1:])
		f.Debug = log
	}
	switch {
	case interactive:
		f.Prompter = tui.InputPrompter(theme, os.Stdin, os.Stdout)
	case !headlessRun && isTerminal(os.Stdin):
		f.Prompter = agents.TerminalPrompter(os.Stdin, os.Stderr)
	}
	// In line mode Ctrl+C (SIGINT) stops the running turn, not the program: it gets its own
	// channel there, and only SIGTERM ends the session.
	lineMode := !headlessRun && !interactive
	sigs := []os.Signal{syscall.SIGTERM}
	var interrupts chan os.Signal
	if lineMode {
		interrupts = make(chan os.Signal, 1)
		signal.Notify(interrupts, os.Interrupt)
		defer signal.Stop(interrupts)
	} else {
		sigs = append(sigs, os.Interrupt)
	}
	ctx, stop := signal.NotifyContext(context.Background(), sigs...)
	defer stop()
	cfg, err := app.LoadContext(ctx, f.Options)
	if err != nil {
		f.Debug.Printf("config error: %v", err)
		return err
	}
	var p headless.Printer
	switch {
	case headlessRun && f.output == "json":
		p = headless.NewJSON(os.Stdout)
	case headlessRun:
		p = headless.NewText(os.Stdout, os.Stderr)
	default:
		p = headless.NewText(os.Stdout, os.Stdout)
	}
	out := newNotices(f.Debug, interactive, headlessRun, p, len(cfg.Warnings)+len(cfg.Notices))
	for _, w := range cfg.Warnings {
		out.say("warning: " + w)
	}
	for _, n := range cfg.Notices {
		out.say(n)
	}
	f.OnNotice = out.server
	f.Warn = func(w string) { out.say("warning: " + w) }
	if n := len(cfg.Servers); n > 0 && !headlessRun && isTerminal(os.Stderr) {
		// Start-up can take seconds (npx fetching a server): say what we wait for. The chat
		// screen, when it opens, covers the line.
		fmt.Fprintf(os.Stderr, "tiny-agents: starting %d MCP server%s…\n", n, map[bool]string{true: "s"}[n > 1])
	}
	a, err := app.Start(ctx, cfg, f.Options)
	if err != nil {
		return err
	}
	defer a.Close()
	a.Agent.Deny = f.approve == "never"
	switch {
	case headlessRun:
		return runHeadless(ctx, a, f, out)
	case interactive:
		return runTUI(ctx, a, f, theme, out.screen)
	}
	// Ask before each tool call when a person is at the keyboard (stdin is a terminal and
	// only stdout is redirected); piped input has nobody to ask, as in headless runs.
	a.Agent.Ask = !f.yolo && f.approve == "" && isTerminal(os.Stdin)
	return runLineChat(ctx, a, os.Stdin, os.Stdout, os.Stderr, interrupts, debugEvents(f.Debug, out.Print))
}

func runHeadless(ctx context.Context, a *app.App, f *runFlags, p headless.Printer) error {
	if f.output != "json" {
		printServerErrors(a.Ready, os.Stderr)
	}
	emit := debugEvents(f.Debug, p.Print)
	emit(a.Ready)
	var conv agent.Conversation
	conv.AddUser(f.prompt)
	done := a.Agent.Run(ctx, &conv, emit)
	switch done.Stop {
	case agent.StopError:
		return &exitError{code: exitFailed}
	case agent.StopInterrupted:
		return &exitError{code: exitInterrupted}
	}
	return nil
}

// debugEvents wraps an event sink so that every event is also written to the debug log.
func debugEvents(log *debuglog.Log, emit func(agent.Event)) func(agent.Event) {
	if log == nil {
		return emit
	}
	return func(ev agent.Event) {
		if obj := headless.JSONEvent(ev); obj != nil {
			b, _ := obj.MarshalJSON()
			log.Printf("event %s", b)
		} else {
			log.Printf("event %T %+v", ev, ev)
		}
		emit(ev)
	}
}

func printServerErrors(r agent.Ready, w io.Writer) {
	for _, s := range r.Servers {
		if s.Error != "" {
			fmt.Fprintf(w, "server %s failed: %s\n", s.Name, s.Error)
		}
	}
}

// runTUI runs the interactive chat screen. Every tool call asks for approval unless --yolo,
// and servers' forms (elicitation) are shown to the user.
func runTUI(ctx context.Context, a *app.App, f *runFlags, theme themes.Theme, notices <-chan agent.Notice) error {
	a.Agent.Ask = !f.yolo
	a.Agent.Elicit = true
	auto := (f.theme == "" || f.theme == themes.Auto) && !theme.Plain
	err := tui.Run(ctx, tui.Options{
		AgentName: a.Config.Name,
		Agent:     a.Agent,
		Ready:     a.Ready,
		Servers:   a.Servers,
		Theme:     theme,
		ThemeAuto: auto,
		Notices:   notices,
		Events:    func(emit func(agent.Event)) func(agent.Event) { return debugEvents(f.Debug, emit) },
	}, os.Stdin, os.Stdout)
	if err != nil && ctx.Err() != nil {
		return &exitError{code: exitInterrupted}
	}
	return err
}
