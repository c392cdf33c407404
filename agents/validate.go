package agents

import (
	"net/url"
	"strings"
)

// Providers are the values "provider" may take: every provider either peer accepts (the JS
// peer's list; the Python peer passes any name to huggingface_hub, whose list is the same
// plus the ones the router dropped), and "auto".
var Providers = []string{
	"auto", "baseten", "cerebras", "cohere", "deepinfra", "fal-ai", "featherless-ai", "fireworks-ai",
	"groq", "hf-inference", "novita", "nscale", "openai", "ovhcloud", "publicai", "replicate",
	"scaleway", "together", "wavespeed", "zai-org",
	// Removed from the Hugging Face router in 2026 (huggingface_hub PR #4447), still named by
	// older agents on the Hub.
	"black-forest-labs", "clarifai", "hyperbolic", "nebius", "nvidia", "sambanova",
}

// droppedProviders still load, with a warning: requests to them will likely fail.
var droppedProviders = []string{"black-forest-labs", "clarifai", "hyperbolic", "nebius", "nvidia", "sambanova"}

// noChatProviders serve other tasks than chat completion.
var noChatProviders = []string{"fal-ai", "replicate", "wavespeed"}

// checkURL says what is wrong with a server or endpoint URL, or "" when it is usable.
func checkURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "not a valid URL: " + strings.TrimPrefix(err.Error(), "parse ")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "the URL must start with http:// or https://"
	}
	if u.Host == "" {
		return "the URL has no host"
	}
	return ""
}

// checkBackend checks the fields that choose the model backend. needModel is false when a
// default model will be filled in later.
func (d *decoder) checkBackend(cfg *Config, needModel bool) {
	if cfg.Provider != "" && !strings.Contains(cfg.Provider, "${") {
		switch {
		case !contains(Providers, cfg.Provider):
			d.errField("provider", "unknown provider %q: use one of %s", cfg.Provider, strings.Join(Providers, ", "))
		case contains(droppedProviders, cfg.Provider):
			d.warnAt(d.at["provider"], "provider %q was removed from the Hugging Face router; requests to it will likely fail", cfg.Provider)
		case contains(noChatProviders, cfg.Provider):
			d.warnAt(d.at["provider"], "provider %q does not serve chat completion; requests to it will likely fail", cfg.Provider)
		}
	}
	if cfg.EndpointURL != "" && !strings.Contains(cfg.EndpointURL, "${") {
		if msg := checkURL(cfg.EndpointURL); msg != "" {
			d.errField("endpointUrl", "%s", msg)
		}
	}
	if cfg.Model == "" && needModel {
		if cfg.EndpointURL != "" {
			d.errAt(-1, "model", `missing: name the model the server at endpointUrl expects (add "model" or pass --model)`)
		} else {
			d.errAt(-1, "model", `missing: add "model" (a Hub model id such as Qwen/Qwen3-235B-A22B-Instruct-2507) or pass --model`)
		}
	}
}
