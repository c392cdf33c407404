package fakemodel

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// post sends a chat request whose history ends with a message of the given role and returns
// the streamed body.
func post(t *testing.T, url, lastRole string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"messages": []any{
		map[string]any{"role": "user", "content": "hi"},
		map[string]any{"role": lastRole, "content": "x"},
	}})
	resp, err := http.Post(url+"/v1/chat/completions", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestWhenRepliesMatchTheLastMessageRole(t *testing.T) {
	s := New(
		Reply{When: "user", Text: "from-user"},
		Reply{When: "tool", Text: "from-tool"},
		Reply{When: "assistant", Text: "from-assistant"},
	)
	defer s.Close()
	for _, tc := range []struct{ role, want string }{
		{"user", "from-user"},
		{"tool", "from-tool"},
		{"assistant", "from-assistant"},
		{"tool", "from-tool"},
		{"assistant", "from-assistant"},
	} {
		if got := post(t, s.URL, tc.role); !strings.Contains(got, tc.want) {
			t.Errorf("last role %s: got %q, want a stream with %q", tc.role, got, tc.want)
		}
	}
}

func TestRequestsRecordWhenTheyArrived(t *testing.T) {
	s := New(Reply{When: "user", Text: "ok"})
	defer s.Close()
	before := time.Now()
	post(t, s.URL, "user")
	after := time.Now()
	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d recorded requests, want 1", len(reqs))
	}
	if at := reqs[0].Time; at.Before(before) || at.After(after) {
		t.Errorf("request time %v is not between %v and %v", at, before, after)
	}
}
