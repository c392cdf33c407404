package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
)

// syncBuffer is a bytes.Buffer safe to read while the process writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLineModeWhenStdinIsAPipe(t *testing.T) {
	srv := fakemodel.New(
		fakemodel.Reply{ToolCalls: []fakemodel.Call{{ID: "c1", Name: "echo", Arguments: `{"message":"piped"}`}}},
		fakemodel.Reply{Text: "The tool said piped."},
	)
	defer srv.Close()
	dir := writeAgent(t, srv.URL+"/v1", nil)
	cmd := exec.Command(binPath, "run", dir)
	cmd.Stdin = strings.NewReader("use the echo tool\n/quit\n")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("exit: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
	}
	s := out.String()
	for _, w := range []string{"ready: model fake-model", "> ", "→ echo", "← echo Echo: piped", "The tool said piped."} {
		if !strings.Contains(s, w) {
			t.Fatalf("line mode output lacks %q:\n%s", w, s)
		}
	}
	if strings.Contains(s, "\x1b[") {
		t.Fatal("line mode wrote escape sequences")
	}
}

func TestLineModeInterruptStopsTheTurnAndTheChatGoesOn(t *testing.T) {
	srv := fakemodel.New(
		fakemodel.Reply{Text: "This slow answer would take a long while to finish if nobody stopped it", Delay: fakemodel.Duration(200 * time.Millisecond)},
		fakemodel.Reply{Text: "Second answer."},
	)
	defer srv.Close()
	dir := writeAgent(t, srv.URL+"/v1", nil)
	cmd := exec.Command(binPath, "run", dir)
	stdin, w := io.Pipe()
	cmd.Stdin = stdin
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitOut := func(want string) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for !strings.Contains(out.String(), want) {
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				t.Fatalf("output never showed %q:\n%s", want, out.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitOut("ready")
	io.WriteString(w, "go slowly\n")
	waitOut("This slow")
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	waitOut("[stopped; what was streamed is kept]")
	io.WriteString(w, "again\n")
	waitOut("Second answer.")
	io.WriteString(w, "/quit\n")
	w.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "nobody stopped it") {
		t.Fatalf("the stream went on after the interrupt:\n%s", out.String())
	}
}
