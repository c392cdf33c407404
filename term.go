package main

import (
	"os"

	"github.com/charmbracelet/x/term"
)

// isTerminal says whether w is a terminal (the TUI needs one on both stdin and stdout; the
// mcp commands print plainly to anything else).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}
