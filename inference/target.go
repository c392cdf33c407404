package inference

import (
	"fmt"
	"strings"
)

// target is where a Client sends its requests, resolved from the Config once.
type target struct {
	// url is the chat-completions URL; for providers that need the mapping it is built after
	// the lookup (hf-inference puts the model id in the path).
	url string
	// key goes in Authorization; empty means no header.
	key string
	// model is the body `model` before the mapping.
	model string
	// hubID is the Hub model id looked up in the mapping (model without its suffix).
	hubID    string
	provider string
	// endpoint is set when the user gave an endpoint URL.
	endpoint bool
	routed   bool
	// needsMapping means the body model is the provider's id, found on the Hub (§1.5).
	needsMapping bool
	// hubToken is sent to the Hub for the mapping: an hf_ token only, never a provider key.
	hubToken string
	headers  map[string]string
	warnings []string
}

// resolveTarget applies the routing rules: endpoint URL, auto-router, routed or direct
// provider, and decides which key goes where.
func resolveTarget(cfg Config, e env) (target, error) {
	t := target{model: cfg.Model, headers: map[string]string{}}
	explicit := cleanToken(cfg.APIKey)
	if explicit == "" {
		explicit = cleanToken(e.get("API_KEY"))
	}
	if cfg.EndpointURL != "" {
		return endpointTarget(t, cfg, e, explicit)
	}
	if cfg.Model == "" {
		return t, &ConfigError{Message: "no model: set \"model\" in the agent config or pass --model"}
	}
	name := strings.ToLower(strings.TrimSpace(cfg.Provider))
	hubID, suffix := splitPolicy(cfg.Model)
	if name == "" || name == "auto" {
		return autoTarget(t, cfg, e, explicit)
	}
	p, ok := providers[name]
	if !ok {
		return t, unknownProvider(name)
	}
	if suffix != "" && suffix != name {
		return t, &ConfigError{Message: fmt.Sprintf("model %q carries the routing suffix %q, which only the auto-router understands: set provider to \"auto\", or drop the suffix", cfg.Model, ":"+suffix)}
	}
	t.provider, t.hubID, t.model = name, hubID, hubID
	if p.directOnly {
		return openAITarget(t, cfg, explicit)
	}
	hfTok := e.hfToken()
	key := explicit
	if key == "" {
		key = hfTok
	}
	if key == "" {
		return t, &ConfigError{Message: fmt.Sprintf("no token for provider %q: set HF_TOKEN (or run `hf auth login`) to go through Hugging Face, or pass the provider's own key with --api-key / apiKey", name)}
	}
	t.key = key
	t.routed = p.routerOnly || isHFToken(key)
	t.needsMapping = !p.noMapping
	if isHFToken(key) {
		t.hubToken = key
	} else if isHFToken(hfTok) {
		t.hubToken = hfTok
	}
	for k, v := range p.headers {
		t.headers[k] = v
	}
	if p.removed {
		how := "it may still answer direct calls made with its own key"
		if t.routed {
			how = "routed calls will likely fail: pass the provider's own key with --api-key to call it directly"
		}
		t.warnings = append(t.warnings, fmt.Sprintf("provider %q was removed from the Hugging Face router; %s", name, how))
	}
	if !t.routed && cfg.BillTo != "" {
		t.warnings = append(t.warnings, "billTo is ignored: the call goes directly to "+name+" and is billed by it")
	}
	if t.routed && cfg.BillTo != "" {
		t.headers["X-HF-Bill-To"] = cfg.BillTo
	}
	if !t.needsMapping {
		t.url = chatURL(e.routerURL(), name, t.routed, t.model)
	}
	return t, nil
}

func endpointTarget(t target, cfg Config, e env, explicit string) (target, error) {
	u, err := normalizeEndpoint(cfg.EndpointURL)
	if err != nil {
		return t, err
	}
	t.url, t.endpoint, t.key = u, true, explicit
	hf := e.isHFHost(u)
	// The stored Hugging Face token only ever goes to Hugging Face hosts; a local server or a
	// third-party gateway gets only a key the user gave for it.
	if t.key == "" && hf {
		t.key = e.hfToken()
	}
	if cfg.BillTo != "" {
		if hf {
			t.headers["X-HF-Bill-To"] = cfg.BillTo
		} else {
			t.warnings = append(t.warnings, "billTo is ignored: the endpoint is not a Hugging Face host")
		}
	}
	return t, nil
}

func autoTarget(t target, cfg Config, e env, explicit string) (target, error) {
	t.provider = "auto"
	t.hubID, _ = splitPolicy(cfg.Model)
	key := explicit
	if key == "" {
		key = e.hfToken()
	}
	switch {
	case key == "":
		return t, &ConfigError{Message: "no Hugging Face token for the auto-router: set HF_TOKEN (or run `hf auth login`), pass --api-key hf_..., or choose a provider and pass its key"}
	case !isHFToken(key):
		return t, &ConfigError{Message: "the auto-router needs a Hugging Face token (hf_...), and the key given is not one: set provider to the key's own provider (e.g. \"together\"), or use an hf_ token"}
	}
	t.key, t.routed, t.hubToken = key, true, key
	// The router reads the `model:policy` suffix itself; the model goes through untouched.
	t.url = e.routerURL() + autoRoute
	if cfg.BillTo != "" {
		t.headers["X-HF-Bill-To"] = cfg.BillTo
	}
	return t, nil
}

// openAITarget: OpenAI is reached only directly, with an OpenAI key (JS clientSideRoutingOnly).
func openAITarget(t target, cfg Config, explicit string) (target, error) {
	switch {
	case explicit == "":
		return t, &ConfigError{Message: "provider \"openai\" needs an OpenAI key: pass --api-key sk-... (or set apiKey / API_KEY); the Hugging Face token is not sent to OpenAI"}
	case isHFToken(explicit):
		return t, &ConfigError{Message: "provider \"openai\" is not available through Hugging Face routing: pass an OpenAI key (sk-...) instead of an hf_ token"}
	}
	t.key = explicit
	t.model = strings.TrimPrefix(t.model, "openai/")
	t.url = chatURL("", "openai", false, t.model)
	if cfg.BillTo != "" {
		t.warnings = append(t.warnings, "billTo is ignored: calls to OpenAI are billed by OpenAI")
	}
	return t, nil
}
