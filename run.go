package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/agents"
	"github.com/tiny-agents/tiny-agents/internal/app"
	"github.com/tiny-agents/tiny-agents/internal/debuglog"
	"github.com/tiny-agents/tiny-agents/internal/headless"
	"github.com/tiny-agents/tiny-agents/internal/redact"
	"github.com/tiny-agents/tiny-agents/internal/safetext"
)

type runFlags struct {
	app.Options
	inputs  []string
	prompt  string
	output  string
	yolo    bool
	approve string
	debug   bool
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
	fl.StringVar(&f.Model, "model", "", "model id (overrides the agent's)")
	fl.StringVar(&f.Provider, "provider", "", "inference provider, or auto (overrides the agent's)")
	fl.StringVar(&f.EndpointURL, "endpoint-url", "", "OpenAI-compatible base URL (overrides the agent's)")
	fl.StringVar(&f.APIKey, "api-key", "", "API key for the provider or endpoint")
	fl.StringVar(&f.BillTo, "bill-to", "", "organization billed for Hugging Face routed calls (X-HF-Bill-To)")
	fl.IntVar(&f.MaxTurns, "max-turns", agent.DefaultMaxTurns, "cap on model requests in one user turn")
	fl.DurationVar(&f.Timeout, "timeout", 5*time.Minute, "idle timeout of a model request")
	fl.DurationVar(&f.ToolTimeout, "tool-timeout", 2*time.Minute, "timeout of one MCP tool call")
	fl.BoolVar(&f.yolo, "yolo", false, "run every tool without asking")
	fl.StringVar(&f.approve, "approve", "", "headless tool approval: always (default) or never")
	fl.StringArrayVar(&f.inputs, "input", nil, "answer an agent input: --input ID=VALUE (repeatable)")
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
	if !headlessRun && term.IsTerminal(os.Stdin.Fd()) {
		f.Prompter = agents.TerminalPrompter(os.Stdin, os.Stderr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := app.LoadContext(ctx, f.Options)
	if err != nil {
		f.Debug.Printf("config error: %v", err)
		return err
	}
	for _, w := range cfg.Warnings {
		f.Debug.Printf("warning: %s", w)
		fmt.Fprintln(os.Stderr, "tiny-agents: warning:", safetext.Strip(redact.String(w)))
	}
	for _, n := range cfg.Notices {
		f.Debug.Printf("notice: %s", n)
		fmt.Fprintln(os.Stderr, "tiny-agents:", safetext.Strip(redact.String(n)))
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
	// Servers report late joins and restarts from background goroutines; the printers are
	// safe for that. Notices before ready are already in ready's server list, and ready must
	// come first, so they are only logged.
	var readyOut atomic.Bool
	f.Warn = func(w string) {
		f.Debug.Printf("warning: %s", w)
		fmt.Fprintln(os.Stderr, "tiny-agents: warning:", safetext.Strip(redact.String(w)))
	}
	f.OnNotice = func(n agent.Notice) {
		f.Debug.Printf("notice: server %s: %s", n.Server, n.Text)
		if readyOut.Load() {
			p.Print(n)
		}
	}
	p = readyFirst{p, &readyOut}
	a, err := app.Start(ctx, cfg, f.Options)
	if err != nil {
		return err
	}
	defer a.Close()
	a.Agent.Deny = f.approve == "never"
	if headlessRun {
		return runHeadless(ctx, a, f, p)
	}
	return runLineChat(ctx, a, os.Stdin, os.Stdout, os.Stderr, p)
}

// readyFirst marks when the ready event has been printed.
type readyFirst struct {
	headless.Printer
	out *atomic.Bool
}

func (r readyFirst) Print(ev agent.Event) {
	r.Printer.Print(ev)
	if _, ok := ev.(agent.Ready); ok {
		r.out.Store(true)
	}
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

// runLineChat is the plain chat used when stdin or stdout is not a terminal: a prompt, the
// streamed answer, and a line per tool call. Ctrl+C stops the running turn; EOF quits.
func runLineChat(ctx context.Context, a *app.App, in io.Reader, out, errw io.Writer, p headless.Printer) error {
	fmt.Fprintf(out, "Agent %s ready: model %s, %d tools.\n", a.Config.Name, a.Ready.Model, len(a.Ready.Tools))
	printServerErrors(a.Ready, errw)
	var conv agent.Conversation
	lines := bufio.NewScanner(in)
	lines.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for {
		fmt.Fprint(out, "> ")
		if !lines.Scan() {
			fmt.Fprintln(out)
			return nil
		}
		text := strings.TrimSpace(lines.Text())
		if text == "" {
			continue
		}
		if text == "/quit" || text == "/exit" {
			return nil
		}
		conv.AddUser(text)
		a.Agent.Run(ctx, &conv, p.Print)
		if ctx.Err() != nil {
			return &exitError{code: exitInterrupted}
		}
	}
}
