package agents

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Prompter asks the user for the value of an input that no flag or environment variable
// gave. The front end provides it: a line prompt on a plain terminal (no echo for password
// inputs), a dialog in the TUI. A nil Prompter means nobody can be asked (headless runs).
type Prompter func(Input) (string, error)

// placeholder matches ${input:ID}, ${env:NAME}, and VS Code's ${workspaceFolder} and
// ${userHome}.
var placeholder = regexp.MustCompile(`\$\{(?:(input|env):([^}]*)|(workspaceFolder|userHome))\}`)

// eachString visits every string of a configuration that may hold a placeholder, with the
// field path the decoder used for it, so that a problem can point at the right line.
func eachString(cfg *Config, bases []string, fn func(field string, s *string)) {
	for _, f := range []struct {
		name string
		p    *string
	}{{"model", &cfg.Model}, {"provider", &cfg.Provider}, {"endpointUrl", &cfg.EndpointURL},
		{"apiKey", &cfg.APIKey}, {"billTo", &cfg.BillTo}} {
		fn(f.name, f.p)
	}
	for i := range cfg.Servers {
		s := &cfg.Servers[i]
		base := fmt.Sprintf("servers[%d]", i)
		if i < len(bases) {
			base = bases[i]
		}
		fn(base+".command", &s.Command)
		for j := range s.Args {
			fn(fmt.Sprintf("%s.args[%d]", base, j), &s.Args[j])
		}
		for _, k := range sortedKeys(s.Env) {
			v := s.Env[k]
			fn(base+".env."+k, &v)
			s.Env[k] = v
		}
		fn(base+".cwd", &s.Cwd)
		fn(base+".envFile", &s.EnvFile)
		fn(base+".url", &s.URL)
		for _, k := range sortedKeys(s.Headers) {
			v := s.Headers[k]
			fn(base+".headers."+k, &v)
			s.Headers[k] = v
		}
	}
}

// checkInputs reports inputs used but not declared (errors) and declared but never used
// (warnings). It returns the ids used, in declaration order.
func (d *decoder) checkInputs(cfg *Config) []string {
	declared := map[string]bool{}
	for _, in := range cfg.Inputs {
		declared[in.ID] = true
	}
	used := map[string]bool{}
	eachString(cfg, d.bases, func(field string, s *string) {
		for _, m := range placeholder.FindAllStringSubmatch(*s, -1) {
			if m[1] != "input" {
				continue
			}
			used[m[2]] = true
			if !declared[m[2]] {
				d.errField(field, "${input:%s} is used but not declared: add {\"id\": %q, \"description\": \"...\"} to \"inputs\"", m[2], m[2])
			}
		}
	})
	var ids []string
	for i, in := range cfg.Inputs {
		if !used[in.ID] {
			d.warnAt(d.at[fmt.Sprintf("inputs[%d].id", i)], "input %q is declared but never used", in.ID)
			continue
		}
		ids = append(ids, in.ID)
	}
	return ids
}

// resolveInputs finds a value for each used input: --input, then the environment variable,
// then the input's default, then the Prompter. Without a Prompter a missing value is an
// error that names the input and the variable to set.
func (d *decoder) resolveInputs(cfg *Config, used []string, opts Options) (map[string]string, []string) {
	values := map[string]string{}
	var secrets []string
	byID := map[string]int{}
	for i, in := range cfg.Inputs {
		byID[in.ID] = i
	}
	for id := range opts.Inputs {
		if _, ok := byID[id]; !ok {
			d.warn = append(d.warn, fmt.Sprintf("--input %s: the agent declares no input %q", id, id))
		}
	}
	for _, id := range used {
		i := byID[id]
		in := cfg.Inputs[i]
		v, ok := opts.Inputs[id]
		if !ok {
			v, ok = opts.lookupEnv(in.EnvName())
			ok = ok && v != ""
		}
		if !ok && in.Default != "" {
			v, ok = in.Default, true
		}
		if !ok && opts.Prompter != nil {
			answer, err := opts.Prompter(in)
			if err != nil {
				d.errField(fmt.Sprintf("inputs[%d].id", i), "input %q: %v", id, err)
				continue
			}
			v, ok = answer, true
		}
		if !ok {
			desc := ""
			if in.Description != "" {
				desc = " (" + in.Description + ")"
			}
			d.errField(fmt.Sprintf("inputs[%d].id", i), "no value for input %q%s: pass --input %s=VALUE or set %s",
				id, desc, id, in.EnvName())
			continue
		}
		values[id] = v
		if in.Password && v != "" {
			secrets = append(secrets, v)
		}
	}
	return values, secrets
}

// substitute replaces every placeholder in every field, every occurrence. A field whose
// value had a placeholder is checked again afterwards (a URL), naming the template and
// never the value, which may be a secret.
func (d *decoder) substitute(cfg *Config, values map[string]string, format string, opts Options) {
	workspace := workspaceFolder(d.file)
	eachString(cfg, d.bases, func(field string, s *string) {
		if !strings.Contains(*s, "${") {
			return
		}
		template := *s
		*s = placeholder.ReplaceAllStringFunc(*s, func(m string) string {
			sub := placeholder.FindStringSubmatch(m)
			switch {
			case sub[1] == "input":
				return values[sub[2]]
			case sub[1] == "env":
				v, ok := opts.lookupEnv(sub[2])
				if !ok {
					d.errField(field, "${env:%s} is used but %s is not set", sub[2], sub[2])
				}
				return v
			case sub[3] == "workspaceFolder":
				return workspace
			case sub[3] == "userHome":
				h, _ := os.UserHomeDir()
				return h
			}
			return m
		})
		if format == FormatMCPServers {
			*s = d.expandBare(field, *s, opts)
		}
		if strings.HasSuffix(field, ".url") || field == "endpointUrl" {
			if msg := checkURL(*s); msg != "" && *s != "" {
				d.errField(field, "%s (after substituting %s)", msg, template)
			}
		}
	})
}

// bareVar is Claude Code's ${NAME} and ${NAME:-default} in .mcp.json.
var bareVar = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}`)

// expandBare expands Claude Code's variables, in mcpServers configs only (agent.json and VS
// Code files keep "${NAME}" as text, as their own programs do).
func (d *decoder) expandBare(field, s string, opts Options) string {
	return bareVar.ReplaceAllStringFunc(s, func(m string) string {
		sub := bareVar.FindStringSubmatch(m)
		if v, ok := opts.lookupEnv(sub[1]); ok && v != "" {
			return v
		}
		if strings.Contains(m, ":-") {
			return sub[2]
		}
		d.errField(field, "${%s} is used but %s is not set (write ${%s:-default} for a default)", sub[1], sub[1], sub[1])
		return ""
	})
}

// workspaceFolder is what VS Code calls ${workspaceFolder} for a config file: the folder
// that holds .vscode/ or .cursor/, else the file's folder.
func workspaceFolder(file string) string {
	dir, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return filepath.Dir(file)
	}
	if b := filepath.Base(dir); b == ".vscode" || b == ".cursor" {
		return filepath.Dir(dir)
	}
	return dir
}
