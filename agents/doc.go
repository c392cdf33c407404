// Package agents loads agent configurations: a tiny-agents agent.json (file or folder with
// AGENTS.md / PROMPT.md), and the MCP configs people already have. It resolves inputs and
// reports every problem with the file, line and field to fix.
package agents
