//go:build windows

package mcp

import (
	"errors"
	"os/exec"
	"syscall"
)

// inheritedEnv is what a stdio server inherits from our environment on Windows.
var inheritedEnv = []string{"APPDATA", "HOMEDRIVE", "HOMEPATH", "LOCALAPPDATA", "PATH", "PATHEXT",
	"PROCESSOR_ARCHITECTURE", "SYSTEMDRIVE", "SYSTEMROOT", "TEMP", "TMP", "USERNAME", "USERPROFILE", "PROGRAMFILES", "COMSPEC"}

// detach starts the server in a new process group, so Ctrl+C reaches us and not the server.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

// killGroup kills the server. Its children are not tracked on Windows (no job object).
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}

// isBrokenPipe: ERROR_NO_DATA (232) is what writing to a pipe whose reader has gone gives.
func isBrokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.Errno(232))
}

// terminateGroup kills the server: Windows has no SIGTERM for console programs.
func terminateGroup(cmd *exec.Cmd) { killGroup(cmd) }
