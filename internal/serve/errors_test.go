package serve_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/inference"
	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
	"github.com/tiny-agents/tiny-agents/internal/serve"
)

func TestModelErrorsMapToStatuses(t *testing.T) {
	cases := []struct {
		name     string
		reply    fakemodel.Reply
		idle     time.Duration
		status   int
		typ      string
		contains string
	}{
		{"auth is the server's problem, not the client's", fakemodel.Reply{When: "user", Status: 401, Body: `{"error":"Invalid credentials in Authorization header"}`},
			0, 502, "upstream_error", "refused this server's credentials"},
		{"forbidden too", fakemodel.Reply{When: "user", Status: 403, Body: `{"error":"no access to model"}`}, 0, 502, "upstream_error", "no access to model"},
		{"rate limit is passed on", fakemodel.Reply{When: "user", Status: 429, Body: `{"error":{"message":"slow down"}}`}, 0, 429, "rate_limit_error", "slow down"},
		{"server error", fakemodel.Reply{When: "user", Status: 500, Body: `{"error":"boom"}`}, 0, 502, "upstream_error", "HTTP 500: boom"},
		{"silence is a gateway timeout", fakemodel.Reply{When: "user", Text: "late", Delay: fakemodel.Duration(3 * time.Second)},
			300 * time.Millisecond, 504, "timeout_error", "sent nothing for 300ms"},
	}
	for _, tc := range cases {
		for _, stream := range []bool{false, true} {
			name := tc.name + map[bool]string{false: "/json", true: "/stream"}[stream]
			t.Run(name, func(t *testing.T) {
				f := newFixture(t, []fakemodel.Reply{tc.reply}, func(_ *serve.Options, c *inference.Config) {
					if tc.idle > 0 {
						c.IdleTimeout = tc.idle
					}
				})
				// An error before anything was streamed is a real HTTP error, also for
				// stream requests.
				resp := f.post(t, userRequest("hi", stream))
				if resp.StatusCode != tc.status {
					b, _ := io.ReadAll(resp.Body)
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, b)
				}
				e := apiErrorBody(t, resp)
				if e["type"] != tc.typ || !strings.Contains(e["message"].(string), tc.contains) {
					t.Errorf("error %v, want type %s and %q", e, tc.typ, tc.contains)
				}
				if strings.Contains(e["message"].(string), f.model.URL) {
					t.Errorf("error shows the backend's URL to the client: %v", e)
				}
			})
		}
	}
}

func TestServerAnswersTheNextRequestAfterAModelError(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{{Status: 401, Body: `{"error":"bad key"}`}, {Text: "fine now"}})
	if resp := f.post(t, userRequest("one", true)); resp.StatusCode != 502 {
		t.Fatalf("first request: status %d", resp.StatusCode)
	}
	if got := readSSE(t, f.post(t, userRequest("two", true))).content(); got != "fine now" {
		t.Errorf("second request answered %q", got)
	}
	if log := f.log.String(); !strings.Contains(log, "stop=error") || !strings.Contains(log, "bad key") {
		t.Errorf("the server log does not show the failed request's error:\n%s", log)
	}
}

func TestErrorAfterStreamBeganIsAnErrorChunk(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{{Text: "partial answer", ErrorMidStream: "the GPU caught fire"}})
	s := readSSE(t, f.post(t, userRequest("hi", true)))
	if s.content() != "partial answer" {
		t.Errorf("content %q", s.content())
	}
	last := s.chunks[len(s.chunks)-1]
	e, ok := last["error"].(map[string]any)
	if !ok || !strings.Contains(e["message"].(string), "the GPU caught fire") || e["type"] != "upstream_error" {
		t.Fatalf("last chunk is not an error: %v", last)
	}
	if !s.done {
		t.Errorf("no [DONE] after the error chunk")
	}
	if s.finishReason() != "" {
		t.Errorf("a failed stream has finish_reason %q", s.finishReason())
	}
}

func TestBadRequestsNameTheField(t *testing.T) {
	cases := []struct {
		name, body, param string
	}{
		{"not JSON", `{"messages": [`, ""},
		{"empty body", ``, ""},
		{"no messages", `{"model":"m"}`, "messages"},
		{"messages not an array", `{"messages":{"role":"user"}}`, "messages"},
		{"no messages in array", `{"messages":[]}`, "messages"},
		{"unknown role", `{"messages":[{"role":"robot","content":"hi"}]}`, "messages[0].role"},
		{"missing role", `{"messages":[{"content":"hi"}]}`, "messages[0].role"},
		{"content is a number", `{"messages":[{"role":"user","content":42}]}`, "messages[0].content"},
		{"missing content", `{"messages":[{"role":"user"}]}`, "messages[0].content"},
		{"unknown part type", `{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}`, "messages[0].content[0].type"},
		{"image without url", `{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}`, "messages[0].content[0].image_url.url"},
		{"image in a system message", `{"messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"http://x/y.png"}}]},{"role":"user","content":"hi"}]}`, "messages[0].content[0].type"},
		{"tool message without id", `{"messages":[{"role":"tool","content":"3"}]}`, "messages[0].tool_call_id"},
		{"last message from the assistant", `{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]}`, "messages[1].role"},
		{"stream not a boolean", `{"stream":"yes","messages":[{"role":"user","content":"hi"}]}`, "stream"},
		{"temperature out of range", `{"temperature":7,"messages":[{"role":"user","content":"hi"}]}`, "temperature"},
		{"max_tokens zero", `{"max_tokens":0,"messages":[{"role":"user","content":"hi"}]}`, "max_tokens"},
		{"several choices", `{"n":2,"messages":[{"role":"user","content":"hi"}]}`, "n"},
		{"client tools", `{"tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"hi"}]}`, "tools"},
		{"bad tool_activity", `{"tool_activity":"loud","messages":[{"role":"user","content":"hi"}]}`, "tool_activity"},
		{"stop not strings", `{"stop":[1],"messages":[{"role":"user","content":"hi"}]}`, "stop"},
	}
	f := newFixture(t, nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.post(t, []byte(tc.body))
			if resp.StatusCode != 400 {
				t.Fatalf("status %d, want 400", resp.StatusCode)
			}
			e := apiErrorBody(t, resp)
			if e["type"] != "invalid_request_error" {
				t.Errorf("type %v", e["type"])
			}
			if tc.param == "" {
				if e["param"] != nil {
					t.Errorf("param %v, want null", e["param"])
				}
			} else if e["param"] != tc.param || !strings.HasPrefix(e["message"].(string), tc.param+": ") {
				t.Errorf("error %v does not name %s", e, tc.param)
			}
		})
	}
	if n := len(f.model.Requests()); n != 0 {
		t.Errorf("bad requests reached the model %d times", n)
	}
}

func TestProtocolErrors(t *testing.T) {
	f := newFixture(t, nil)
	do := func(method, path, ctype string, body []byte) *http.Response {
		req, _ := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	ok := []byte(`{"messages":[{"role":"user","content":"hi"}]}`)
	big := append([]byte(`{"messages":[{"role":"user","content":"`), bytes.Repeat([]byte("a"), serve.DefaultMaxBody)...)
	big = append(big, []byte(`"}]}`)...)
	cases := []struct {
		name                string
		method, path, ctype string
		body                []byte
		status              int
	}{
		{"unknown route", "GET", "/v2/whatever", "", nil, 404},
		{"GET on chat completions", "GET", "/v1/chat/completions", "", nil, 405},
		{"POST on models", "POST", "/v1/models", "application/json", ok, 405},
		{"form body (what a web page can send without asking)", "POST", "/v1/chat/completions", "application/x-www-form-urlencoded", ok, 415},
		{"text/plain body", "POST", "/v1/chat/completions", "text/plain", ok, 415},
		{"body over the limit", "POST", "/v1/chat/completions", "application/json", big, 413},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := do(tc.method, tc.path, tc.ctype, tc.body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			apiErrorBody(t, resp)
		})
	}
}

func TestBearerKeyIsRequiredOnEveryRoute(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{{When: "user", Text: "ok"}}, func(o *serve.Options, _ *inference.Config) { o.Key = "s3cret-key" })
	routes := []struct{ method, path string }{{"POST", "/v1/chat/completions"}, {"GET", "/v1/models"}, {"GET", "/health"}, {"GET", "/nope"}}
	for _, r := range routes {
		for _, auth := range []string{"", "Bearer wrong", "Bearer s3cret-keyX", "Basic czNjcmV0LWtleQ==", "Bearer s3cret-key"} {
			req, _ := http.NewRequest(r.method, f.srv.URL+r.path, strings.NewReader(`{"messages":[{"role":"user","content":"hi"}]}`))
			req.Header.Set("Content-Type", "application/json")
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			resp, err := f.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			wantOK := auth == "Bearer s3cret-key"
			if got := resp.StatusCode != 401; got != wantOK {
				t.Errorf("%s %s with %q: status %d", r.method, r.path, auth, resp.StatusCode)
			}
			if !wantOK && (resp.Header.Get("WWW-Authenticate") == "" || strings.Contains(string(body), "s3cret")) {
				t.Errorf("401 without WWW-Authenticate, or showing the key: %s", body)
			}
		}
	}
}

func TestLoopbackOnlyRejectsOtherHostNames(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{{When: "user", Text: "ok"}}, func(o *serve.Options, _ *inference.Config) { o.LoopbackOnly = true })
	for host, want := range map[string]int{"localhost:9999": 200, "127.0.0.1:9999": 200, "[::1]:9999": 200, "evil.example:9999": 403, "evil.example": 403} {
		req, _ := http.NewRequest("GET", f.srv.URL+"/v1/models", nil)
		req.Host = host
		resp, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: status %d, want %d", host, resp.StatusCode, want)
		}
	}
}

// panicModel panics on a request whose last message says "panic", as a bug would.
type panicModel struct{ next agent.Model }

func (p panicModel) ChatCompletionStream(ctx context.Context, req inference.ChatRequest) (*inference.Stream, error) {
	if req.Messages[len(req.Messages)-1].Content == "panic" {
		panic("a bug in a model client")
	}
	return p.next.ChatCompletionStream(ctx, req)
}

func TestPanicInOneRequestDoesNotStopTheServer(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{{When: "user", Echo: true, Text: "echo: "}}, func(o *serve.Options, c *inference.Config) {
		client, err := inference.New(*c)
		if err != nil {
			t.Fatal(err)
		}
		o.Agent.Model = panicModel{client}
	})
	resp := f.post(t, userRequest("panic", false))
	if resp.StatusCode != 500 || apiErrorBody(t, resp)["type"] != "server_error" {
		t.Errorf("panic: status %d", resp.StatusCode)
	}
	resp = f.post(t, userRequest("panic", true))
	if resp.StatusCode != 500 {
		t.Errorf("panic in a stream before any chunk: status %d", resp.StatusCode)
	}
	if got := decodeCompletion(t, f.post(t, userRequest("still there?", false))).Choices[0].Message.Content; got != "echo: still there?" {
		t.Errorf("after the panics: %q", got)
	}
	if !strings.Contains(f.log.String(), "panic in POST /v1/chat/completions: a bug in a model client") {
		t.Errorf("panic not logged:\n%s", f.log.String())
	}
}

func TestHealthShowsServersAndTheirErrors(t *testing.T) {
	f := newFixture(t, nil, func(o *serve.Options, _ *inference.Config) {
		o.Servers = func() []agent.ServerInfo {
			return []agent.ServerInfo{{Name: "good", Transport: "stdio", Tools: 3}, {Name: "bad", Transport: "http", Error: "connection refused"}}
		}
	})
	resp, err := f.srv.Client().Get(f.srv.URL + "/health")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`"status":"degraded"`, `"ready":true`, `"name":"bad"`, `"error":"connection refused"`, `"tools":3`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("health %d lacks %s: %s", resp.StatusCode, want, body)
		}
	}
	if resp.StatusCode != 200 {
		t.Errorf("a failed server makes health %d; the other tools still work", resp.StatusCode)
	}
}
