package inference

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// provider is what this package knows of one Inference Provider's chat-completion API.
type provider struct {
	// direct is the provider's own base URL, used with the provider's own (non-hf_) key.
	direct string
	// route is the chat path, the same under the router and the direct base. "{id}" is
	// replaced by the provider-side model id (hf-inference only).
	route string
	// routerOnly providers are reached through the Hugging Face router whatever the key.
	routerOnly bool
	// directOnly providers are never routed (openai: an hf_ key is an error).
	directOnly bool
	// removed providers were dropped by the router (huggingface_hub PR #4447, 2026-07-01);
	// they stay for old configs that call them directly, with a warning.
	removed bool
	// headers are sent on every chat call to this provider.
	headers map[string]string
	// noMapping providers take the model name as given, without a Hub lookup.
	noMapping bool
}

// providers is the route table of the inference spec §1.3 (current and removed providers).
var providers = map[string]provider{
	"baseten":        {direct: "https://inference.baseten.co", route: "/v1/chat/completions"},
	"cerebras":       {direct: "https://api.cerebras.ai", route: "/v1/chat/completions"},
	"cohere":         {direct: "https://api.cohere.com", route: "/compatibility/v1/chat/completions"},
	"deepinfra":      {direct: "https://api.deepinfra.com", route: "/v1/openai/chat/completions"},
	"featherless-ai": {direct: "https://api.featherless.ai", route: "/v1/chat/completions"},
	"fireworks-ai":   {direct: "https://api.fireworks.ai", route: "/inference/v1/chat/completions"},
	"groq":           {direct: "https://api.groq.com", route: "/openai/v1/chat/completions"},
	"hf-inference":   {route: "/models/{id}/v1/chat/completions", routerOnly: true},
	"novita":         {direct: "https://api.novita.ai", route: "/v3/openai/chat/completions"},
	"nscale":         {direct: "https://inference.api.nscale.com", route: "/v1/chat/completions"},
	"openai":         {direct: "https://api.openai.com", route: "/v1/chat/completions", directOnly: true, noMapping: true},
	"ovhcloud":       {direct: "https://oai.endpoints.kepler.ai.cloud.ovh.net", route: "/v1/chat/completions"},
	"publicai":       {direct: "https://api.publicai.co", route: "/v1/chat/completions"},
	"scaleway":       {direct: "https://api.scaleway.ai", route: "/v1/chat/completions"},
	"together":       {direct: "https://api.together.xyz", route: "/v1/chat/completions"},
	"zai-org": {direct: "https://api.z.ai", route: "/api/paas/v4/chat/completions",
		headers: map[string]string{"Accept-Language": "en-US,en", "X-Source-Channel": "hugging_face"}},

	"hyperbolic": {direct: "https://api.hyperbolic.xyz", route: "/v1/chat/completions", removed: true},
	"nebius":     {direct: "https://api.studio.nebius.ai", route: "/v1/chat/completions", removed: true},
	"sambanova":  {direct: "https://api.sambanova.ai", route: "/v1/chat/completions", removed: true},
	"nvidia":     {direct: "https://integrate.api.nvidia.com", route: "/v1/chat/completions", removed: true},
	"clarifai":   {direct: "https://api.clarifai.com", route: "/v2/ext/openai/v1/chat/completions", removed: true},
}

// noChatProviders serve other tasks only; naming one for chat gets a specific message.
var noChatProviders = map[string]bool{"fal-ai": true, "replicate": true, "wavespeed": true, "black-forest-labs": true}

// autoRoute is the path of the router's OpenAI-compatible endpoint (no provider segment).
const autoRoute = "/v1/chat/completions"

// ProviderNames lists the providers that serve chat completion (removed ones excluded), sorted.
func ProviderNames() []string {
	names := []string{"auto"}
	for n, p := range providers {
		if !p.removed {
			names = append(names, n)
		}
	}
	sort.Strings(names[1:])
	return names
}

// chatURL builds the chat-completions URL for a provider: under the router
// ({router}/{provider}{route}) when routed, else under the provider's own base URL.
// modelID is the provider-side id (used by hf-inference's path).
func chatURL(router, name string, routed bool, modelID string) string {
	p := providers[name]
	route := strings.ReplaceAll(p.route, "{id}", escapeModelPath(modelID))
	base := p.direct
	if routed || p.routerOnly {
		base = strings.TrimRight(router, "/") + "/" + name
	}
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(route, "/")
}

// escapeModelPath escapes each segment of "org/name" but keeps the slash, as the router expects.
func escapeModelPath(id string) string {
	segs := strings.Split(id, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// splitPolicy splits "org/model:suffix" into the Hub id and the suffix. Hub ids never contain
// a colon, so any colon starts a suffix (a routing policy or a provider name).
func splitPolicy(model string) (id, suffix string) {
	if i := strings.LastIndexByte(model, ':'); i >= 0 {
		return model[:i], model[i+1:]
	}
	return model, ""
}

// unknownProvider explains a provider name this package does not know.
func unknownProvider(name string) error {
	if noChatProviders[name] {
		return &ConfigError{Message: fmt.Sprintf("provider %q does not serve chat completion; choose one of: %s", name, strings.Join(ProviderNames(), ", "))}
	}
	return &ConfigError{Message: fmt.Sprintf("unknown provider %q; choose one of: %s", name, strings.Join(ProviderNames(), ", "))}
}
