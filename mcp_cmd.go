package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/tiny-agents/tiny-agents/internal/safetext"
	"github.com/tiny-agents/tiny-agents/mcp"
)

// mcpFlags are the flags shared by `mcp tools` and `mcp call`.
type mcpFlags struct {
	output    string
	transport string
	headers   []string
	env       []string
	timeout   time.Duration
}

func newMCPCmd() *cobra.Command {
	var f mcpFlags
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Talk to one MCP server directly: list its tools or call one",
		Long: `Talk to one MCP server without a model.

SERVER is an http(s):// URL (streamable HTTP, falling back to legacy SSE; a path ending
in /sse means legacy SSE; --transport sse|http forces one), given first or last, or,
after --, the command line of a stdio server:

  tiny-agents mcp tools http://127.0.0.1:3001/mcp
  tiny-agents mcp tools -- npx -y @modelcontextprotocol/server-everything
  tiny-agents mcp call echo '{"message":"hi"}' -- npx -y @modelcontextprotocol/server-everything
  tiny-agents mcp call --output json add_numbers '{"a":1,"b":2}' http://localhost:3001/mcp`,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.output, "output", "text", "output: text or json")
	pf.StringVar(&f.transport, "transport", "", "force the transport of a URL: http or sse")
	pf.StringArrayVar(&f.headers, "header", nil, "HTTP header for a URL server, as K=V or 'K: V' (repeatable)")
	pf.StringArrayVar(&f.env, "env", nil, "environment variable for a stdio server, as K=V (repeatable)")
	pf.DurationVar(&f.timeout, "timeout", 2*time.Minute, "timeout of the tool call (the connection has its own minute)")

	tools := &cobra.Command{
		Use:   "tools SERVER | tools -- COMMAND [ARGS...]",
		Short: "List the tools of an MCP server",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMCP(cmd, &f, args, false)
		},
	}
	call := &cobra.Command{
		Use:   "call SERVER TOOL [JSON-ARGS] | call TOOL [JSON-ARGS] SERVER | call TOOL [JSON-ARGS] -- COMMAND [ARGS...]",
		Short: "Call one tool of an MCP server and print its result",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMCP(cmd, &f, args, true)
		},
	}
	cmd.AddCommand(tools, call)
	return cmd
}

// mcpTarget is what the command line of `mcp tools|call` names.
type mcpTarget struct {
	server mcp.ServerConfig
	tool   string
	args   map[string]any
}

// parseMCPArgs reads SERVER, TOOL and JSON-ARGS from the positional arguments: a stdio
// command line comes after `--`; a URL may come first or last (the conformance runner, like
// other scripts, appends it).
func parseMCPArgs(args []string, dash int, f *mcpFlags, wantTool bool) (mcpTarget, error) {
	var t mcpTarget
	rest := args
	if dash >= 0 {
		rest = args[:dash]
		cmdLine := args[dash:]
		if len(cmdLine) == 0 {
			return t, usageErr("nothing after --: give the command line of a stdio MCP server")
		}
		t.server = mcp.ServerConfig{Type: "stdio", Command: cmdLine[0], Args: cmdLine[1:]}
		if f.transport != "" || len(f.headers) > 0 {
			return t, usageErr("--transport and --header are for URL servers, not a stdio command line")
		}
	} else {
		i := -1
		switch {
		case len(rest) > 0 && isURL(rest[0]):
			i = 0
		case len(rest) > 0 && isURL(rest[len(rest)-1]):
			i = len(rest) - 1
		}
		if i < 0 {
			return t, usageErr("name the server: an http(s):// URL, or -- followed by the command line of a stdio server")
		}
		srv, err := urlServer(rest[i], f)
		if err != nil {
			return t, err
		}
		t.server = srv
		rest = append(append([]string(nil), rest[:i]...), rest[i+1:]...)
	}
	env, err := keyValues(f.env, "--env")
	if err != nil {
		return t, err
	}
	if len(env) > 0 {
		if t.server.Transport() != "stdio" {
			return t, usageErr("--env is for a stdio server (after --), not a URL")
		}
		t.server.Env = env
	}
	if !wantTool {
		if len(rest) > 0 {
			return t, usageErr("unexpected argument %q: mcp tools takes only the server", rest[0])
		}
		return t, nil
	}
	if len(rest) == 0 {
		return t, usageErr("name the tool to call: tiny-agents mcp call SERVER TOOL [JSON-ARGS]")
	}
	if len(rest) > 2 {
		return t, usageErr("too many arguments %q: mcp call takes SERVER TOOL [JSON-ARGS] (quote the JSON)", rest[2:])
	}
	t.tool = rest[0]
	t.args = map[string]any{}
	if len(rest) == 2 && strings.TrimSpace(rest[1]) != "" {
		if err := json.Unmarshal([]byte(rest[1]), &t.args); err != nil || t.args == nil {
			return t, usageErr("the tool's arguments must be a JSON object, like '{\"message\":\"hi\"}': %v", err)
		}
	}
	return t, nil
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

func urlServer(raw string, f *mcpFlags) (mcp.ServerConfig, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return mcp.ServerConfig{}, usageErr("bad server URL %q", raw)
	}
	headers, err := keyValues(f.headers, "--header")
	if err != nil {
		return mcp.ServerConfig{}, err
	}
	s := mcp.ServerConfig{URL: raw, Headers: headers}
	switch f.transport {
	case "":
		// A URL with no type is streamable HTTP, falling back to SSE; /sse is SSE.
		if strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/sse") {
			s.Type = "sse"
		}
	case "http", "sse":
		s.Type = f.transport
	default:
		return s, usageErr("--transport must be http or sse, not %q", f.transport)
	}
	return s, nil
}

// keyValues parses K=V (or "K: V" for headers) pairs.
func keyValues(pairs []string, flag string) (map[string]string, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if hk, hv, hok := strings.Cut(p, ":"); flag == "--header" && hok && (!ok || len(hk) < len(k)) {
			k, v, ok = hk, strings.TrimSpace(hv), true
		}
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, usageErr("%s %q: write it as NAME=VALUE", flag, p)
		}
		out[k] = v
	}
	return out, nil
}

func runMCP(cmd *cobra.Command, f *mcpFlags, args []string, call bool) error {
	if f.output != "text" && f.output != "json" {
		return usageErr("--output must be text or json, not %q", f.output)
	}
	t, err := parseMCPArgs(args, cmd.ArgsLenAtDash(), f, call)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	// The handshake's bound is not --timeout: a short call timeout must not fail a slow
	// `npx -y` start.
	startTimeout := time.Minute
	m := mcp.NewManager(mcp.Options{ClientName: "tiny-agents", ClientVersion: version(),
		StartTimeout: startTimeout, ReadyWait: startTimeout + time.Second, ToolTimeout: f.timeout})
	defer m.Close()
	m.Start(ctx, []mcp.ServerConfig{t.server})
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted}
	}
	st := m.Servers()[0]
	if st.Err != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("server %s: %w", st.Name, st.Err)}
	}
	if !call {
		return printTools(stdout, f.output, st, m.Tools())
	}
	var known bool
	for _, tl := range m.Tools() {
		known = known || tl.Name == t.tool || tl.Original == t.tool
	}
	if !known {
		return usageErr("server %s has no tool %q; it has: %s", st.Name, t.tool, strings.Join(mcp.ToolNames(m.Tools()), ", "))
	}
	var progress func(mcp.Progress)
	if f.output == "text" {
		progress = func(p mcp.Progress) { fmt.Fprintln(stderr, progressLine(p)) }
	}
	r, err := m.Call(ctx, toolName(m.Tools(), t.tool), t.args, progress)
	if err != nil {
		if ctx.Err() != nil {
			return &exitError{code: exitInterrupted, err: errors.New("interrupted")}
		}
		return &exitError{code: exitFailed, err: err}
	}
	if err := printResult(stdout, f.output, st.Name, t.tool, r); err != nil {
		return err
	}
	if r.IsError {
		return &exitError{code: exitFailed, err: fmt.Errorf("tool %s reported an error", t.tool)}
	}
	return nil
}

// toolName maps a tool's own name to its registry name (the same with one server, unless
// the name had characters the registry replaces).
func toolName(tools []mcp.Tool, name string) string {
	for _, t := range tools {
		if t.Name == name {
			return name
		}
	}
	for _, t := range tools {
		if t.Original == name {
			return t.Name
		}
	}
	return name
}

func progressLine(p mcp.Progress) string {
	s := fmt.Sprintf("progress %g", p.Progress)
	if p.Total > 0 {
		s += fmt.Sprintf("/%g", p.Total)
	}
	if p.Message != "" {
		s += ": " + safetext.Strip(p.Message)
	}
	return s
}

// bold makes s bold on a terminal that wants colour.
func bold(w io.Writer, s string) string {
	if !isTerminal(w) || os.Getenv("NO_COLOR") != "" {
		return s
	}
	return "\x1b[1m" + s + "\x1b[0m"
}

func printTools(w io.Writer, output string, st mcp.ServerStatus, tools []mcp.Tool) error {
	if output == "json" {
		type jsonTool struct {
			Name        string          `json:"name"`
			Description string          `json:"description,omitempty"`
			InputSchema json.RawMessage `json:"input_schema"`
		}
		out := struct {
			Server    string     `json:"server"`
			Transport string     `json:"transport"`
			Tools     []jsonTool `json:"tools"`
		}{Server: st.Name, Transport: st.Transport, Tools: []jsonTool{}}
		for _, t := range tools {
			out.Tools = append(out.Tools, jsonTool{Name: t.Name, Description: t.Description, InputSchema: t.InputSchema})
		}
		return json.NewEncoder(w).Encode(out)
	}
	fmt.Fprintf(w, "%s (%s): %d tools\n", safetext.Strip(st.Name), st.Transport, len(tools))
	for _, t := range tools {
		fmt.Fprintf(w, "\n%s%s\n", bold(w, t.Name), paramSummary(t.InputSchema))
		if d := strings.TrimSpace(safetext.Strip(t.Description)); d != "" {
			for _, line := range strings.Split(d, "\n") {
				fmt.Fprintf(w, "  %s\n", line)
			}
		}
	}
	return nil
}

// paramSummary is "(a*: number, b: string)" from a tool's input schema; * marks required.
func paramSummary(schema json.RawMessage) string {
	var s struct {
		Properties map[string]struct {
			Type any `json:"type"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	if json.Unmarshal(schema, &s) != nil || len(s.Properties) == 0 {
		return "()"
	}
	req := map[string]bool{}
	for _, r := range s.Required {
		req[r] = true
	}
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, n := range names {
		star := ""
		if req[n] {
			star = "*"
		}
		typ := fmt.Sprint(s.Properties[n].Type)
		if s.Properties[n].Type == nil {
			typ = "any"
		}
		parts = append(parts, fmt.Sprintf("%s%s: %s", safetext.Strip(n), star, typ))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func printResult(w io.Writer, output, server, tool string, r mcp.Result) error {
	if output == "json" {
		type jsonPart struct {
			Type     string `json:"type"`
			Text     string `json:"text,omitempty"`
			MIMEType string `json:"mime_type,omitempty"`
			Size     int    `json:"size,omitempty"`
			Data     string `json:"data,omitempty"`
			URI      string `json:"uri,omitempty"`
		}
		out := struct {
			Server     string          `json:"server"`
			Tool       string          `json:"tool"`
			IsError    bool            `json:"is_error"`
			Text       string          `json:"text"`
			Content    []jsonPart      `json:"content"`
			Structured json.RawMessage `json:"structured_content,omitempty"`
		}{Server: server, Tool: tool, IsError: r.IsError, Text: r.Text, Content: []jsonPart{}, Structured: r.Structured}
		for _, p := range r.Parts {
			out.Content = append(out.Content, jsonPart{Type: p.Type, Text: p.Text, MIMEType: p.MIMEType, Size: p.Size, Data: p.Data, URI: p.URI})
		}
		return json.NewEncoder(w).Encode(out)
	}
	text := safetext.Strip(r.Text)
	if len(r.Structured) > 0 && !strings.Contains(r.Text, strings.TrimSpace(string(r.Structured))) {
		text += "\n" + bold(w, "structured content:") + " " + safetext.Strip(string(r.Structured))
	}
	fmt.Fprintln(w, strings.TrimRight(text, "\n"))
	return nil
}
