package agents

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
)

// TerminalPrompter asks for inputs on a plain terminal: a line per input, read from in
// (typing is not echoed for password inputs), with the question written to out.
//
// It reads one byte at a time so that nothing after the answer is taken from in: the
// line chat reads the same stdin afterwards.
func TerminalPrompter(in *os.File, out io.Writer) Prompter {
	return func(input Input) (string, error) {
		desc := input.Description
		if desc == "" {
			desc = input.ID
		}
		fmt.Fprintf(out, "%s: %s (or set %s)", input.ID, desc, input.EnvName())
		if len(input.Options) > 0 {
			fmt.Fprintf(out, " [%s]", strings.Join(input.Options, ", "))
		}
		fmt.Fprint(out, "\n> ")
		if input.Password && term.IsTerminal(in.Fd()) {
			b, err := term.ReadPassword(in.Fd())
			fmt.Fprintln(out)
			if err != nil {
				return "", fmt.Errorf("read the value: %w", err)
			}
			return strings.TrimRight(string(b), "\r\n"), nil
		}
		return readLine(in)
	}
}

func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				return strings.TrimRight(b.String(), "\r"), nil
			}
			b.WriteByte(buf[0])
		}
		if err != nil {
			if errors.Is(err, io.EOF) && b.Len() > 0 {
				return b.String(), nil
			}
			if errors.Is(err, io.EOF) {
				return "", errors.New("no answer (end of input)")
			}
			return "", err
		}
	}
}
