package tui

import (
	"context"
	"io"

	tea "charm.land/bubbletea/v2"
)

// Run shows the chat screen until the user quits. It returns nil when the user quits (exit
// status 0), and the terminal's error otherwise.
func Run(ctx context.Context, opts Options, in io.Reader, out io.Writer) error {
	opts.Context = ctx
	m := New(opts)
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	_, err := p.Run()
	m.bridge.close()
	if m.cancel != nil {
		m.cancel()
	}
	if err != nil && ctx.Err() != nil {
		// The session was ended from outside (SIGTERM): not a failure of the screen.
		return ctx.Err()
	}
	return err
}
