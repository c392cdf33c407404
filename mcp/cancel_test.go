package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestACancelledCallSendsNotificationsCancelledOverStdio(t *testing.T) {
	m := startManager(t, Options{}, fakeServerConfig("slowpoke", "ok"))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	if _, err := m.Call(ctx, "wait", map[string]any{}, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	waitFor(t, func() bool { return strings.Contains(m.Stderr("slowpoke"), `"requestId":`) }, "notifications/cancelled in the server's log")
	time.Sleep(200 * time.Millisecond)
	if n := strings.Count(m.Stderr("slowpoke"), "got notifications/cancelled"); n != 1 {
		t.Fatalf("%d notifications/cancelled, want exactly one:\n%s", n, m.Stderr("slowpoke"))
	}
}

func TestATimedOutCallSendsNotificationsCancelledOverHTTP(t *testing.T) {
	cancelled := make(chan string, 1)
	srv := httptest.NewServer(fakeHTTPServer(cancelled))
	defer srv.Close()
	m := startManager(t, Options{ToolTimeout: 300 * time.Millisecond}, ServerConfig{Name: "h", Type: "http", URL: srv.URL + "/mcp",
		Headers: map[string]string{"Authorization": "Bearer secret-token"}})
	if st := m.Servers()[0]; st.Err != nil {
		t.Fatal(st.Err)
	}
	if _, err := m.Call(context.Background(), "wait", map[string]any{}, nil); !errors.Is(err, ErrToolTimeout) {
		t.Fatalf("err %v", err)
	}
	select {
	case body := <-cancelled:
		if !strings.Contains(body, `"requestId":`) {
			t.Fatalf("notification %s", body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no notifications/cancelled reached the server")
	}
}

// fakeHTTPServer is a minimal streamable HTTP server with one tool, wait, that never answers
// before the client goes away. It sends every notifications/cancelled it gets on cancelled.
func fakeHTTPServer(cancelled chan<- string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer secret-token" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var msg struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		json.Unmarshal(body, &msg)
		if msg.ID == nil {
			if msg.Method == "notifications/cancelled" {
				cancelled <- string(body)
			}
			w.WriteHeader(http.StatusAccepted)
			return
		}
		var result any
		switch msg.Method {
		case "initialize":
			w.Header().Set("Mcp-Session-Id", "s1")
			result = map[string]any{"protocolVersion": "2025-11-25", "capabilities": map[string]any{"tools": map[string]any{}},
				"serverInfo": map[string]any{"name": "fake-http", "version": "1"}}
		case "tools/list":
			result = map[string]any{"tools": []any{map[string]any{"name": "wait", "inputSchema": map[string]any{"type": "object"}}}}
		case "tools/call":
			<-r.Context().Done()
			return
		default:
			result = map[string]any{}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": msg.ID, "result": result})
	})
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAURLWithNoTypeFallsBackToSSE(t *testing.T) {
	m := startManager(t, Options{}, ServerConfig{Name: "legacy", URL: everything(t, "sse").URL})
	st := m.Servers()[0]
	if st.Err != nil || st.Transport != "sse" || st.Tools < 10 {
		t.Fatalf("%+v", st)
	}
	if r, err := m.Call(context.Background(), "echo", map[string]any{"message": "old school"}, nil); err != nil || !strings.Contains(r.Text, "old school") {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestAURLWithNoTypeUsesStreamableHTTP(t *testing.T) {
	m := startManager(t, Options{}, ServerConfig{Name: "modern", URL: everything(t, "http").URL})
	if st := m.Servers()[0]; st.Err != nil || st.Transport != "http" {
		t.Fatalf("%+v", st)
	}
}
