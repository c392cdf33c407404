// Command tiny-agents is a terminal chat-and-agent program: it connects an OpenAI-compatible
// model to the tools of MCP servers. See README.md.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/tiny-agents/tiny-agents/agents"
	"github.com/tiny-agents/tiny-agents/inference"
	"github.com/tiny-agents/tiny-agents/internal/redact"
	"github.com/tiny-agents/tiny-agents/internal/safetext"
)

// Exit statuses, as CONTRACT.md sets them.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// exitError carries an exit status up to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr is a bad-usage error (exit status 2).
func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

func main() {
	inference.Version = version()
	root := newRootCmd()
	err := root.Execute()
	os.Exit(exitCode(err))
}

// exitCode prints err (once) and maps it to an exit status.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(os.Stderr, "tiny-agents:", safetext.Strip(redact.String(ee.err.Error())))
		}
		return ee.code
	}
	fmt.Fprintln(os.Stderr, "tiny-agents:", safetext.Strip(redact.String(err.Error())))
	var ce *agents.ConfigError
	var ie *inference.ConfigError
	if errors.As(err, &ce) || errors.As(err, &ie) {
		return exitUsage
	}
	return exitFailed
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "tiny-agents",
		Short: "A terminal agent: an OpenAI-compatible model with the tools of MCP servers",
		Long: `tiny-agents runs an agent (a model, MCP servers and a system prompt) in your terminal,
headless for scripts, or as an OpenAI-compatible HTTP endpoint.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: fmt.Errorf("%w (see %s --help)", err, c.CommandPath())}
	})
	root.AddCommand(newRunCmd())
	root.AddCommand(newServeCmd())
	root.AddCommand(newMCPCmd())
	return root
}

// version is the module version from the build info (set by `go install ...@vX`), else the
// VCS revision, else "dev".
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	return "dev"
}
