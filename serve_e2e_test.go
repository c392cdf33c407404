//go:build !windows

package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
)

func TestServeRefusesToStartWithoutToolApproval(t *testing.T) {
	model := fakemodel.New()
	defer model.Close()
	dir := writeAgent(t, model.URL, nil)
	cases := map[string][]string{
		"neither --yolo nor --allow-tools": {"serve", dir, "--port", "0"},
		"both --yolo and --allow-tools":    {"serve", dir, "--port", "0", "--yolo", "--allow-tools", "echo"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			r := runBin(t, nil, args...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2; stderr %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, "--yolo") || !strings.Contains(r.stderr, "--allow-tools") {
				t.Errorf("the message does not say what to pass: %s", r.stderr)
			}
		})
	}
}

// lockedLines collects a process's stderr lines.
type lockedLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *lockedLines) add(s string) { l.mu.Lock(); l.lines = append(l.lines, s); l.mu.Unlock() }
func (l *lockedLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func TestServeAnswersOverHTTPAndStopsOnSIGTERM(t *testing.T) {
	model := fakemodel.New(
		fakemodel.Reply{When: "user", ToolCalls: []fakemodel.Call{{ID: "c1", Name: "echo", Arguments: `{"message":"{{last}}"}`}}, Echo: true},
		fakemodel.Reply{When: "tool", Echo: true, Text: "Tool: "},
	)
	defer model.Close()
	dir := writeAgent(t, model.URL, nil)
	cmd := exec.Command(binPath, "serve", dir, "--port", "0", "--allow-tools", "echo")
	cmd.Env = append(os.Environ(), "TINY_AGENTS_SERVE_KEY=test-key")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var log lockedLines
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)/v1`)
		for sc.Scan() {
			log.add(sc.Text())
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	var base string
	select {
	case base = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not say where it listens:\n%s", log.String())
	}
	if out := log.String(); !strings.Contains(out, "tools (") || !strings.Contains(out, "echo") || !strings.Contains(out, "only echo run") {
		t.Errorf("banner does not list the tools and the allow-list:\n%s", out)
	}

	post := func(key, body string) (int, string) {
		req, _ := http.NewRequest("POST", base+"/v1/chat/completions", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := post("", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`); code != 401 {
		t.Errorf("request without the key: %d", code)
	}
	code, body := post("test-key", `{"model":"m","stream":true,"messages":[{"role":"user","content":"ping-7"}]}`)
	if code != 200 || !strings.Contains(body, `"content":"Echo: ping-7"`) || !strings.HasSuffix(strings.TrimSpace(body), "data: [DONE]") {
		t.Errorf("streamed tool round: %d\n%s", code, body)
	}

	req, _ := http.NewRequest("GET", base+"/health", nil)
	req.Header.Set("Authorization", "Bearer test-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	hb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(hb), `"status":"ok"`) || !strings.Contains(string(hb), `"transport":"stdio"`) {
		t.Errorf("health: %d %s", resp.StatusCode, hb)
	}

	cmd.Process.Signal(syscall.SIGTERM)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("serve exited with %v after SIGTERM, want status 0\n%s", err, log.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not stop after SIGTERM:\n%s", log.String())
	}
	if !strings.Contains(log.String(), "stopped") {
		t.Errorf("no stop message:\n%s", log.String())
	}
}

func TestServeOnABusyPortExitsOne(t *testing.T) {
	model := fakemodel.New()
	defer model.Close()
	dir := writeAgent(t, model.URL, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	r := runBin(t, nil, "serve", dir, "--yolo", "--port", port)
	if r.code != 1 || !strings.Contains(r.stderr, "listen on 127.0.0.1:"+port) {
		t.Errorf("exit %d, stderr %s", r.code, r.stderr)
	}
}
