package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/internal/headless"
)

// chat answers one POST /v1/chat/completions and returns a note for the log line.
func (h *Handler) chat(w *statusWriter, r *http.Request) string {
	if h.draining.Load() || h.runCtx.Err() != nil {
		shuttingDown().write(w)
		return "refused: shutting down"
	}
	h.inflight.Add(1)
	defer h.inflight.Add(-1)
	// Browsers can send text/plain or form bodies to any address without asking first; a
	// JSON content type forces a CORS preflight, which this server never grants, so a web
	// page cannot make the agent run its tools.
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		(&apiError{Status: http.StatusUnsupportedMediaType, Type: "invalid_request_error", Code: "unsupported_media_type",
			Message: "send the request as JSON with Content-Type: application/json"}).write(w)
		return ""
	}
	// A client may take its time with the answer but not with the question: the body must
	// arrive within a minute. (http.Server.ReadTimeout would also end long streams.)
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(time.Minute))
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBody))
	rc.SetReadDeadline(time.Time{})
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			(&apiError{Status: http.StatusRequestEntityTooLarge, Type: "invalid_request_error", Code: "request_too_large",
				Message: fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit)}).write(w)
			return ""
		}
		badRequest("", "could not read the request body: "+err.Error()).write(w)
		return ""
	}
	tr, aerr := parseRequest(body, r.Header, h.opts.Agent.Request)
	if aerr != nil {
		aerr.write(w)
		return aerr.Message
	}

	// The run ends when the client goes away (r.Context) or when shutdown gives up waiting.
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	defer context.AfterFunc(h.runCtx, cancel)()

	res := &result{id: newID(), created: time.Now().Unix(), model: h.opts.ModelID}
	w.Header().Set("X-Request-Id", res.id)
	out := &translator{inContent: tr.activityInContent}
	var done agent.Done
	if tr.stream {
		s := newStream(w, res, cancel)
		out.content, out.reasoning, out.activity = s.content, s.reasoning, s.activity
		stopPings := s.keepAlive(ctx, h.opts.KeepAlive)
		defer func() {
			if p := recover(); p != nil {
				// End the stream the client is reading with an error it can see, then let
				// ServeHTTP log the panic.
				stopPings()
				s.fail(internalError())
				panic(p)
			}
		}()
		done = h.opts.Agent.RunTurn(ctx, &tr.conv, tr.opts, out.event)
		stopPings()
		s.finish(done, out.failure, tr.includeUsage, r.Context().Err() != nil)
	} else {
		out.content, out.reasoning, out.activity = res.addContent, res.addReasoning, res.addActivity
		done = h.opts.Agent.RunTurn(ctx, &tr.conv, tr.opts, out.event)
		res.finish(w, done, out.failure, r.Context().Err() != nil)
	}
	note := fmt.Sprintf("stream=%t stop=%s turns=%d", tr.stream, done.Stop, done.Turns)
	if done.Stop == agent.StopError {
		note += " error=" + errorOf(out.failure).Err.Error()
	}
	return note
}

func internalError() *apiError {
	return &apiError{Status: http.StatusInternalServerError, Type: "server_error",
		Message: "internal error while answering this request; the server is still up"}
}

func shuttingDown() *apiError {
	return &apiError{Status: http.StatusServiceUnavailable, Type: "server_error", Code: "shutting_down",
		Message: "the server is shutting down; this request was not run to the end"}
}

// newID returns a completion id in OpenAI's style.
func newID() string {
	var b [12]byte
	rand.Read(b[:])
	return "chatcmpl-" + hex.EncodeToString(b[:])
}

// translator turns the agent's events into what an OpenAI client sees: the text of every
// round as content (rounds separated by a blank line), reasoning, and tool activity.
type translator struct {
	// mu orders events: progress notifications come from the MCP client's goroutine.
	mu        sync.Mutex
	inContent bool
	content   func(string)
	reasoning func(string)
	activity  func(any)
	// inText is true while a round's text streams; wrote is true once any content went out.
	inText, wrote bool
	// failure is the error that ended the turn, if any.
	failure *agent.Error
}

func (t *translator) event(ev agent.Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch e := ev.(type) {
	case agent.TextDelta:
		if e.Text == "" {
			return
		}
		if !t.inText {
			t.block()
			t.inText = true
		}
		t.content(e.Text)
	case agent.ReasoningDelta:
		t.reasoning(e.Text)
	case agent.ToolCallDone:
		t.activity(headless.JSONEvent(e))
		t.contentBlock("→ " + e.Name + " " + clip(oneLine(e.Arguments), 300))
	case agent.ToolProgress:
		p := map[string]any{"type": "tool_progress", "id": e.ID, "progress": e.Progress}
		if e.Total > 0 {
			p["total"] = e.Total
		}
		if e.Message != "" {
			p["message"] = e.Message
		}
		t.activity(p)
	case agent.ToolResult:
		t.activity(headless.JSONEvent(e))
		mark := "← "
		if e.IsError {
			mark = "✗ "
		}
		t.contentBlock(mark + clip(e.Content, 2000))
	case agent.Error:
		if e.Kind == agent.ErrTool {
			t.activity(headless.JSONEvent(e))
			return
		}
		t.failure = &e
	case agent.ApprovalRequest:
		// Serve never asks (Agent.Ask is false); should one come anyway, refuse rather
		// than hang the request.
		e.Reply <- agent.Deny
	case agent.ElicitationRequest:
		e.Reply <- agent.ElicitationReply{Action: "decline"}
	}
}

// block starts a new block of content, separated from the last by a blank line.
func (t *translator) block() {
	if t.wrote {
		t.content("\n\n")
	}
	t.wrote = true
}

// contentBlock writes tool activity into the content when the client asked for it. Either
// way it ends the round's text, so the next round's text starts a new block.
func (t *translator) contentBlock(s string) {
	t.inText = false
	if t.inContent {
		t.block()
		t.content(s)
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func finishReason(stop agent.StopReason) string {
	if stop == agent.StopMaxTurns {
		// The agent's turn cap cut the answer short, as a token cap would.
		return "length"
	}
	return "stop"
}

type usageJSON struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

func usageOf(u *agent.Usage) *usageJSON {
	if u == nil {
		return nil
	}
	return &usageJSON{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.PromptTokens + u.CompletionTokens}
}

// result collects a non-streamed answer.
type result struct {
	id, model string
	created   int64
	content   strings.Builder
	reasoning strings.Builder
	activity  []any
}

func (r *result) addContent(s string)   { r.content.WriteString(s) }
func (r *result) addReasoning(s string) { r.reasoning.WriteString(s) }
func (r *result) addActivity(a any)     { r.activity = append(r.activity, a) }

func (r *result) finish(w http.ResponseWriter, done agent.Done, failure *agent.Error, clientGone bool) {
	switch done.Stop {
	case agent.StopError:
		modelError(errorOf(failure)).write(w)
		return
	case agent.StopInterrupted:
		if !clientGone {
			shuttingDown().write(w)
		}
		return
	}
	msg := map[string]any{"role": "assistant", "content": r.content.String()}
	if r.reasoning.Len() > 0 {
		msg["reasoning_content"] = r.reasoning.String()
	}
	body := map[string]any{"id": r.id, "object": "chat.completion", "created": r.created, "model": r.model,
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finishReason(done.Stop)}}}
	if u := usageOf(done.Usage); u != nil {
		body["usage"] = u
	}
	if len(r.activity) > 0 {
		body["tool_activity"] = r.activity
	}
	writeJSON(w, http.StatusOK, body)
}

func errorOf(failure *agent.Error) agent.Error {
	if failure != nil {
		return *failure
	}
	return agent.Error{Kind: agent.ErrStream, Err: errors.New("the run failed")}
}
