// Package testservers finds the real programs the tests run (MCP reference servers, the
// conformance suite, Node 22), installed from testdata/npm/package-lock.json by
// `npm ci --prefix testdata/npm` (what .ci/run does). A test that needs one and cannot find
// it fails and says how to install it: it never skips silently.
package testservers

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Root is the module's root folder.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// NodeModules is the folder the test servers are installed in.
func NodeModules() string { return filepath.Join(Root(), "testdata", "npm", "node_modules") }

const installHint = "install the test servers with: npm ci --prefix testdata/npm (as .ci/run does)"

// Node returns the path of the system node (for the MCP servers).
func Node(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not on PATH: the MCP reference servers need Node.js 20 or later")
	}
	return p
}

// Node22 returns the Node 22 binary installed for the conformance suite.
func Node22(t testing.TB) string {
	t.Helper()
	return mustExist(t, filepath.Join(NodeModules(), "node", "bin", "node"))
}

// Script returns the path of a file in the installed packages, e.g.
// Script(t, "@modelcontextprotocol/server-everything/dist/index.js").
func Script(t testing.TB, rel string) string {
	t.Helper()
	return mustExist(t, filepath.Join(NodeModules(), filepath.FromSlash(rel)))
}

// Everything returns the command line of server-everything over stdio.
func Everything(t testing.TB) (string, []string) {
	t.Helper()
	return Node(t), []string{Script(t, "@modelcontextprotocol/server-everything/dist/index.js"), "stdio"}
}

func mustExist(t testing.TB, p string) string {
	t.Helper()
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s is missing: %s", p, installHint)
	}
	return p
}
