package mcp

import (
	"os"
	"sort"
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
