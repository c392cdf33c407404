// Package agent runs the agent loop: it sends the conversation to the model with the MCP
// tools, runs the tools the model calls (after approval), feeds the results back, and stops
// when the model answers without tools, calls an exit tool, or reaches the turn limit.
// It reports everything as a stream of typed events and knows nothing of terminals.
package agent
