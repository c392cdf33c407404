package agents

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// fuzzOptions loads without touching the machine: a fixed environment with a token (so no
// local server is probed) and no prompter.
func fuzzOptions() Options {
	env := map[string]string{"HF_TOKEN": "hf_fuzz", "TOKEN": "env-value", "MY_KEY": "k"}
	return Options{
		LookupEnv:    func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Inputs:       map[string]string{"token": "input-value", "api-key": "secret-key-value"},
		LocalServers: []string{},
		WorkDir:      "/nonexistent",
	}
}

// FuzzConfigLoader checks that any bytes as a config file give either an agent or
// ConfigErrors that name the file, and never a panic.
func FuzzConfigLoader(f *testing.F) {
	for _, s := range []string{
		`{"model":"m","provider":"together","servers":[{"type":"stdio","command":"npx","args":["-y","x"]}]}`,
		`{"servers":{"a":{"command":"node","env":{"K":"${input:token}"}}},"inputs":[{"id":"token","type":"promptString","password":true}]}`,
		`{"mcpServers":{"x":{"url":"http://127.0.0.1:1/mcp","headers":{"A":"${TOKEN:-d}"}}}}`,
		`{"model":"m","endpointUrl":"${env:TOKEN}","servers":[]}`,
		"{\"model\": \"m\", // comment\n \"servers\": [],}",
		`{"model":1,"servers":"no"}`, `[`, ``, `{"config":{"model":"m","servers":[]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // nothing may wait on the network
		a, err := build(ctx, "agent.json", data, source{name: "fuzz"}, fuzzOptions())
		if err == nil {
			if a == nil {
				t.Fatal("nil agent and nil error")
			}
			return
		}
		var ces ConfigErrors
		var ce *ConfigError
		if !errors.As(err, &ces) && !errors.As(err, &ce) {
			t.Fatalf("error is not a ConfigError: %T %v", err, err)
		}
		if !strings.Contains(err.Error(), "agent.json") {
			t.Fatalf("error does not name the file: %v", err)
		}
		if strings.Contains(err.Error(), "secret-key-value") {
			t.Fatalf("error shows a secret input: %v", err)
		}
	})
}

// FuzzInputSubstitution checks that substitution replaces every ${input:ID} of a declared
// input in every string, whatever surrounds it.
func FuzzInputSubstitution(f *testing.F) {
	for _, s := range []string{"${input:token}", "a${input:token}b${input:token}", "${input:token", "$${input:token}}", "${env:TOKEN}/${input:token}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tmpl string) {
		if strings.ContainsAny(tmpl, "\"\\\x00") || !strings.Contains(tmpl, "${input:token}") {
			return
		}
		data := `{"model":"m","provider":"together","inputs":[{"id":"token","description":"d"}],` +
			`"servers":[{"type":"stdio","command":"c","args":["` + tmpl + `"],"env":{"E":"` + tmpl + `"}}]}`
		a, err := build(context.Background(), "agent.json", []byte(data), source{name: "fuzz"}, fuzzOptions())
		if err != nil {
			return // e.g. ${env:X} of an unset variable, or bytes that are not valid JSON text
		}
		for _, got := range []string{a.Servers[0].Args[0], a.Servers[0].Env["E"]} {
			if strings.Contains(got, "${input:token}") {
				t.Fatalf("%q left a placeholder: %q", tmpl, got)
			}
			if !strings.Contains(got, "input-value") {
				t.Fatalf("%q: value not substituted: %q", tmpl, got)
			}
		}
	})
}
