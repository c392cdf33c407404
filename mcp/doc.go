// Package mcp manages the MCP servers of an agent on top of mark3labs/mcp-go: it starts them
// (stdio, legacy SSE, streamable HTTP) in parallel, keeps one tool registry across them, and
// calls tools with timeouts and cancellation. A failing server is a state of that server,
// never a failure of the program.
package mcp
