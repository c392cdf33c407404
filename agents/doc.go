// Package agents loads agent configurations: a tiny-agents agent.json (file or folder with
// AGENTS.md / PROMPT.md), the MCP configs people already have (VS Code mcp.json, Claude
// Desktop, Claude Code, Cursor), agents from the Hub dataset tiny-agents/tiny-agents (cached
// in the Hugging Face cache), and the agents bundled in the program. It resolves inputs and
// ${env:NAME}, and reports every problem at once, with the file, line and field to fix.
package agents
