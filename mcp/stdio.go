package mcp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/client/transport"
)

// stdioProcess is a started stdio server. We run the process ourselves (mcp-go only gets its
// pipes) to know when and how it exited, to see what it wrote on stdout that was not
// JSON-RPC, and to stop its whole process group.
type stdioProcess struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *os.File
	sniff  *stdoutSniffer
	exited chan struct{}
	// waitErr is cmd.Wait's result, readable once exited is closed.
	waitErr error
}

// startStdio starts the server's command with a minimal environment, its stderr going to
// stderr (the per-server log, never our terminal).
func startStdio(cfg ServerConfig, stderr io.Writer) (*stdioProcess, error) {
	if cfg.Command == "" {
		return nil, errors.New("no command to start: set \"command\" in the server's config")
	}
	cmd := exec.Command(cfg.Command, cfg.Args...)
	if errors.Is(cmd.Err, exec.ErrNotFound) {
		return nil, fmt.Errorf("command %q not found: install it or fix \"command\" (PATH is searched)", cfg.Command)
	}
	cmd.Env = childEnv(cfg.Env)
	cmd.Dir = cfg.Cwd
	cmd.Stderr = stderr
	// A grandchild that keeps stderr open must not hold up Wait forever.
	cmd.WaitDelay = 2 * time.Second
	detach(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	// Our own pipe rather than StdoutPipe: Wait closes StdoutPipe's end at exit, which could
	// drop the last response a server wrote before exiting.
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = w
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		if errors.Is(err, exec.ErrNotFound) {
			return nil, fmt.Errorf("command %q not found: install it or fix \"command\" (PATH is searched)", cfg.Command)
		}
		return nil, fmt.Errorf("start %s: %w", cfg.Command, err)
	}
	w.Close()
	p := &stdioProcess{cmd: cmd, stdin: stdin, stdout: r, sniff: &stdoutSniffer{r: r}, exited: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// transport returns the mcp-go transport over the process's pipes.
func (p *stdioProcess) transport() transport.Interface {
	return transport.NewIO(p.sniff, quietStdin{p}, nil)
}

// quietStdin is the server's stdin as mcp-go sees it. A write to a server that has exited or
// been closed reports success: mcp-go logs failed writes on the process's default logger (our
// terminal), and the call fails anyway once the server's stdout ends.
type quietStdin struct{ p *stdioProcess }

func (q quietStdin) Write(b []byte) (int, error) {
	n, err := q.p.stdin.Write(b)
	if err != nil && (errors.Is(err, os.ErrClosed) || isBrokenPipe(err) || q.p.exitErr() != nil) {
		return len(b), nil
	}
	return n, err
}

func (q quietStdin) Close() error { return q.p.stdin.Close() }

// exitErr describes how the process ended, or is nil while it runs.
func (p *stdioProcess) exitErr() error {
	select {
	case <-p.exited:
	default:
		return nil
	}
	if p.waitErr == nil {
		return errors.New("the server exited")
	}
	return fmt.Errorf("the server exited: %w", p.waitErr)
}

// waitExit waits up to d for the process to end and reports how it did.
func (p *stdioProcess) waitExit(d time.Duration) error {
	select {
	case <-p.exited:
		return p.exitErr()
	case <-time.After(d):
		return nil
	}
}

// stop ends the process: its stdin is closed (as the MCP spec asks), which ends a
// well-behaved server; one still running shortly after is sent SIGTERM with its process group,
// then SIGKILL. The waits are short because the user waits for them when quitting (many
// servers, server-everything among them, keep running after stdin closes).
func (p *stdioProcess) stop() {
	p.stdin.Close()
	if !p.waitFor(300 * time.Millisecond) {
		terminateGroup(p.cmd)
		if !p.waitFor(time.Second) {
			killGroup(p.cmd)
			<-p.exited
		}
	}
	// Children of the server that kept running still hold the group; end them too.
	killGroup(p.cmd)
	p.stdout.Close()
}

func (p *stdioProcess) waitFor(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.exited:
		return true
	case <-t.C:
		return false
	}
}

// stdoutSniffer passes a server's stdout through and remembers the last lines that were not
// JSON-RPC (mcp-go skips them silently), so that "the server never answered" can say what it
// printed instead.
type stdoutSniffer struct {
	r       io.Reader
	mu      sync.Mutex
	line    []byte
	garbage []string
}

func (s *stdoutSniffer) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.scan(p[:n])
	}
	return n, err
}

const maxSniffLine = 200

func (s *stdoutSniffer) scan(b []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		chunk := b
		if i >= 0 {
			chunk = b[:i]
		}
		// Only the start of a line decides; a long JSON line costs nothing.
		if room := maxSniffLine - len(s.line); room > 0 {
			s.line = append(s.line, chunk[:min(room, len(chunk))]...)
		}
		if i < 0 {
			return
		}
		s.endLine()
		b = b[i+1:]
	}
}

func (s *stdoutSniffer) endLine() {
	l := strings.TrimSpace(string(s.line))
	s.line = s.line[:0]
	if l == "" || strings.HasPrefix(l, "{") {
		return
	}
	s.garbage = append(s.garbage, l)
	if len(s.garbage) > 3 {
		s.garbage = s.garbage[1:]
	}
}

// Garbage returns the last non-JSON lines the server printed on stdout, or "".
func (s *stdoutSniffer) Garbage() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.garbage
	if l := strings.TrimSpace(string(s.line)); l != "" && !strings.HasPrefix(l, "{") {
		out = append(append([]string(nil), out...), l)
	}
	return strings.Join(out, " | ")
}
