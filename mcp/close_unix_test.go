//go:build !windows

package mcp

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestCloseStopsAServerStillInItsHandshake: a server that never answers initialize is still
// starting in the background when the program ends (Ctrl+C during start-up, or a turn that
// finished first); Close must stop its process, not leave it orphaned.
func TestCloseStopsAServerStillInItsHandshake(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	cfg := fakeServerConfig("silent", "silent")
	cfg.Env["FAKE_MCP_PIDFILE"] = pidFile
	m := NewManager(Options{ReadyWait: 300 * time.Millisecond, StartTimeout: time.Minute})
	m.Start(t.Context(), []ServerConfig{cfg})
	if st := m.Servers()[0]; st.Err != nil || !st.Starting {
		t.Fatalf("want the server still starting after the ready wait, got %+v", st)
	}
	var pid int
	for deadline := time.Now().Add(5 * time.Second); pid == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		b, _ := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(string(b))
	}
	if pid == 0 {
		t.Fatal("the fake server never wrote its pid")
	}
	start := time.Now()
	m.Close()
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("Close took %s", d)
	}
	if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
		t.Errorf("the server process %d is still there after Close (kill 0: %v)", pid, err)
	}
}
