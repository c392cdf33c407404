package main

import (
	"time"

	"github.com/spf13/pflag"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/internal/app"
)

// addAgentFlags declares the flags run and serve share: which model, where, with which key,
// the limits of a turn, and how long start-up waits for the MCP servers.
func addAgentFlags(fl *pflag.FlagSet, o *app.Options) {
	fl.StringVar(&o.Model, "model", "", "model id (overrides the agent's)")
	fl.StringVar(&o.Provider, "provider", "", "inference provider, or auto (overrides the agent's)")
	fl.StringVar(&o.EndpointURL, "endpoint-url", "", "OpenAI-compatible base URL (overrides the agent's)")
	fl.StringVar(&o.APIKey, "api-key", "", "API key for the provider or endpoint (the model's key)")
	fl.StringVar(&o.BillTo, "bill-to", "", "organization billed for Hugging Face routed calls (X-HF-Bill-To)")
	fl.IntVar(&o.MaxTurns, "max-turns", agent.DefaultMaxTurns, "cap on model requests in one user turn, tool rounds included")
	fl.DurationVar(&o.Timeout, "timeout", 5*time.Minute, "idle timeout of a model request")
	fl.DurationVar(&o.ToolTimeout, "tool-timeout", 2*time.Minute, "timeout of one MCP tool call")
	fl.DurationVar(&o.ReadyWait, "ready-wait", 10*time.Second, "how long start-up waits for slow MCP servers (they join later, with a notice)")
}
