package mcp

import (
	"context"
	"os"
	"os/exec"
	"sort"

	"github.com/mark3labs/mcp-go/client/transport"
)

// childEnv is the environment of a stdio server: a minimal safe set inherited from us (as the
// official SDKs do, so that tokens in our environment do not leak to every server), plus the
// server's configured env.
func childEnv(extra map[string]string) []string {
	var env []string
	for _, k := range inheritedEnv {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+extra[k])
	}
	return env
}

func commandFunc(cfg ServerConfig) transport.CommandFunc {
	return func(ctx context.Context, command string, _ []string, args []string) (*exec.Cmd, error) {
		// Not CommandContext: the server must outlive the start-up context; Close stops it.
		cmd := exec.Command(command, args...)
		cmd.Env = childEnv(cfg.Env)
		cmd.Dir = cfg.Cwd
		detach(cmd)
		return cmd, nil
	}
}
