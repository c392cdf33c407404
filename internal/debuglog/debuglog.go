// Package debuglog writes the --debug log: one line per thing that happened (start-up,
// requests, events, timings), every line passed through package redact first.
package debuglog

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tiny-agents/tiny-agents/internal/redact"
)

// Log is an open debug log. The zero value and nil discard everything.
type Log struct {
	mu    sync.Mutex
	w     io.WriteCloser
	start time.Time
	path  string
}

// Open creates a new debug log file in dir (os.TempDir() when empty).
func Open(dir string) (*Log, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	name := fmt.Sprintf("tiny-agents-debug-%s-%d.log", time.Now().Format("20060102-150405"), os.Getpid())
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the debug log: %w", err)
	}
	return &Log{w: f, start: time.Now(), path: path}, nil
}

// Path is the file the log writes to.
func (l *Log) Path() string {
	if l == nil {
		return ""
	}
	return l.path
}

// Printf writes one line, stamped with the time since start and redacted.
func (l *Log) Printf(format string, args ...any) {
	if l == nil || l.w == nil {
		return
	}
	line := redact.String(fmt.Sprintf(format, args...))
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%9.3fs %s\n", time.Since(l.start).Seconds(), line)
}

// Close closes the file.
func (l *Log) Close() error {
	if l == nil || l.w == nil {
		return nil
	}
	return l.w.Close()
}

// Slog returns a structured logger writing to the log (for packages that take a *slog.Logger).
// A nil Log gives nil.
func (l *Log) Slog() *slog.Logger {
	if l == nil {
		return nil
	}
	return slog.New(handler{l: l})
}

type handler struct {
	l     *Log
	attrs []slog.Attr
	group string
}

func (h handler) Enabled(context.Context, slog.Level) bool { return true }

func (h handler) Handle(_ context.Context, r slog.Record) error {
	line := r.Level.String() + " " + r.Message
	add := func(a slog.Attr) bool {
		k := a.Key
		if h.group != "" {
			k = h.group + "." + k
		}
		line += fmt.Sprintf(" %s=%v", k, a.Value.Any())
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	h.l.Printf("%s", line)
	return nil
}

func (h handler) WithAttrs(as []slog.Attr) slog.Handler {
	h.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return h
}

func (h handler) WithGroup(name string) slog.Handler {
	if h.group != "" {
		name = h.group + "." + name
	}
	h.group = name
	return h
}
