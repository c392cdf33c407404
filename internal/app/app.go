// Package app wires an agent together for every front end: it loads the configuration,
// applies the command-line overrides, creates the inference client, starts the MCP servers,
// and reports the Ready event.
package app

import (
	"context"
	"os"
	"time"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/agents"
	"github.com/tiny-agents/tiny-agents/inference"
	"github.com/tiny-agents/tiny-agents/internal/debuglog"
	"github.com/tiny-agents/tiny-agents/internal/redact"
	"github.com/tiny-agents/tiny-agents/mcp"
)

// Options are the command-line settings shared by run and serve.
type Options struct {
	Agent       string
	Model       string
	Provider    string
	EndpointURL string
	APIKey      string
	BillTo      string
	MaxTurns    int
	Timeout     time.Duration
	ToolTimeout time.Duration
	Version     string
	// Debug is the --debug log; nil when off.
	Debug *debuglog.Log
	// Inputs are the --input ID=VALUE answers.
	Inputs map[string]string
	// Prompter asks for inputs nobody gave; nil in headless runs (a missing input is then a
	// configuration error naming the variable to set).
	Prompter agents.Prompter
	// OnNotice receives what the user should know about the servers outside a turn (a slow
	// server that joined late, changed tools, a restart), from background goroutines.
	OnNotice func(agent.Notice)
	// ReadyWait bounds how long Start waits for the servers (zero: mcp's default).
	ReadyWait time.Duration
	// Warn receives the inference client's warnings (staging model, removed provider,
	// ignored billTo); the front end shows them. Nil drops them (Client.Warnings keeps them).
	Warn func(string)
}

// App is a started agent.
type App struct {
	Config  *agents.Agent
	Agent   *agent.Agent
	Client  *inference.Client
	Servers *mcp.Manager
	Ready   agent.Ready
}

// Load reads the agent configuration with the overrides applied, without starting anything.
func Load(opts Options) (*agents.Agent, error) {
	return LoadContext(context.Background(), opts)
}

// LoadContext is Load with a context, which bounds a Hub download.
func LoadContext(ctx context.Context, opts Options) (*agents.Agent, error) {
	cfg, err := agents.Load(ctx, opts.Agent, agents.Options{
		Inputs: opts.Inputs, Prompter: opts.Prompter,
		Model: opts.Model, Provider: opts.Provider, EndpointURL: opts.EndpointURL,
		APIKey: opts.APIKey, BillTo: opts.BillTo,
	})
	if err != nil {
		return nil, err
	}
	registerSecrets(cfg)
	return cfg, nil
}

// registerSecrets tells package redact every credential this run knows of, so that none is
// ever written to a log, an error, a transcript or the debug output.
func registerSecrets(cfg *agents.Agent) {
	redact.Secret(cfg.Secrets()...)
	for _, k := range []string{"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "API_KEY", "TINY_AGENTS_SERVE_KEY"} {
		redact.Secret(os.Getenv(k))
	}
	for _, s := range cfg.Servers {
		redact.SecretEnv(s.Env)
		redact.SecretEnv(s.Headers)
	}
}

// Start creates the client and starts the servers of a loaded agent.
func Start(ctx context.Context, cfg *agents.Agent, opts Options) (*App, error) {
	client, err := inference.New(inference.Config{
		Model: cfg.Model, Provider: cfg.Provider, EndpointURL: cfg.EndpointURL,
		APIKey: cfg.APIKey, BillTo: cfg.BillTo, IdleTimeout: opts.Timeout,
		Warn: opts.Warn, Logger: opts.Debug.Slog(),
	})
	if err != nil {
		return nil, err
	}
	onNotice := func(n mcp.Notice) {
		if opts.OnNotice != nil {
			opts.OnNotice(agent.Notice{Server: n.Server, Text: n.Text})
		}
	}
	servers := mcp.NewManager(mcp.Options{ClientName: "tiny-agents", ClientVersion: opts.Version,
		ToolTimeout: opts.ToolTimeout, ReadyWait: opts.ReadyWait, OnNotice: onNotice,
		// The agent answers servers' sampling requests with its model, after approval.
		Sampling: true})
	opts.Debug.Printf("start: agent %s (%s), model %s, provider %q, endpoint %q, prompt %s, %d servers",
		cfg.Name, cfg.Path, cfg.Model, cfg.Provider, cfg.EndpointURL, cfg.PromptSource, len(cfg.Servers))
	for _, s := range cfg.Servers {
		opts.Debug.Printf("server %s: transport %s, command %q, args %q, url %q", s.DisplayName(), s.Transport(), s.Command, s.Args, s.URL)
	}
	started := time.Now()
	servers.Start(ctx, cfg.Servers)
	opts.Debug.Printf("servers started in %s", time.Since(started).Round(time.Millisecond))
	a := &App{
		Config:  cfg,
		Client:  client,
		Servers: servers,
		Agent:   &agent.Agent{Model: client, Tools: servers, SystemPrompt: cfg.Prompt, MaxTurns: opts.MaxTurns},
	}
	provider, endpoint := client.Describe()
	a.Ready = agent.Ready{Model: cfg.Model, Provider: provider, Endpoint: endpoint,
		Tools: mcp.ToolNames(servers.Tools()), PromptSource: cfg.PromptSource, Servers: []agent.ServerInfo{}}
	for _, s := range servers.Servers() {
		info := agent.ServerInfo{Name: s.Name, Transport: s.Transport, Tools: s.Tools}
		if s.Err != nil {
			info.Error = s.Err.Error()
		}
		if s.Starting {
			info.State = "starting"
		}
		a.Ready.Servers = append(a.Ready.Servers, info)
	}
	return a, nil
}

// Close stops the servers.
func (a *App) Close() error { return a.Servers.Close() }
