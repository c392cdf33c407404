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
	"time"

	"github.com/spf13/cobra"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/internal/app"
	"github.com/tiny-agents/tiny-agents/internal/headless"
	"github.com/tiny-agents/tiny-agents/themes"
	"github.com/tiny-agents/tiny-agents/tui"
)

type runFlags struct {
	app.Options
	prompt  string
	output  string
	yolo    bool
	approve string
	theme   string
}

func newRunCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [AGENT]",
		Short: "Chat with an agent, or run one headless turn with -p",
		Long: `Run an agent. AGENT is an agent.json (or a folder holding one, with AGENTS.md or PROMPT.md).

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
	fl.StringVar(&f.theme, "theme", "auto", "TUI theme: auto (follows the terminal), dark, light, high-contrast, plain, or a file name in "+themes.Dir())
	return cmd
}

func runAgent(cmd *cobra.Command, f *runFlags) error {
	if f.output != "text" && f.output != "json" {
		return &exitError{code: exitUsage, err: fmt.Errorf("--output must be text or json, not %q", f.output)}
	}
	if f.approve != "" && f.approve != "always" && f.approve != "never" {
		return &exitError{code: exitUsage, err: fmt.Errorf("--approve must be always or never, not %q", f.approve)}
	}
	if f.Agent == "" {
		return &exitError{code: exitUsage, err: errors.New("name an agent: tiny-agents run ./my-agent (a folder with agent.json, or an agent.json file)")}
	}
	headlessRun := cmd.Flags().Changed("prompt")
	if headlessRun && f.prompt == "-" {
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("read the prompt from stdin: %w", err)}
		}
		f.prompt = strings.TrimRight(string(b), "\n")
	}
	cfg, err := app.Load(f.Options)
	if err != nil {
		return err
	}
	// A dumb terminal cannot draw the screen: it gets the line-mode chat, like a pipe.
	interactive := !headlessRun && isTerminal(os.Stdin) && isTerminal(os.Stdout) && os.Getenv("TERM") != "dumb"
	var theme themes.Theme
	if interactive {
		// Checked before the servers start, so a typo costs nothing.
		theme, err = themes.Resolve(f.theme, themes.Dir(), os.Getenv("NO_COLOR") != "", true)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
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
	a, err := app.Start(ctx, cfg, f.Options)
	if err != nil {
		return err
	}
	defer a.Close()
	a.Agent.Deny = f.approve == "never"
	if headlessRun {
		return runHeadless(ctx, a, f)
	}
	if interactive {
		return runTUI(ctx, a, f, theme)
	}
	// Ask before each tool call when a person is at the keyboard (stdin is a terminal and
	// only stdout is redirected); piped input has nobody to ask, as in headless runs.
	a.Agent.Ask = !f.yolo && f.approve == "" && isTerminal(os.Stdin)
	return runLineChat(ctx, a, os.Stdin, os.Stdout, os.Stderr, interrupts)
}

func runHeadless(ctx context.Context, a *app.App, f *runFlags) error {
	var p headless.Printer
	if f.output == "json" {
		p = headless.NewJSON(os.Stdout)
	} else {
		p = headless.NewText(os.Stdout, os.Stderr)
		printServerErrors(a.Ready, os.Stderr)
	}
	p.Print(a.Ready)
	var conv agent.Conversation
	conv.AddUser(f.prompt)
	done := a.Agent.Run(ctx, &conv, p.Print)
	switch done.Stop {
	case agent.StopError:
		return &exitError{code: exitFailed}
	case agent.StopInterrupted:
		return &exitError{code: exitInterrupted}
	}
	return nil
}

func printServerErrors(r agent.Ready, w io.Writer) {
	for _, s := range r.Servers {
		if s.Error != "" {
			fmt.Fprintf(w, "server %s failed: %s\n", s.Name, s.Error)
		}
	}
}

// runTUI runs the interactive chat screen. Every tool call asks for approval unless --yolo.
func runTUI(ctx context.Context, a *app.App, f *runFlags, theme themes.Theme) error {
	a.Agent.Ask = !f.yolo
	auto := (f.theme == "" || f.theme == themes.Auto) && !theme.Plain
	err := tui.Run(ctx, tui.Options{
		AgentName: a.Config.Name,
		Agent:     a.Agent,
		Ready:     a.Ready,
		Servers:   a.Servers,
		Theme:     theme,
		ThemeAuto: auto,
	}, os.Stdin, os.Stdout)
	if err != nil && ctx.Err() != nil {
		return &exitError{code: exitInterrupted}
	}
	return err
}
