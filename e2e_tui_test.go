package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
)

// tmuxTerm drives a real terminal: a tmux session on a private server socket.
type tmuxTerm struct {
	t      *testing.T
	socket string
	name   string
}

func newTmux(t *testing.T, width, height int, command string) *tmuxTerm {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is not installed: the TUI end-to-end test drives a real terminal through tmux (apt-get install tmux)")
	}
	tm := &tmuxTerm{t: t, socket: fmt.Sprintf("ta-e2e-%d-%s", os.Getpid(), t.Name()), name: "tui"}
	tm.run("new-session", "-d", "-s", tm.name, "-x", fmt.Sprint(width), "-y", fmt.Sprint(height), command)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *tmuxTerm) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v: %s", args, err, out)
	}
	return string(out)
}

func (tm *tmuxTerm) keys(keys ...string) {
	tm.run(append([]string{"send-keys", "-t", tm.name}, keys...)...)
}

// typeText types literally (no key names).
func (tm *tmuxTerm) typeText(s string) { tm.run("send-keys", "-t", tm.name, "-l", s) }

func (tm *tmuxTerm) screen() string { return tm.run("capture-pane", "-t", tm.name, "-p") }

// waitFor waits until the screen shows every string.
func (tm *tmuxTerm) waitFor(what string, want ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := tm.screen()
		ok := true
		for _, w := range want {
			if !strings.Contains(s, w) {
				ok = false
			}
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("waiting for %s: the screen never showed %q:\n%s", what, want, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startFakeModel runs cmd/fakemodel as its own process with a script and returns its URL.
func startFakeModel(t *testing.T, replies []fakemodel.Reply) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "fakemodel")
	if out, err := exec.Command("go", "build", "-o", bin, "./internal/fakemodel/cmd/fakemodel").CombinedOutput(); err != nil {
		t.Fatalf("build fakemodel: %v: %s", err, out)
	}
	script := filepath.Join(dir, "script.json")
	b, _ := json.Marshal(replies)
	if err := os.WriteFile(script, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-script", script)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("fakemodel printed no URL: %v", err)
	}
	return strings.TrimSpace(line)
}

// TestTUIInARealTerminal runs the chat screen in tmux against the scripted model and
// server-everything: a prompt, a tool approval, the answer, a slow stream stopped with
// Ctrl+C, and a clean quit.
func TestTUIInARealTerminal(t *testing.T) {
	url := startFakeModel(t, []fakemodel.Reply{
		{ToolCalls: []fakemodel.Call{{ID: "call_1", Name: "echo", Arguments: `{"message":"hello from the terminal"}`}}},
		{Text: "The echo tool answered **hello from the terminal**.\n\n```go\nfmt.Println(\"ok\")\n```\n", Usage: &fakemodel.Usage{PromptTokens: 120, CompletionTokens: 30}},
		{Text: "This slow answer streams one word at a time and would take a long while to finish if nobody stopped it", Delay: fakemodel.Duration(250 * time.Millisecond)},
	})
	agentDir := writeAgent(t, url, nil)
	status := filepath.Join(t.TempDir(), "status")
	cmd := fmt.Sprintf("%s run %s; echo $? > %s", binPath, agentDir, status)
	tm := newTmux(t, 120, 40, cmd)

	tm.waitFor("the ready screen", "servers 1/1", "ready")
	tm.typeText("Please echo hello")
	tm.keys("Enter")
	tm.waitFor("the approval prompt", "Run this tool?", "echo · ", `"message": "hello from the terminal"`, "waiting for approval")
	tm.keys("y")
	s := tm.waitFor("the answer", "Echo: hello from the terminal", "The echo tool answered hello from the terminal.", `fmt.Println("ok")`, "150 tokens", "ready")
	if strings.Contains(s, "**") {
		t.Fatalf("markdown not rendered:\n%s", s)
	}

	tm.typeText("Now answer slowly")
	tm.keys("Enter")
	tm.waitFor("the slow stream", "This slow answer", "streaming")
	tm.keys("C-c")
	s = tm.waitFor("the stop", "stopped; what was streamed is kept", "ready")
	if strings.Contains(s, "nobody stopped it") {
		t.Fatalf("the stream went on after ctrl+c:\n%s", s)
	}
	t.Logf("screen after the stop:\n%s", s)

	tm.keys("C-c")
	tm.waitFor("the quit question", "Press ctrl+c again to quit")
	tm.keys("C-c")
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(status)
		if err == nil && strings.TrimSpace(string(b)) != "" {
			if code := strings.TrimSpace(string(b)); code != "0" {
				t.Fatalf("exit status %s, want 0; screen:\n%s", code, tm.screen())
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tiny-agents did not exit after ctrl+c twice; screen:\n%s", tm.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitStatus waits for the exit status the shell wrote after the program ended.
func waitStatus(t *testing.T, tm *tmuxTerm, path string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if b, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(b)) != "" {
			return strings.TrimSpace(string(b))
		}
		if time.Now().After(deadline) {
			t.Fatalf("the program did not exit; screen:\n%s", tm.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// With --yolo the tool runs without a question; NO_COLOR gives a screen without colour;
// Ctrl+D on the empty prompt quits with status 0.
func TestTUIYoloAndNoColor(t *testing.T) {
	url := startFakeModel(t, []fakemodel.Reply{
		{ToolCalls: []fakemodel.Call{{ID: "call_1", Name: "echo", Arguments: `{"message":"no questions"}`}}},
		{Text: "Ran it without asking."},
		{ToolCalls: []fakemodel.Call{{ID: "call_2", Name: "trigger-long-running-operation", Arguments: `{"duration":30,"steps":5}`}}},
	})
	agentDir := writeAgent(t, url, nil)
	status := filepath.Join(t.TempDir(), "status")
	tm := newTmux(t, 100, 30, fmt.Sprintf("NO_COLOR=1 %s run --yolo %s; echo $? > %s", binPath, agentDir, status))
	tm.waitFor("the ready screen", "servers 1/1", "ready")
	// A bracketed paste of several lines stays one prompt: its newlines do not send it.
	tm.run("set-buffer", "-b", "p", "first pasted line\nsecond pasted line\nthird pasted line")
	tm.run("paste-buffer", "-p", "-b", "p", "-t", tm.name)
	tm.waitFor("the pasted prompt", "> first pasted line", "third pasted line", "ready")
	tm.keys("Enter")
	s := tm.waitFor("the answer", "▌ first pasted line", "▌ third pasted line", "Echo: no questions", "Ran it without asking.")
	if strings.Contains(s, "Run this tool?") {
		t.Fatalf("--yolo asked:\n%s", s)
	}
	colored := tm.run("capture-pane", "-t", tm.name, "-p", "-e")
	for _, c := range []string{"38;5;", "38;2;", "[31m", "[32m", "[33m", "[34m", "[35m", "[36m"} {
		if strings.Contains(colored, c) {
			t.Fatalf("NO_COLOR screen has colour %q:\n%q", c, colored)
		}
	}
	// Ctrl+C stops a running tool call too.
	tm.typeText("a long one")
	tm.keys("Enter")
	tm.waitFor("the long tool", "trigger-long-running-operation", "running tool")
	tm.keys("C-c")
	tm.waitFor("the cancelled tool", "Cancelled by the user.", "Stopped.", "ready")
	tm.keys("C-d")
	if code := waitStatus(t, tm, status); code != "0" {
		t.Fatalf("ctrl+d exit status %s", code)
	}
}

func TestTUIBadThemeIsAUsageError(t *testing.T) {
	srv := fakemodel.New()
	defer srv.Close()
	agentDir := writeAgent(t, srv.URL+"/v1", nil)
	status := filepath.Join(t.TempDir(), "status")
	tm := newTmux(t, 100, 20, fmt.Sprintf("%s run --theme nosuch %s; echo $? > %s; sleep 5", binPath, agentDir, status))
	if code := waitStatus(t, tm, status); code != "2" {
		t.Fatalf("exit status %s, want 2", code)
	}
	tm.waitFor("the error", `theme "nosuch": no such theme`)
}

// A dumb terminal gets the line-mode chat even though stdin and stdout are terminals; with a
// person at the keyboard, tool calls are asked for there too.
func TestDumbTerminalGetsLineMode(t *testing.T) {
	srv := fakemodel.New(
		fakemodel.Reply{ToolCalls: []fakemodel.Call{{ID: "c1", Name: "echo", Arguments: `{"message":"x"}`}}},
		fakemodel.Reply{Text: "plain answer"})
	defer srv.Close()
	agentDir := writeAgent(t, srv.URL+"/v1", nil)
	status := filepath.Join(t.TempDir(), "status")
	tm := newTmux(t, 100, 20, fmt.Sprintf("TERM=dumb %s run %s; echo $? > %s; sleep 5", binPath, agentDir, status))
	tm.waitFor("the line-mode greeting", "ready: model fake-model")
	tm.typeText("hello")
	tm.keys("Enter")
	tm.waitFor("the approval question", "Allow echo {\"message\":\"x\"}? [y]es once, [a]lways this session, [n]o:")
	tm.typeText("n")
	tm.keys("Enter")
	tm.waitFor("the answer", "✗ echo The user denied this tool call.", "plain answer")
	tm.typeText("/quit")
	tm.keys("Enter")
	if code := waitStatus(t, tm, status); code != "0" {
		t.Fatalf("exit status %s", code)
	}
}
