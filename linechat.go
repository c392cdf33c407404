package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/internal/app"
	"github.com/tiny-agents/tiny-agents/internal/safetext"
)

// runLineChat is the plain chat used when stdin or stdout is not a terminal: a prompt, the
// streamed answer, and a line per tool call, so pipes and dumb terminals work. An interrupt
// (Ctrl+C) stops the running turn and keeps what was streamed; at the prompt it quits, as
// do EOF and /quit. When the agent asks (Agent.Ask), each tool call waits for a y/a/n line.
func runLineChat(ctx context.Context, a *app.App, in io.Reader, out, errw io.Writer, interrupts <-chan os.Signal, print func(agent.Event)) error {
	fmt.Fprintf(out, "Agent %s ready: model %s, %d tools.\n", a.Config.Name, a.Ready.Model, len(a.Ready.Tools))
	printServerErrors(a.Ready, errw)
	lines := readLines(in)
	emit := func(ev agent.Event) {
		if req, ok := ev.(agent.ApprovalRequest); ok {
			req.Reply <- askLine(req, lines, out)
			return
		}
		print(ev)
	}
	var conv agent.Conversation
	for {
		fmt.Fprint(out, "> ")
		var text string
		select {
		case l, ok := <-lines:
			if !ok {
				fmt.Fprintln(out)
				return nil
			}
			text = strings.TrimSpace(l)
		case <-interrupts:
			fmt.Fprintln(out)
			return nil
		case <-ctx.Done():
			return &exitError{code: exitInterrupted}
		}
		if text == "" {
			continue
		}
		if text == "/quit" || text == "/exit" {
			return nil
		}
		conv.AddUser(text)
		turn, cancel := context.WithCancel(ctx)
		stopped := make(chan struct{})
		go func() {
			select {
			case <-interrupts:
				cancel()
			case <-stopped:
			}
		}()
		done := a.Agent.Run(turn, &conv, emit)
		close(stopped)
		cancel()
		if ctx.Err() != nil {
			return &exitError{code: exitInterrupted}
		}
		if done.Stop == agent.StopInterrupted {
			fmt.Fprintln(out, "[stopped; what was streamed is kept]")
		}
	}
}

// readLines delivers the lines of in on a channel, closed at EOF.
func readLines(in io.Reader) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	return ch
}

// askLine asks for a tool approval on a line: y (once), a (this tool for the session),
// anything else denies; EOF denies.
func askLine(req agent.ApprovalRequest, lines <-chan string, out io.Writer) agent.Decision {
	if req.Question != "" {
		fmt.Fprintf(out, "%s %s [y]es once, [a]lways this session, [n]o: ", safetext.Strip(req.Question), oneLineArgs(req.Arguments))
	} else {
		fmt.Fprintf(out, "Allow %s %s? [y]es once, [a]lways this session, [n]o: ", safetext.Strip(req.Name), oneLineArgs(req.Arguments))
	}
	l, ok := <-lines
	if !ok {
		fmt.Fprintln(out)
		return agent.Deny
	}
	switch strings.ToLower(strings.TrimSpace(l)) {
	case "y", "yes":
		return agent.AllowOnce
	case "a", "always":
		return agent.AllowSession
	}
	return agent.Deny
}

func oneLineArgs(s string) string {
	s = strings.Join(strings.Fields(safetext.Strip(s)), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}
