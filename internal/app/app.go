// Package app wires an agent together for every front end: it loads the configuration,
// applies the command-line overrides, creates the inference client, starts the MCP servers,
// and reports the Ready event.
package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/agents"
	"github.com/tiny-agents/tiny-agents/inference"
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
	// Warn receives the inference client's warnings (staging model, removed provider,
	// ignored billTo); the front end shows them. Nil drops them (Client.Warnings keeps them).
	Warn func(string)
	// Logger receives one record per model HTTP request, secrets redacted (for --debug).
	Logger *slog.Logger
}

// App is a started agent.
type App struct {
	Config  *agents.Agent
	Agent   *agent.Agent
	Client  *inference.Client
	Servers *mcp.Manager
	Ready   agent.Ready
}

// Load reads the agent configuration and applies the overrides, without starting anything.
func Load(opts Options) (*agents.Agent, error) {
	cfg, err := agents.Load(opts.Agent)
	if err != nil {
		return nil, err
	}
	override(&cfg.Model, opts.Model)
	override(&cfg.Provider, opts.Provider)
	override(&cfg.EndpointURL, opts.EndpointURL)
	override(&cfg.APIKey, opts.APIKey)
	override(&cfg.BillTo, opts.BillTo)
	return cfg, nil
}

func override(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// Start creates the client and starts the servers of a loaded agent.
func Start(ctx context.Context, cfg *agents.Agent, opts Options) (*App, error) {
	client, err := inference.New(inference.Config{
		Model: cfg.Model, Provider: cfg.Provider, EndpointURL: cfg.EndpointURL,
		APIKey: cfg.APIKey, BillTo: cfg.BillTo, IdleTimeout: opts.Timeout,
		Warn: opts.Warn, Logger: opts.Logger,
	})
	if err != nil {
		return nil, err
	}
	servers := mcp.NewManager(mcp.Options{ClientName: "tiny-agents", ClientVersion: opts.Version, ToolTimeout: opts.ToolTimeout})
	servers.Start(ctx, cfg.Servers)
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
		a.Ready.Servers = append(a.Ready.Servers, info)
	}
	return a, nil
}

// Close stops the servers.
func (a *App) Close() error { return a.Servers.Close() }
