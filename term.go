package main

import (
	"os"

	"github.com/charmbracelet/x/term"
)

// isTerminal says whether f is a terminal (the TUI needs one on both stdin and stdout).
func isTerminal(f *os.File) bool { return term.IsTerminal(f.Fd()) }
