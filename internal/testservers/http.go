package testservers

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// LoopbackPreload is the `node --require` file that makes a Node server listen on 127.0.0.1
// only (server-everything binds all interfaces and has no host option).
func LoopbackPreload(t testing.TB) string {
	t.Helper()
	return mustExist(t, filepath.Join(Root(), "testdata", "loopback.cjs"))
}

// EverythingHTTP starts server-everything in mode "sse" (path /sse) or "streamableHttp"
// (path /mcp) on a free loopback port, waits until it accepts connections, and returns its
// base URL, http://127.0.0.1:PORT. The server is stopped when the test ends.
func EverythingHTTP(t testing.TB, mode string) string {
	t.Helper()
	port := FreePort(t)
	script := Script(t, "@modelcontextprotocol/server-everything/dist/index.js")
	cmd := exec.Command(Node(t), "--require", LoopbackPreload(t), script, mode)
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port))
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start server-everything %s: %v", mode, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return "http://" + addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("server-everything %s did not listen on %s within 20s; its output: %s", mode, addr, log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// FreePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
