package agents

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// readEnvFiles loads each server's envFile (VS Code's dotenv file) into its env. A variable
// set in "env" wins over the file's, as in VS Code. A relative path is taken from the
// workspace folder (the folder holding .vscode/, else the config's folder).
func (d *decoder) readEnvFiles(cfg *Config) {
	for i := range cfg.Servers {
		s := &cfg.Servers[i]
		if s.EnvFile == "" {
			continue
		}
		field := fmt.Sprintf("servers[%d].envFile", i)
		if i < len(d.bases) {
			field = d.bases[i] + ".envFile"
		}
		path := s.EnvFile
		if !filepath.IsAbs(path) {
			path = filepath.Join(workspaceFolder(d.file), path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			d.errField(field, "cannot read the env file %s: %v", path, errorWords(err))
			continue
		}
		vars, line, msg := parseDotenv(string(data))
		if msg != "" {
			d.errField(field, "%s line %d: %s", path, line, msg)
			continue
		}
		if s.Env == nil {
			s.Env = map[string]string{}
		}
		for k, v := range vars {
			if _, set := s.Env[k]; !set {
				s.Env[k] = v
			}
		}
		s.EnvFile = ""
	}
}

// errorWords is an error's text without the path os.ReadFile puts first (it is said already).
func errorWords(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// parseDotenv reads KEY=VALUE lines: blank lines and # comments are skipped, an `export `
// prefix is allowed, values may be 'single-quoted' (taken as is), "double-quoted" (\n, \t,
// \" and \\ escapes) or bare (a trailing # comment after a space is dropped). It returns
// the first bad line's number and what is wrong with it.
func parseDotenv(text string) (map[string]string, int, string) {
	vars := map[string]string{}
	for n, raw := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, value, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" || strings.ContainsAny(key, " \t\"'") {
			return nil, n + 1, "expected KEY=VALUE"
		}
		value = strings.TrimSpace(value)
		switch {
		case len(value) >= 2 && value[0] == '\'' && value[len(value)-1] == '\'':
			value = value[1 : len(value)-1]
		case len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"':
			value = strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\"`, `"`, `\\`, `\`).Replace(value[1 : len(value)-1])
		case strings.HasPrefix(value, "'") || strings.HasPrefix(value, `"`):
			return nil, n + 1, "unterminated quote"
		default:
			if i := strings.Index(value, " #"); i >= 0 {
				value = strings.TrimSpace(value[:i])
			}
		}
		vars[key] = value
	}
	return vars, 0, ""
}
