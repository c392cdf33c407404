// Package serve answers OpenAI-compatible chat-completion requests with an agent: each request
// runs the agent loop (model, MCP tools, system prompt) on its own messages and streams the
// answer back as chat.completion chunks, or returns one chat.completion.
package serve

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/internal/safetext"
)

// DefaultMaxBody is the largest request body accepted (images come inline as data: URIs).
const DefaultMaxBody = 10 << 20

// Options configure a Handler.
type Options struct {
	// Agent runs every request. It is shared: requests must not change it.
	Agent *agent.Agent
	// ModelID is the model name clients see in /v1/models and in every response.
	ModelID string
	// Backend is the model the agent calls, reported by /v1/models and /health.
	Backend string
	// Key, when set, is the bearer token every request must carry.
	Key string
	// LoopbackOnly rejects requests whose Host is not a loopback name: a web page that
	// rebinds its own DNS name to 127.0.0.1 cannot reach the agent's tools. (A key does the
	// same job, and a reverse proxy may pass its own Host: serve sets this only without one.)
	LoopbackOnly bool
	// MaxBody caps request bodies; zero means DefaultMaxBody.
	MaxBody int64
	// Servers reports the MCP servers' state for /health; nil means none.
	Servers func() []agent.ServerInfo
	// KeepAlive is the idle time after which a stream gets an SSE comment, so proxies keep
	// it open during long tool calls; zero means 15s.
	KeepAlive time.Duration
	// Log receives one line per request and the errors; nil discards them.
	Log io.Writer
}

// Handler is the HTTP handler of `tiny-agents serve`.
type Handler struct {
	opts     Options
	keyHash  [32]byte
	created  int64
	log      *log.Logger
	draining atomic.Bool
	// runCtx is the parent of every run: cancelling it ends the runs in flight (shutdown).
	runCtx     context.Context
	cancelRuns context.CancelFunc
	// inflight counts the chat requests being answered.
	inflight atomic.Int64
}

// New returns a Handler.
func New(opts Options) *Handler {
	if opts.MaxBody == 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.KeepAlive == 0 {
		opts.KeepAlive = 15 * time.Second
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	h := &Handler{opts: opts, created: time.Now().Unix(), log: log.New(opts.Log, "", log.LstdFlags)}
	h.keyHash = sha256.Sum256([]byte(opts.Key))
	h.runCtx, h.cancelRuns = context.WithCancel(context.Background())
	return h
}

// CancelRuns ends every run in flight (their clients get an error) and every later one.
func (h *Handler) CancelRuns() { h.cancelRuns() }

// ServeHTTP routes a request. No request can take the server down: a panic becomes a 500
// (or an error chunk in a stream that has begun) for that request only.
func (h *Handler) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	w := &statusWriter{ResponseWriter: rw}
	var note string
	defer func() {
		if p := recover(); p != nil {
			h.log.Printf("panic in %s %s: %v\n%s", r.Method, r.URL.Path, p, debug.Stack())
			if !w.wroteHeader {
				internalError().write(w)
			}
			note = "panic"
		}
		h.log.Printf("%s %s %d %s %s", r.Method, safetext.Strip(r.URL.Path), w.status(), time.Since(start).Round(time.Millisecond), safetext.Strip(note))
	}()
	if h.opts.LoopbackOnly && !loopbackHost(r.Host) {
		(&apiError{Status: http.StatusForbidden, Type: "invalid_request_error", Code: "host_not_allowed",
			Message: "without a key this server answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1]); set TINY_AGENTS_SERVE_KEY to serve other host names, e.g. behind a reverse proxy"}).write(w)
		return
	}
	if !h.authorized(r) {
		(&apiError{Status: http.StatusUnauthorized, Type: "authentication_error", Code: "invalid_api_key",
			Message: "missing or wrong bearer token: send Authorization: Bearer <the server's key (--serve-key or TINY_AGENTS_SERVE_KEY)>"}).write(w)
		return
	}
	switch path := strings.TrimSuffix(r.URL.Path, "/"); {
	case path == "/v1/chat/completions" || path == "/chat/completions":
		if !allowMethod(w, r, http.MethodPost) {
			return
		}
		note = h.chat(w, r)
	case path == "/v1/models" || path == "/models":
		if allowMethod(w, r, http.MethodGet) {
			writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": []any{h.model()}})
		}
	case strings.HasPrefix(path, "/v1/models/"):
		if !allowMethod(w, r, http.MethodGet) {
			return
		}
		if strings.TrimPrefix(path, "/v1/models/") != h.opts.ModelID {
			(&apiError{Status: http.StatusNotFound, Type: "invalid_request_error", Code: "model_not_found",
				Message: fmt.Sprintf("this server has one model: %s", h.opts.ModelID)}).write(w)
			return
		}
		writeJSON(w, http.StatusOK, h.model())
	case path == "/health":
		if allowMethod(w, r, http.MethodGet) {
			h.health(w)
		}
	default:
		(&apiError{Status: http.StatusNotFound, Type: "invalid_request_error", Code: "unknown_url",
			Message: fmt.Sprintf("no route %s %s: use POST /v1/chat/completions, GET /v1/models or GET /health", r.Method, safetext.Strip(r.URL.Path))}).write(w)
	}
}

// authorized compares the bearer token in constant time. Hashing both sides first keeps
// the comparison's time independent of the token's length too.
func (h *Handler) authorized(r *http.Request) bool {
	if h.opts.Key == "" {
		return true
	}
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		token, ok = strings.CutPrefix(auth, "bearer ")
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return subtle.ConstantTimeCompare(got[:], h.keyHash[:]) == 1 && ok
}

func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func allowMethod(w http.ResponseWriter, r *http.Request, method string) bool {
	if r.Method == method || (method == http.MethodGet && r.Method == http.MethodHead) {
		return true
	}
	w.Header().Set("Allow", method)
	(&apiError{Status: http.StatusMethodNotAllowed, Type: "invalid_request_error", Code: "method_not_allowed",
		Message: fmt.Sprintf("%s %s is not supported: use %s", r.Method, safetext.Strip(r.URL.Path), method)}).write(w)
	return false
}

func (h *Handler) model() map[string]any {
	return map[string]any{"id": h.opts.ModelID, "object": "model", "created": h.created,
		"owned_by": "tiny-agents", "backend": h.opts.Backend}
}

// health reports readiness and each MCP server's state. A server that failed to start is
// shown with its error but does not make the agent unhealthy: the other tools work.
func (h *Handler) health(w http.ResponseWriter) {
	servers := []agent.ServerInfo{}
	if h.opts.Servers != nil {
		servers = append(servers, h.opts.Servers()...)
	}
	status, code := "ok", http.StatusOK
	for _, s := range servers {
		if s.Error != "" {
			status = "degraded"
		}
	}
	if h.draining.Load() {
		status, code = "shutting_down", http.StatusServiceUnavailable
	}
	tools := 0
	if h.opts.Agent != nil && h.opts.Agent.Tools != nil {
		tools = len(h.opts.Agent.Tools.Tools())
	}
	writeJSON(w, code, map[string]any{"status": status, "ready": code == http.StatusOK,
		"model": h.opts.ModelID, "backend": h.opts.Backend, "tools": tools, "servers": servers})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":{"message":"encode response","type":"server_error","param":null,"code":null}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// statusWriter remembers whether and what status was written, for the log and for panics.
type statusWriter struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's Flush.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) status() int {
	if !w.wroteHeader {
		return http.StatusOK
	}
	return w.code
}
