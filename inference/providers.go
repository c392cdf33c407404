package inference

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// target is where a Client sends its requests, resolved once.
type target struct {
	url      string
	key      string
	model    string
	provider string
	headers  map[string]string
}

type env struct{ get func(string) string }

func newEnv(get func(string) string) env {
	if get == nil {
		get = os.Getenv
	}
	return env{get: get}
}

func (e env) routerURL() string {
	if v := strings.TrimRight(e.get("HF_ROUTER_URL"), "/"); v != "" {
		return v
	}
	return "https://router.huggingface.co"
}

// hfToken finds the Hugging Face token: HF_TOKEN, HUGGING_FACE_HUB_TOKEN, then the token file.
func (e env) hfToken() string {
	for _, k := range []string{"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"} {
		if v := strings.TrimSpace(e.get(k)); v != "" {
			return v
		}
	}
	path := e.get("HF_TOKEN_PATH")
	if path == "" {
		home := e.get("HF_HOME")
		if home == "" {
			cache := e.get("XDG_CACHE_HOME")
			if cache == "" {
				h, _ := os.UserHomeDir()
				cache = filepath.Join(h, ".cache")
			}
			home = filepath.Join(cache, "huggingface")
		}
		path = filepath.Join(home, "token")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// isHFHost reports whether a URL belongs to Hugging Face, the only hosts that may receive
// the token found in the environment.
func isHFHost(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
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

func resolveTarget(cfg Config, e env) (target, error) {
	t := target{model: cfg.Model, headers: map[string]string{}}
	if cfg.EndpointURL != "" {
		u, err := normalizeEndpoint(cfg.EndpointURL)
		if err != nil {
			return t, err
		}
		t.url = u
		t.key = cfg.APIKey
		if t.key == "" {
			t.key = e.get("API_KEY")
		}
		if t.key == "" && isHFHost(u) {
			t.key = e.hfToken()
		}
		return t, nil
	}
	provider := cfg.Provider
	if provider == "" {
		provider = "auto"
	}
	t.provider = provider
	key := cfg.APIKey
	if key == "" {
		key = e.get("API_KEY")
	}
	if key == "" {
		key = e.hfToken()
	}
	if key == "" {
		return t, &ConfigError{Message: fmt.Sprintf("no token for provider %q: set HF_TOKEN (or log in with `hf auth login`), or pass --api-key", provider)}
	}
	t.key = key
	router := e.routerURL()
	if provider == "auto" {
		t.url = router + "/v1/chat/completions"
	} else {
		t.url = router + "/" + provider + "/v1/chat/completions"
	}
	if cfg.BillTo != "" {
		t.headers["X-HF-Bill-To"] = cfg.BillTo
	}
	return t, nil
}
