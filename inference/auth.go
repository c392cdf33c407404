package inference

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// env reads the process environment (or a test's stand-in) for everything this package
// looks up: tokens, the router and Hub URLs.
type env struct{ get func(string) string }

func newEnv(get func(string) string) env {
	if get == nil {
		get = os.Getenv
	}
	return env{get: get}
}

// routerURL is HF_ROUTER_URL without a trailing slash, default https://router.huggingface.co.
func (e env) routerURL() string {
	if v := strings.TrimRight(strings.TrimSpace(e.get("HF_ROUTER_URL")), "/"); v != "" {
		return v
	}
	return "https://router.huggingface.co"
}

// hubURL is HF_ENDPOINT without a trailing slash, default https://huggingface.co.
func (e env) hubURL() string {
	if v := strings.TrimRight(strings.TrimSpace(e.get("HF_ENDPOINT")), "/"); v != "" {
		return v
	}
	return "https://huggingface.co"
}

// cleanToken strips what huggingface_hub strips: CR, LF and surrounding spaces.
func cleanToken(s string) string {
	return strings.TrimSpace(strings.NewReplacer("\r", "", "\n", "").Replace(s))
}

// hfToken finds the Hugging Face token in huggingface_hub's order: HF_TOKEN,
// HUGGING_FACE_HUB_TOKEN, then the token file (HF_TOKEN_PATH, else $HF_HOME/token, where
// HF_HOME defaults to $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface).
// OIDC, OAuth refresh and Colab secrets are not supported.
func (e env) hfToken() string {
	for _, k := range []string{"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"} {
		if v := cleanToken(e.get(k)); v != "" {
			return v
		}
	}
	b, err := os.ReadFile(e.tokenPath())
	if err != nil {
		return ""
	}
	return cleanToken(string(b))
}

// tokenPath is where `hf auth login` stores the token.
func (e env) tokenPath() string {
	if p := e.get("HF_TOKEN_PATH"); p != "" {
		return e.expand(p)
	}
	return filepath.Join(e.hfHome(), "token")
}

// hfHome is HF_HOME, else $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface.
func (e env) hfHome() string {
	home := e.get("HF_HOME")
	if home == "" {
		cache := e.get("XDG_CACHE_HOME")
		if cache == "" {
			h, _ := os.UserHomeDir()
			cache = filepath.Join(h, ".cache")
		}
		home = filepath.Join(cache, "huggingface")
	}
	return e.expand(home)
}

// HFToken is the Hugging Face token found in the environment read by getenv (nil: the
// process environment), in huggingface_hub's order. Other packages (the Hub download) use it
// so that there is one lookup.
func HFToken(getenv func(string) string) string { return newEnv(getenv).hfToken() }

// HFHome is the Hugging Face home folder (token, Hub cache) for the environment read by
// getenv (nil: the process environment).
func HFHome(getenv func(string) string) string { return newEnv(getenv).hfHome() }

// expand resolves a leading ~ and $VARS, as huggingface_hub does for its paths.
func (e env) expand(p string) string {
	p = os.Expand(p, e.get)
	if p == "~" || strings.HasPrefix(p, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(h, p[1:])
		}
	}
	return p
}

// isHFToken reports whether a key is a Hugging Face token, which routes calls through the
// router and bills them to Hugging Face.
func isHFToken(key string) bool { return strings.HasPrefix(key, "hf_") }

// isHFHost reports whether a URL belongs to Hugging Face, the only hosts that may receive the
// token found in the environment: *.huggingface.co, *.hf.space, *.endpoints.huggingface.cloud,
// and the configured router and Hub (HF_ROUTER_URL, HF_ENDPOINT), which the user chose.
func (e env) isHFHost(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	for _, configured := range []string{e.routerURL(), e.hubURL()} {
		if c, err := url.Parse(configured); err == nil && c.Scheme == u.Scheme && strings.EqualFold(c.Host, u.Host) {
			return true
		}
	}
	if u.Scheme != "https" {
		return false
	}
	h := strings.ToLower(u.Hostname())
	for _, suffix := range []string{"huggingface.co", "hf.space", "endpoints.huggingface.cloud"} {
		if h == suffix || strings.HasSuffix(h, "."+suffix) {
			return true
		}
	}
	return false
}
