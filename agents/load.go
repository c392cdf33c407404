package agents

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// Options are what Load needs besides the AGENT argument.
type Options struct {
	// Inputs are the values given with --input ID=VALUE.
	Inputs map[string]string
	// Prompter asks for inputs that have no value; nil in headless runs.
	Prompter Prompter
	// Model, Provider, EndpointURL, APIKey and BillTo are the command-line overrides.
	Model, Provider, EndpointURL, APIKey, BillTo string
	// LookupEnv reads the environment; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// HTTPClient talks to the Hub and probes local servers; nil means a default client.
	HTTPClient *http.Client
	// FetchClient is the in-process fetch_url tool's client; nil means its default.
	FetchClient *http.Client
	// WorkDir is the folder the in-process file tools may read; "" means the current one.
	WorkDir string
	// LocalServers overrides the base URLs probed for a local model server.
	LocalServers []string
}

func (o Options) lookupEnv(k string) (string, bool) {
	if o.LookupEnv != nil {
		return o.LookupEnv(k)
	}
	return os.LookupEnv(k)
}

func (o Options) getenv(k string) string {
	v, _ := o.lookupEnv(k)
	return v
}

func (o Options) httpClient() *http.Client {
	if o.HTTPClient != nil {
		return o.HTTPClient
	}
	return http.DefaultClient
}

func (o Options) workDir() string {
	if o.WorkDir != "" {
		return o.WorkDir
	}
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	return wd
}

// Load reads an agent, in the order CONTRACT.md sets: nothing (the bundled default agent),
// builtin:NAME, a file (agent.json, VS Code mcp.json, a Claude Desktop / Cursor config), a
// folder holding agent.json, or a Hub id (owner/name). Every problem of the configuration
// is reported at once, as ConfigErrors.
func Load(ctx context.Context, arg string, opts Options) (*Agent, error) {
	if arg == "" {
		return loadBundled(ctx, "default", opts)
	}
	if name, ok := strings.CutPrefix(arg, BundledPrefix); ok {
		return loadBundled(ctx, name, opts)
	}
	path := arg
	if rest, ok := strings.CutPrefix(arg, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, rest)
		}
	}
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		return loadDir(ctx, path, "", opts)
	case err == nil:
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, &ConfigError{File: path, Msg: err.Error()}
		}
		base := filepath.Base(path)
		name := strings.TrimSuffix(base, filepath.Ext(base))
		if name == "mcp" {
			// .vscode/mcp.json, .cursor/mcp.json: the project's name says more.
			name = filepath.Base(workspaceFolder(path))
		}
		return build(ctx, path, data, source{name: name, prompt: defaultPrompt, promptSource: "built-in"}, opts)
	case !errors.Is(err, os.ErrNotExist):
		return nil, &ConfigError{File: path, Msg: err.Error()}
	case IsHubID(arg):
		dir, notices, err := fetchHub(ctx, arg, opts)
		if err != nil {
			return nil, err
		}
		a, err := loadDir(ctx, dir, arg, opts)
		if err != nil {
			return nil, err
		}
		a.Notices = append(notices, a.Notices...)
		return a, nil
	}
	return nil, &ConfigError{File: arg, Msg: "no such file or folder, and not a Hub agent id (owner/name); name an agent.json, a folder holding one, an mcp.json, or builtin:" + strings.Join(BundledNames(), ", builtin:")}
}

// source says where a configuration came from.
type source struct {
	name, prompt, promptSource string
	bundled                    bool
}

// folderConfigs are the files a folder's configuration is read from, first found wins: a
// tiny-agent, else the MCP config of the project's editor (VS Code, Cursor, Claude Code).
var folderConfigs = []string{"agent.json", filepath.Join(".vscode", "mcp.json"), filepath.Join(".cursor", "mcp.json"), ".mcp.json"}

func loadDir(ctx context.Context, dir, name string, opts Options) (*Agent, error) {
	var path string
	var data []byte
	for _, f := range folderConfigs {
		p := filepath.Join(dir, f)
		b, err := os.ReadFile(p)
		if err == nil {
			path, data = p, b
			break
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, &ConfigError{File: p, Msg: err.Error()}
		}
	}
	if path == "" {
		return nil, &ConfigError{File: dir, Msg: "the folder has no agent.json (nor .vscode/mcp.json, .cursor/mcp.json or .mcp.json)"}
	}
	if name == "" {
		abs, _ := filepath.Abs(dir)
		name = filepath.Base(abs)
	}
	src := source{name: name, prompt: defaultPrompt, promptSource: "built-in"}
	// AGENTS.md wins over PROMPT.md, as in the JS peer (the Python peer checks PROMPT.md first).
	for _, p := range []string{"AGENTS.md", "PROMPT.md"} {
		if b, err := os.ReadFile(filepath.Join(dir, p)); err == nil {
			src.prompt, src.promptSource = string(b), p
			break
		}
	}
	return build(ctx, path, data, src, opts)
}

func loadBundled(ctx context.Context, name string, opts Options) (*Agent, error) {
	cfg, prompt, promptSource, ok := bundledFiles(name)
	if !ok {
		return nil, &ConfigError{File: BundledPrefix + name, Msg: "no such bundled agent; use one of builtin:" + strings.Join(BundledNames(), ", builtin:")}
	}
	return build(ctx, BundledPrefix+name, cfg, source{name: name, prompt: prompt, promptSource: promptSource, bundled: true}, opts)
}

// build parses, checks, resolves and substitutes one configuration.
func build(ctx context.Context, file string, data []byte, src source, opts Options) (*Agent, error) {
	root, dups, err := parseJSON(data)
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			line, col := position(data, se.off)
			return nil, ConfigErrors{{File: file, Line: line, Column: col, Msg: "invalid JSON: " + se.msg}}
		}
		return nil, ConfigErrors{{File: file, Msg: err.Error()}}
	}
	d := newDecoder(file, data)
	for _, m := range dups {
		d.warnAt(m.keyOff, "key %q is given twice: the last value is used", m.key)
	}
	cfg, format := d.decodeConfig(root)
	if src.bundled {
		format = FormatBundled
	}
	// The command line wins over the file; its values have no line in the file.
	for _, o := range []struct {
		field string
		dst   *string
		v     string
	}{{"model", &cfg.Model, opts.Model}, {"provider", &cfg.Provider, opts.Provider},
		{"endpointUrl", &cfg.EndpointURL, opts.EndpointURL}, {"apiKey", &cfg.APIKey, opts.APIKey},
		{"billTo", &cfg.BillTo, opts.BillTo}} {
		if o.v != "" {
			*o.dst = o.v
			delete(d.at, o.field)
		}
	}
	// Both peers need a model in an agent.json; the other formats never have one, and get
	// the default.
	d.checkBackend(&cfg, format == FormatTinyAgents)
	used := d.checkInputs(&cfg)
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	values, secrets := d.resolveInputs(&cfg, used, opts)
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	d.substitute(&cfg, values, format, opts)
	d.readEnvFiles(&cfg)
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	for i := range cfg.Servers {
		s := &cfg.Servers[i]
		if s.Transport() == "inprocess" {
			s.Type = "inprocess"
			s.InProcess = builtinServers[s.Name](opts)
		}
	}
	if cfg.APIKey != "" {
		secrets = append(secrets, cfg.APIKey)
	}
	// When the endpoint wins over the provider (as in both peers), the provider is dropped.
	if cfg.EndpointURL != "" {
		cfg.Provider = ""
	}
	a := &Agent{Config: cfg, Name: src.name, Path: file, Format: format, Prompt: src.prompt,
		PromptSource: src.promptSource, Warnings: d.warn, secrets: secrets}
	if src.bundled {
		a.Path = ""
	}
	if format != FormatTinyAgents {
		if err := applyDefaultBackend(ctx, a, opts, file); err != nil {
			return nil, err
		}
	}
	return a, nil
}
