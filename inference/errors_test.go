package inference

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// scripted answers the i-th chat request with the i-th step (the last one repeats).
func scripted(t *testing.T, steps ...func(w http.ResponseWriter, r *http.Request)) (*fakeNet, *atomic.Int32) {
	var n atomic.Int32
	f := newFakeNet(t, func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i >= len(steps) {
			i = len(steps) - 1
		}
		steps[i](w, r)
	})
	return f, &n
}

func status(code int, headers map[string]string, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(code)
		w.Write([]byte(body))
	}
}

func okStream(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Write([]byte("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"fine\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"))
}

// resetConn drops the connection without answering.
func resetConn(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(interface{ SetLinger(int) error }); ok {
		tc.SetLinger(0) // RST rather than FIN
	}
	conn.Close()
}

func localClient(t *testing.T, f *fakeNet, mod func(*Config)) (*Client, *noSleep) {
	ns := &noSleep{}
	cfg := Config{Model: "m", EndpointURL: "http://localhost:8080/v1", APIKey: testProviderKey, HTTPClient: f.client(),
		Getenv: envMap(t, nil), Sleep: ns.sleep}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, ns
}

func TestRateLimitIsRetriedAfterTheServersWait(t *testing.T) {
	f, n := scripted(t,
		status(429, map[string]string{"Retry-After": "2"}, `{"error":"slow down"}`),
		status(429, map[string]string{"RateLimit": `"api";r=0;t=4`}, `{"error":"slow down"}`),
		okStream)
	c, ns := localClient(t, f, nil)
	acc, err := say(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if acc.Message().Content != "fine" || n.Load() != 3 {
		t.Errorf("content %q after %d requests", acc.Message().Content, n.Load())
	}
	if want := []time.Duration{2 * time.Second, 5 * time.Second}; len(ns.waits) != 2 || ns.waits[0] != want[0] || ns.waits[1] != want[1] {
		t.Errorf("waits = %v, want %v", ns.waits, want)
	}
}

func TestRetriesStopAfterThreeWithBackoff(t *testing.T) {
	f, n := scripted(t, status(503, map[string]string{"X-Request-Id": "req-503"}, `{"error":"Model is overloaded","error_type":"overloaded"}`))
	c, ns := localClient(t, f, nil)
	_, err := say(t, c)
	var se *ServerError
	if !errors.As(err, &se) || se.Status != 503 || se.Attempts != 4 || n.Load() != 4 {
		t.Fatalf("err = %v after %d requests", err, n.Load())
	}
	for _, s := range []string{"Model is overloaded", "req-503", "overloaded", "after 4 attempts"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%q lacks %q", err.Error(), s)
		}
	}
	if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; len(ns.waits) != 3 || ns.waits[0] != want[0] || ns.waits[2] != want[2] {
		t.Errorf("waits = %v, want %v", ns.waits, want)
	}
}

func TestWaitBeyondTheCapIsNotRetried(t *testing.T) {
	f, n := scripted(t, status(429, map[string]string{"RateLimit": `"inference";r=0;t=299`, "RateLimit-Policy": `"fixed window";"inference";q=100;w=300`}, "Too many requests"))
	c, _ := localClient(t, f, nil)
	_, err := say(t, c)
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 300*time.Second || n.Load() != 1 {
		t.Fatalf("err = %v (%d requests)", err, n.Load())
	}
	if KindOf(err) != KindRateLimit || !strings.Contains(err.Error(), "retry after 5m0s") || !strings.Contains(err.Error(), "Too many requests") {
		t.Errorf("err = %v, kind %s", err, KindOf(err))
	}
}

func TestStatusesThatAreNotRetried(t *testing.T) {
	cases := []struct {
		code    int
		target  any
		kind    ErrorKind
		body    string
		ctype   string
		message string
	}{
		{400, new(*BadRequestError), KindHTTP, `{"detail":[{"loc":["body","messages"],"msg":"field required","type":"missing"}]}`, "application/json", "field required"},
		{401, new(*AuthError), KindAuth, `{"error":"Invalid credentials in Authorization header"}`, "application/json", "Invalid credentials"},
		{403, new(*AuthError), KindAuth, `{"error":{"message":"This authentication method does not have sufficient permissions"}}`, "application/json", "sufficient permissions"},
		{402, new(*HTTPError), KindHTTP, `{"error":"You have exceeded your monthly included credits"}`, "application/json", "no credits left"},
		{404, new(*HTTPError), KindHTTP, `{"errors":[{"message":"model not found"}]}`, "application/json", "model not found"},
		{422, new(*BadRequestError), KindHTTP, "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096", "text/plain", "must be <= 4096"},
		{500, new(*ServerError), KindHTTP, "<html><body>Internal error</body></html>", "text/html", "HTTP 500"},
	}
	for _, tc := range cases {
		f, n := scripted(t, status(tc.code, map[string]string{"Content-Type": tc.ctype, "X-Amzn-Trace-Id": "trace-1"}, tc.body))
		c, _ := localClient(t, f, nil)
		_, err := say(t, c)
		if !errors.As(err, tc.target) || KindOf(err) != tc.kind || n.Load() != 1 {
			t.Errorf("%d: err = %T %v, kind %s, %d requests", tc.code, err, err, KindOf(err), n.Load())
			continue
		}
		if !strings.Contains(err.Error(), tc.message) || !strings.Contains(err.Error(), "trace-1") {
			t.Errorf("%d: %q lacks %q or the request id", tc.code, err.Error(), tc.message)
		}
	}
}

func TestConnectionResetBeforeTheAnswerIsRetried(t *testing.T) {
	f, n := scripted(t, resetConn, resetConn, okStream)
	c, ns := localClient(t, f, nil)
	acc, err := say(t, c)
	if err != nil || acc.Message().Content != "fine" || n.Load() != 3 || len(ns.waits) != 2 {
		t.Fatalf("err = %v, %d requests, waits %v", err, n.Load(), ns.waits)
	}
}

func TestStreamThatBreaksIsNeverRetried(t *testing.T) {
	f, n := scripted(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"half\"}}]}\n\ndata: {\"choi"))
		w.(http.Flusher).Flush()
		resetConn(w, r)
	})
	c, _ := localClient(t, f, nil)
	acc, err := say(t, c)
	var se *StreamError
	if !errors.As(err, &se) || KindOf(err) != KindStream {
		t.Fatalf("err = %T %v", err, err)
	}
	if n.Load() != 1 || acc.Message().Content != "half" {
		t.Errorf("%d requests, content %q", n.Load(), acc.Message().Content)
	}
}

func TestErrorsNeverShowTheKey(t *testing.T) {
	// A server that echoes the Authorization header in its error.
	f, _ := scripted(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		w.Write([]byte(`{"error":"bad key ` + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") + `"}`))
	})
	c, _ := localClient(t, f, func(c *Config) { c.EndpointURL = "http://localhost:8080/v1?api-key=" + testProviderKey })
	_, err := say(t, c)
	if err == nil || strings.Contains(err.Error(), testProviderKey) || !strings.Contains(err.Error(), "bad key ***") {
		t.Fatalf("err = %v", err)
	}
}

func TestContextCancelsAtOnce(t *testing.T) {
	started, gone := make(chan struct{}), make(chan struct{})
	f, _ := scripted(t, func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body) // the server notices a closed connection only once the body is read
		close(started)
		<-r.Context().Done()
		close(gone)
	})
	c, _ := localClient(t, f, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, err := c.ChatCompletionStream(ctx, ChatRequest{Messages: []Message{{Role: "user", Content: "hi"}}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	<-gone // the server saw the request end
}

func TestContextCancelsTheWaitBetweenRetries(t *testing.T) {
	f, n := scripted(t, status(503, map[string]string{"Retry-After": "20"}, "busy"))
	ctx, cancel := context.WithCancel(context.Background())
	c, _ := localClient(t, f, func(c *Config) {
		c.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); <-ctx.Done(); return ctx.Err() }
	})
	_, err := c.ChatCompletionStream(ctx, ChatRequest{Messages: []Message{{Role: "user", Content: "hi"}}})
	if !errors.Is(err, context.Canceled) || n.Load() != 1 {
		t.Fatalf("err = %v, %d requests", err, n.Load())
	}
}

func TestIdleStreamTimesOut(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	for name, step := range map[string]func(http.ResponseWriter, *http.Request){
		"before the answer": func(w http.ResponseWriter, r *http.Request) {
			io.ReadAll(r.Body)
			select {
			case <-release:
			case <-r.Context().Done():
			}
		},
		"mid-stream": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			w.Write([]byte("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n"))
			w.(http.Flusher).Flush()
			select {
			case <-release:
			case <-r.Context().Done():
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			f, n := scripted(t, step)
			c, _ := localClient(t, f, func(c *Config) { c.IdleTimeout = 50 * time.Millisecond })
			_, err := say(t, c)
			var te *TimeoutError
			if !errors.As(err, &te) || KindOf(err) != KindTimeout || n.Load() != 1 {
				t.Fatalf("err = %T %v (%d requests)", err, err, n.Load())
			}
		})
	}
}

func TestErrorInsideTheStream(t *testing.T) {
	cases := map[string]struct{ body, msg, typ string }{
		"OpenAI object": {"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}\n\n", "The server had an error", "server_error"},
		"TGI string":    {"data: {\"error\":\"Request failed during generation: Server error: CUDA out of memory\",\"error_type\":\"generation\"}\n\n", "CUDA out of memory", "generation"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, _ := scripted(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				w.Write([]byte(tc.body))
			})
			c, _ := localClient(t, f, nil)
			_, err := say(t, c)
			var se *StreamError
			if !errors.As(err, &se) || se.ErrorType != tc.typ || !strings.Contains(err.Error(), tc.msg) || KindOf(err) != KindStream {
				t.Fatalf("err = %#v", err)
			}
		})
	}
}

func TestJSONErrorAnsweringAStream(t *testing.T) {
	f, _ := scripted(t, status(200, map[string]string{"Content-Type": "application/json"}, `{"error":"Model too busy","error_type":"overloaded"}`))
	c, _ := localClient(t, f, nil)
	_, err := say(t, c)
	var se *StreamError
	if !errors.As(err, &se) || se.ErrorType != "overloaded" {
		t.Fatalf("err = %v", err)
	}
}

// TestDebugLogRedactsSecrets: the --debug log has each request, never a key.
func TestDebugLogRedactsSecrets(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f, _ := scripted(t, status(503, nil, "busy "+testHFToken), okStream)
	hub := chatServer(t, "prov/id", "live")
	_ = hub
	c, _ := localClient(t, f, func(c *Config) {
		c.Logger = logger
		c.EndpointURL = "https://x.endpoints.huggingface.cloud/v1?api-key=" + testProviderKey
		c.APIKey = ""
		c.Getenv = envMap(t, map[string]string{"HF_TOKEN": testHFToken})
	})
	if _, err := say(t, c); err != nil {
		t.Fatal(err)
	}
	// A routed call with a mapping lookup, logged too.
	c2, err := New(Config{Model: "log/model", Provider: "together", Logger: logger, HTTPClient: hub.client(),
		Getenv: envMap(t, map[string]string{"HF_TOKEN": testHFToken})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := say(t, c2); err != nil {
		t.Fatal(err)
	}
	log := buf.String()
	for _, s := range []string{`"msg":"inference request"`, `"status":503`, `"status":200`, `"attempt":2`, `"msg":"inference retry"`,
		`"Authorization":"***"`, "https://x.endpoints.huggingface.cloud/v1/chat/completions?api-key=%2A%2A%2A",
		"https://huggingface.co/api/models/log/model", "https://router.huggingface.co/together/v1/chat/completions", `"method":"POST"`, `"duration"`} {
		if !strings.Contains(log, s) {
			t.Errorf("log lacks %s", s)
		}
	}
	for _, secret := range []string{testHFToken, testProviderKey, "hf_test"} {
		if strings.Contains(log, secret) {
			t.Errorf("log leaks %q:\n%s", secret, log)
		}
	}
}

func TestServerWarningHeaderIsShownOncePerTopic(t *testing.T) {
	f, _ := scripted(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("X-HF-Warning", "deprecation; this route will be removed")
		okStream(w, r)
	})
	var got []string
	c, _ := localClient(t, f, func(c *Config) { c.Warn = func(s string) { got = append(got, s) } })
	for range 2 {
		if _, err := say(t, c); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 1 || got[0] != "server warning: this route will be removed" {
		t.Errorf("warnings = %q", got)
	}
}
