//go:build !windows

package mcp

import (
	"errors"
	"os/exec"
	"syscall"
)

// inheritedEnv is what a stdio server inherits from our environment on Unix.
var inheritedEnv = []string{"HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER", "LANG", "LC_ALL", "TMPDIR"}

// detach puts the server in its own process group, so a Ctrl+C in the terminal reaches us
// (we cancel the call cleanly) and not the server.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killGroup kills the server and everything it started (npx, shells, node...).
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

func isBrokenPipe(err error) bool { return errors.Is(err, syscall.EPIPE) }

// terminateGroup asks the server and everything it started to stop.
func terminateGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	}
}
