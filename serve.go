package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/internal/app"
	"github.com/tiny-agents/tiny-agents/internal/redact"
	"github.com/tiny-agents/tiny-agents/internal/safetext"
	"github.com/tiny-agents/tiny-agents/internal/serve"
)

// serveKeyEnv holds the bearer token of `serve` (safer than the flag, which `ps` shows).
const serveKeyEnv = "TINY_AGENTS_SERVE_KEY"

type serveFlags struct {
	app.Options
	host       string
	port       int
	yolo       bool
	allowTools []string
	serveKey   string
	drain      time.Duration
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve [AGENT]",
		Short: "Serve an agent as an OpenAI-compatible HTTP endpoint",
		Long: `Serve an agent as an OpenAI-compatible chat-completion endpoint:
POST /v1/chat/completions, GET /v1/models, GET /health.

The agent's MCP servers start once and are shared; every request runs the agent loop on
its own messages. Nobody is there to approve tool calls, so either --yolo (run every
tool) or --allow-tools a,b (run only these; other calls are refused) is required when the
agent has MCP servers.

It listens on 127.0.0.1 unless --host says otherwise. Set a bearer token with
TINY_AGENTS_SERVE_KEY (or --serve-key) before listening anywhere else.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				f.Agent = args[0]
			}
			f.Version = version()
			return serveAgent(cmd, &f, os.Stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.host, "host", "127.0.0.1", "address to listen on (0.0.0.0 listens on every interface)")
	fl.IntVar(&f.port, "port", 9999, "port to listen on (0 picks a free one)")
	fl.BoolVar(&f.yolo, "yolo", false, "run every tool the model calls")
	fl.StringSliceVar(&f.allowTools, "allow-tools", nil, "run only these tools (comma-separated names as the model sees them); other calls are refused")
	fl.StringVar(&f.serveKey, "serve-key", "", "bearer token every request must carry (default $"+serveKeyEnv+")")
	fl.DurationVar(&f.drain, "shutdown-timeout", 30*time.Second, "on SIGINT/SIGTERM, how long requests in flight may finish before they are cancelled")
	addAgentFlags(fl, &f.Options)
	return cmd
}

func serveAgent(cmd *cobra.Command, f *serveFlags, errw io.Writer) error {
	if f.Agent == "" {
		return usageErr("name an agent: tiny-agents serve ./my-agent (a folder with agent.json, or an agent.json file)")
	}
	if f.port < 0 || f.port > 65535 {
		return usageErr("--port must be between 0 and 65535, not %d", f.port)
	}
	allowSet := cmd.Flags().Changed("allow-tools")
	if f.yolo && allowSet {
		return usageErr("--yolo runs every tool and --allow-tools only some: give one of them")
	}
	if f.drain <= 0 {
		return usageErr("--shutdown-timeout must be positive")
	}
	key := f.serveKey
	if key == "" {
		key = os.Getenv(serveKeyEnv)
	}
	cfg, err := app.Load(f.Options)
	if err != nil {
		return err
	}
	if len(cfg.Servers) > 0 && !f.yolo && !allowSet {
		return usageErr("serve runs tools with nobody there to approve them: pass --yolo to run every tool the model calls, " +
			"or --allow-tools NAME,... to run only those (other calls are refused; --allow-tools '' refuses all)")
	}
	// Listen before starting the MCP servers: a busy port fails at once, with nothing to stop.
	ln, err := net.Listen("tcp", net.JoinHostPort(f.host, strconv.Itoa(f.port)))
	if err != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("listen on %s:%d: %w", f.host, f.port, err)}
	}
	defer ln.Close()
	loopback := isLoopback(f.host)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	f.Warn = func(w string) {
		fmt.Fprintln(os.Stderr, "tiny-agents: warning:", safetext.Strip(redact.String(w)))
	}
	a, err := app.Start(ctx, cfg, f.Options)
	if err != nil {
		return err
	}
	defer a.Close()
	a.Agent.Ask, a.Agent.Deny = false, false
	if allowSet {
		a.Agent.AllowTools = allowList(f.allowTools, a.Ready.Tools, errw)
	}

	h := serve.New(serve.Options{
		Agent:        a.Agent,
		ModelID:      cfg.Name,
		Backend:      cfg.Model,
		Key:          key,
		LoopbackOnly: loopback && key == "",
		Servers:      func() []agent.ServerInfo { return serverInfo(a) },
		Log:          errw,
	})
	printServeBanner(errw, a, ln.Addr().String(), f, key != "", loopback)

	// The first signal drains; a second one cancels the requests still running.
	served := make(chan struct{})
	defer close(served)
	go func() {
		select {
		case <-ctx.Done():
		case <-served:
			return
		}
		fmt.Fprintf(errw, "shutting down: waiting up to %s for requests in flight (signal again to cancel them)\n", f.drain)
		again := make(chan os.Signal, 1)
		signal.Notify(again, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(again)
		select {
		case <-again:
			h.CancelRuns()
		case <-served:
		}
	}()
	if err := h.Serve(ctx, ln, f.drain); err != nil && !errors.Is(err, context.Canceled) {
		return &exitError{code: exitFailed, err: err}
	}
	fmt.Fprintln(errw, "stopped")
	return nil
}

// allowList builds the set of allowed tools and warns about names no server offers (a typo,
// or a server that failed to start).
func allowList(names, tools []string, errw io.Writer) map[string]bool {
	known := map[string]bool{}
	for _, t := range tools {
		known[t] = true
	}
	set := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		set[n] = true
		if !known[n] {
			fmt.Fprintf(errw, "warning: --allow-tools names %q, which no server offers (tools: %s)\n", n, strings.Join(tools, ", "))
		}
	}
	return set
}

func serverInfo(a *app.App) []agent.ServerInfo {
	var out []agent.ServerInfo
	for _, s := range a.Servers.Servers() {
		info := agent.ServerInfo{Name: s.Name, Transport: s.Transport, Tools: s.Tools}
		if s.Err != nil {
			info.Error = safetext.Strip(s.Err.Error())
		}
		out = append(out, info)
	}
	return out
}

func printServeBanner(w io.Writer, a *app.App, addr string, f *serveFlags, hasKey, loopback bool) {
	backend := a.Ready.Provider
	if a.Ready.Endpoint != "" {
		backend = a.Ready.Endpoint
	}
	fmt.Fprintf(w, "agent %s: model %s via %s\n", a.Config.Name, a.Ready.Model, backend)
	fmt.Fprintf(w, "tools (%d): %s\n", len(a.Ready.Tools), strings.Join(a.Ready.Tools, ", "))
	printServerErrors(a.Ready, w)
	switch {
	case f.yolo:
		fmt.Fprintln(w, "tool approval: every tool runs (--yolo)")
	case a.Agent.AllowTools != nil:
		var names []string
		for _, t := range a.Ready.Tools {
			if a.Agent.AllowTools[t] {
				names = append(names, t)
			}
		}
		fmt.Fprintf(w, "tool approval: only %s run (--allow-tools); other calls are refused\n", orNone(names))
	}
	if !loopback && !hasKey {
		fmt.Fprintf(w, "warning: listening on %s, reachable from other machines, without a key: anyone who can reach it can run this agent's tools. Set %s (or --serve-key).\n", addr, serveKeyEnv)
	}
	fmt.Fprintf(w, "listening on http://%s/v1 (POST /v1/chat/completions, GET /v1/models, GET /health)\n", addr)
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "no tools"
	}
	return strings.Join(names, ", ")
}

// isLoopback reports whether a --host value only listens on this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
