package main

import (
	"fmt"
	"os"
	"sync/atomic"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/internal/debuglog"
	"github.com/tiny-agents/tiny-agents/internal/headless"
	"github.com/tiny-agents/tiny-agents/internal/redact"
	"github.com/tiny-agents/tiny-agents/internal/safetext"
)

// notices routes what the user should know outside a turn: config warnings, the model
// client's warnings, and servers that joined late or restarted. On the chat screen all of it
// goes into the screen (a line on stderr would tear it); elsewhere warnings go to stderr and
// server notices are printed with the events, between ready and done. Everything goes to the
// debug log.
type notices struct {
	debug  *debuglog.Log
	screen chan agent.Notice // nil when there is no chat screen
	// printer prints the run's events; ready and done say where notices may go in its output.
	printer     headless.Printer
	ready, done atomic.Bool
	// oneTurn is set for a headless run, where nothing may follow done. A chat has a done
	// per turn and goes on.
	oneTurn bool
}

// newNotices returns the router; queued notices are kept for the screen until it reads them.
func newNotices(debug *debuglog.Log, interactive, oneTurn bool, p headless.Printer, queued int) *notices {
	n := &notices{debug: debug, printer: p, oneTurn: oneTurn}
	if interactive {
		n.screen = make(chan agent.Notice, 64+queued)
	}
	return n
}

// say shows a warning or notice of the configuration or the model client.
func (n *notices) say(text string) {
	n.debug.Printf("notice: %s", text)
	if n.screen != nil {
		n.toScreen(agent.Notice{Text: text})
		return
	}
	fmt.Fprintln(os.Stderr, "tiny-agents:", safetext.Strip(redact.String(text)))
}

// server shows a notice a server sent from a background goroutine. Notices before ready are
// already in ready's server list, and ready must come first, so they are only logged.
func (n *notices) server(e agent.Notice) {
	n.debug.Printf("notice: server %s: %s", e.Server, e.Text)
	switch {
	case n.screen != nil:
		n.toScreen(e)
	case n.ready.Load() && !n.done.Load():
		n.printer.Print(e)
	}
}

func (n *notices) toScreen(e agent.Notice) {
	select {
	case n.screen <- e:
	default: // the screen is flooded: the debug log has it
	}
}

// Print prints an event and marks ready and done (it is the run's printer).
func (n *notices) Print(ev agent.Event) {
	n.printer.Print(ev)
	switch ev.(type) {
	case agent.Ready:
		n.ready.Store(true)
	case agent.Done:
		n.done.Store(n.oneTurn)
	}
}
