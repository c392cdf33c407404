package serve_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiny-agents/tiny-agents/inference"
	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
	"github.com/tiny-agents/tiny-agents/internal/serve"
)

// readUntil reads SSE lines until one contains want, and returns what it read.
func readUntil(t *testing.T, sc *bufio.Scanner, want string) string {
	t.Helper()
	var seen strings.Builder
	for sc.Scan() {
		seen.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), want) {
			return seen.String()
		}
	}
	t.Fatalf("stream ended before %q:\n%s", want, seen.String())
	return ""
}

func TestClientDisconnectCancelsTheModelRequest(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{{Text: "thinking hard", Hang: true}})
	resp := f.post(t, userRequest("hi", true))
	sc := bufio.NewScanner(resp.Body)
	readUntil(t, sc, `"content":" hard"`)
	if f.model.Active() != 1 {
		t.Fatalf("model has %d requests in flight, want 1", f.model.Active())
	}
	resp.Body.Close() // the client goes away mid-stream
	eventually(t, 5*time.Second, "the model request was not cancelled", func() bool { return f.model.Active() == 0 })
	eventually(t, 5*time.Second, "the run did not end as interrupted", func() bool {
		return strings.Contains(f.log.String(), "stop=interrupted")
	})
}

func TestClientDisconnectCancelsTheToolCall(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{
		{When: "user", ToolCalls: []fakemodel.Call{{ID: "long", Name: "trigger-long-running-operation", Arguments: `{"duration":30,"steps":30}`}}},
		{When: "tool", Text: "should never be asked for"},
	}, withTools(t))
	resp := f.post(t, userRequest("run the long thing", true))
	sc := bufio.NewScanner(resp.Body)
	readUntil(t, sc, `"type":"tool_call"`)
	start := time.Now()
	resp.Body.Close()
	eventually(t, 5*time.Second, "the 30 s tool call was not cancelled", func() bool {
		return strings.Contains(f.log.String(), "stop=interrupted")
	})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("run ended %s after the disconnect", d)
	}
	if n := len(f.model.Requests()); n != 1 {
		t.Errorf("model got %d requests, want 1: no round after the client left", n)
	}
}

func TestFiftyConcurrentRequestsDoNotCrossTalk(t *testing.T) {
	f := newFixture(t, toolRound(), withTools(t))
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nonce := fmt.Sprintf("request-%02d-%d", i, time.Now().UnixNano()%100000)
			want := "Checking " + nonce + "\n\nThe tool said: Echo: " + nonce
			var got string
			var activity []map[string]any
			if i%2 == 0 {
				s := readSSE(t, f.post(t, userRequest(nonce, true)))
				got, activity = s.content(), s.activity()
				if !s.done {
					errs <- nonce + ": no [DONE]"
				}
			} else {
				c := decodeCompletion(t, f.post(t, userRequest(nonce, false)))
				got, activity = c.Choices[0].Message.Content, c.ToolActivity
			}
			if got != want {
				errs <- fmt.Sprintf("%s: answer %q", nonce, got)
			}
			if len(activity) != 2 || activity[1]["content"] != "Echo: "+nonce {
				errs <- fmt.Sprintf("%s: tool activity %v", nonce, activity)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if got := len(f.model.Requests()); got != 2*n {
		t.Errorf("model got %d requests, want %d (two rounds each)", got, 2*n)
	}
}

// serveOn runs the fixture's handler on a real listener with graceful shutdown.
func serveOn(t *testing.T, f *fixture, drain time.Duration) (url string, stop func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.h.Serve(ctx, ln, drain) }()
	t.Cleanup(cancel)
	return "http://" + ln.Addr().String(), func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(drain + 10*time.Second):
			t.Fatal("Serve did not return after shutdown")
			return nil
		}
	}
}

func streamRequest(t *testing.T, url string) (*http.Response, *bufio.Scanner) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/v1/chat/completions",
		strings.NewReader(`{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp, bufio.NewScanner(resp.Body)
}

func TestShutdownLetsRequestsInFlightFinish(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{{Text: "one two three four five", Delay: fakemodel.Duration(100 * time.Millisecond)}})
	url, stop := serveOn(t, f, 10*time.Second)
	_, sc := streamRequest(t, url)
	seen := readUntil(t, sc, `"content":"one"`)
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	eventually(t, 2*time.Second, "shutdown did not begin", f.h.Draining)
	seen += readUntil(t, sc, "data: [DONE]")
	if !strings.Contains(seen, `"content":" five"`) || !strings.Contains(seen, `"finish_reason":"stop"`) {
		t.Errorf("the request in flight did not finish:\n%s", seen)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := http.Get(url + "/health"); err == nil {
		t.Errorf("the server still accepts connections after shutdown")
	}
}

func TestShutdownCancelsRequestsAfterTheDeadline(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{{Text: "partial", Hang: true}})
	url, stop := serveOn(t, f, 300*time.Millisecond)
	_, sc := streamRequest(t, url)
	readUntil(t, sc, `"content":"partial"`)
	start := time.Now()
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	rest := readUntil(t, sc, "data: [DONE]")
	if !strings.Contains(rest, `"code":"shutting_down"`) {
		t.Errorf("the cancelled stream did not get a shutting_down error chunk:\n%s", rest)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %s with a 300ms deadline", d)
	}
	eventually(t, 5*time.Second, "the model request outlived the shutdown", func() bool { return f.model.Active() == 0 })
}

func TestSlowModelGetsKeepAlivesInTheStream(t *testing.T) {
	f := newFixture(t, []fakemodel.Reply{{Text: "finally", Delay: fakemodel.Duration(400 * time.Millisecond)}},
		func(o *serve.Options, _ *inference.Config) { o.KeepAlive = 150 * time.Millisecond })
	s := readSSE(t, f.post(t, userRequest("hi", true)))
	ping := strings.Index(s.raw, ": keep-alive")
	if ping < 0 || ping > strings.Index(s.raw, "finally") {
		t.Errorf("no keep-alive comment while the model was silent:\n%s", s.raw)
	}
	if s.content() != "finally" || !s.done {
		t.Errorf("stream after keep-alives: %q done=%t", s.content(), s.done)
	}
}
