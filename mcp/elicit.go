package mcp

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
)

// ElicitationRequest is a server asking the user for input (a form) while one of its tools
// runs.
type ElicitationRequest struct {
	Server  string
	Message string
	// Schema is the requested JSON Schema: a flat object of primitive properties.
	Schema json.RawMessage
}

// ElicitationReply is the answer to an ElicitationRequest.
type ElicitationReply struct {
	// Action is "accept", "decline" or "cancel".
	Action string
	// Content holds the values when Action is "accept".
	Content map[string]any
}

// ElicitFunc answers an elicitation request. It may block until a person answers; ctx ends
// when the tool call does.
type ElicitFunc func(ctx context.Context, req ElicitationRequest) (ElicitationReply, error)

type elicitKey struct{}

// WithElicitation returns a context whose tool calls route the server's elicitation requests
// to fn (the agent loop uses it to turn them into events for its front end). Calls without
// one get the Manager's default, DefaultElicit unless Options.Elicit says otherwise.
func WithElicitation(ctx context.Context, fn ElicitFunc) context.Context {
	return context.WithValue(ctx, elicitKey{}, fn)
}

func elicitFrom(ctx context.Context) ElicitFunc {
	fn, _ := ctx.Value(elicitKey{}).(ElicitFunc)
	return fn
}

// DefaultElicit is the answer when nobody can be asked (headless runs, `mcp call`), as
// CONTRACT.md sets it: accept with the schema's default values when every required field has
// one, else decline.
func DefaultElicit(_ context.Context, req ElicitationRequest) (ElicitationReply, error) {
	content, ok := SchemaDefaults(req.Schema)
	if !ok {
		return ElicitationReply{Action: "decline"}, nil
	}
	return ElicitationReply{Action: "accept", Content: content}, nil
}

// SchemaDefaults returns the default values of a flat object schema's properties, and whether
// every required property has one.
func SchemaDefaults(schema json.RawMessage) (map[string]any, bool) {
	var s struct {
		Properties map[string]struct {
			Default any `json:"default"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	if len(schema) > 0 {
		if err := json.Unmarshal(schema, &s); err != nil {
			return nil, false
		}
	}
	out := map[string]any{}
	for name, p := range s.Properties {
		if p.Default != nil {
			out[name] = p.Default
		}
	}
	for _, r := range s.Required {
		if _, ok := out[r]; !ok {
			return nil, false
		}
	}
	return out, true
}

// elicitHandler is the mcp-go elicitation handler of one server: it hands the request to the
// handler of the tool call that is running on that server.
type elicitHandler struct {
	s   *server
	def ElicitFunc
}

func (h elicitHandler) Elicit(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	schema, _ := json.Marshal(req.Params.RequestedSchema)
	fn, callCtx := h.s.currentElicit()
	if fn == nil {
		fn = h.def
	}
	if callCtx != nil {
		// Answering ends with the call: a cancelled call must not leave a form open.
		var cancel context.CancelFunc
		ctx, cancel = mergeDone(ctx, callCtx)
		defer cancel()
	}
	reply, err := fn(ctx, ElicitationRequest{Server: h.s.name, Message: req.Params.Message, Schema: schema})
	if err != nil {
		return nil, err
	}
	res := &mcp.ElicitationResult{}
	res.Action = mcp.ElicitationResponseAction(reply.Action)
	if reply.Action == "accept" {
		content := reply.Content
		if content == nil {
			content = map[string]any{}
		}
		res.Content = content
	}
	return res, nil
}

// mergeDone returns a context of a that also ends when b does.
func mergeDone(a, b context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(a)
	stop := context.AfterFunc(b, cancel)
	return ctx, func() { stop(); cancel() }
}

// rootsFor is the roots handler of one server: the configured folders (Options.Roots) if
// any; else the folders named on a stdio server's command line, when there are some; else
// the working directory. Offering the command line's folders keeps the meaning the peers
// give a config: they offer no roots, and server-filesystem replaces the folders it was
// started with by any roots a client offers, so `server-filesystem ~/Desktop` run from
// elsewhere would otherwise serve the working directory instead of the Desktop.
func rootsFor(cfg ServerConfig, configured []string) *rootsHandler {
	if len(configured) > 0 {
		return &rootsHandler{dirs: configured}
	}
	var dirs []string
	if cfg.Transport() == "stdio" {
		for _, a := range cfg.Args {
			if strings.HasPrefix(a, "-") {
				continue
			}
			p := a
			if !filepath.IsAbs(p) && cfg.Cwd != "" {
				p = filepath.Join(cfg.Cwd, p)
			}
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				dirs = append(dirs, p)
			}
		}
	}
	return &rootsHandler{dirs: dirs}
}

// rootsHandler answers roots/list with its folders, the working directory when it has none.
type rootsHandler struct {
	once  sync.Once
	dirs  []string
	roots []mcp.Root
}

func (h *rootsHandler) ListRoots(context.Context, mcp.ListRootsRequest) (*mcp.ListRootsResult, error) {
	h.once.Do(func() {
		dirs := h.dirs
		if len(dirs) == 0 {
			if wd, err := os.Getwd(); err == nil {
				dirs = []string{wd}
			}
		}
		h.roots = []mcp.Root{}
		for _, d := range dirs {
			if abs, err := filepath.Abs(d); err == nil {
				h.roots = append(h.roots, mcp.Root{URI: fileURI(abs), Name: filepath.Base(abs)})
			}
		}
	})
	return &mcp.ListRootsResult{Roots: h.roots}, nil
}

// fileURI turns an absolute path into a file:// URI (with a leading slash before a Windows
// drive letter).
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if len(p) > 0 && p[0] != '/' {
		p = "/" + p
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}
