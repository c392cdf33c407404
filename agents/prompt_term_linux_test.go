//go:build linux

package agents

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: what the user types goes into master, the program
// reads slave; what the terminal echoes comes back out of master.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("no pseudo-terminal on this machine: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

// echoed collects what the terminal sends back to the "keyboard" side.
type echoed struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (e *echoed) String() string { e.mu.Lock(); defer e.mu.Unlock(); return e.buf.String() }

func watch(master *os.File) *echoed {
	e := &echoed{}
	go func() {
		b := make([]byte, 256)
		for {
			n, err := master.Read(b)
			e.mu.Lock()
			e.buf.Write(b[:n])
			e.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return e
}

func echoOn(t *testing.T, f *os.File) bool {
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio.Lflag&unix.ECHO != 0
}

func TestTerminalPrompterDoesNotEchoPasswords(t *testing.T) {
	master, slave := openPTY(t)
	out := watch(master)
	var question bytes.Buffer
	ask := TerminalPrompter(slave, &question)

	type answer struct {
		v   string
		err error
	}
	got := make(chan answer, 1)
	go func() {
		v, err := ask(Input{ID: "api-token", Description: "Your API token", Password: true})
		got <- answer{v, err}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for echoOn(t, slave) {
		if time.Now().After(deadline) {
			t.Fatal("the prompter never turned echo off for a password input")
		}
		time.Sleep(5 * time.Millisecond)
	}
	master.Write([]byte("s3cret-typed\n"))
	a := <-got
	if a.err != nil || a.v != "s3cret-typed" {
		t.Fatalf("answer %q, %v", a.v, a.err)
	}
	if !echoOn(t, slave) {
		t.Error("echo was not restored after the password")
	}
	if !strings.Contains(question.String(), "api-token: Your API token (or set API_TOKEN)") {
		t.Errorf("question %q", question.String())
	}

	// A plain input is echoed as typed: this proves the check above can see an echo.
	go func() {
		v, err := ask(Input{ID: "region"})
		got <- answer{v, err}
	}()
	master.Write([]byte("eu-west\n"))
	if a := <-got; a.v != "eu-west" {
		t.Fatalf("plain answer %q %v", a.v, a.err)
	}
	time.Sleep(50 * time.Millisecond)
	if echo := out.String(); strings.Contains(echo, "s3cret") || !strings.Contains(echo, "eu-west") {
		t.Errorf("the terminal echoed %q: the password must not appear, the plain answer must", echo)
	}
}

func TestTerminalPrompterReadsOnlyItsLine(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	w.Write([]byte("first\nsecond line for the chat\n"))
	w.Close()
	ask := TerminalPrompter(r, &bytes.Buffer{})
	v, err := ask(Input{ID: "x", Password: true}) // not a terminal: read as a line
	if err != nil || v != "first" {
		t.Fatalf("got %q, %v", v, err)
	}
	rest := make([]byte, 100)
	n, _ := r.Read(rest)
	if string(rest[:n]) != "second line for the chat\n" {
		t.Errorf("the prompter took more than its line; left %q", rest[:n])
	}
}
