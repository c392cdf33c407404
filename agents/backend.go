package agents

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultModel is the model of the default agent and of configs that name none (VS Code
// and Claude configs only list servers): a strong open model with tool calling that many
// Inference Providers serve, reached through the router with provider "auto".
const DefaultModel = "Qwen/Qwen3-235B-A22B-Instruct-2507"

// DefaultProvider goes with DefaultModel.
const DefaultProvider = "auto"

// LocalServers are the base URLs probed for an OpenAI-compatible server when the default
// model cannot be used for lack of a token: llama.cpp's llama-server, Ollama, vLLM.
var LocalServers = []string{"http://127.0.0.1:8080", "http://127.0.0.1:11434", "http://127.0.0.1:8000"}

// probeTimeout bounds each probe: a local server answers in milliseconds, and a port with
// nothing on it refuses at once.
const probeTimeout = 400 * time.Millisecond

// applyDefaultBackend fills in the default model and provider, and when no token can reach
// the router, falls back on a local server, saying so in a notice.
func applyDefaultBackend(ctx context.Context, a *Agent, opts Options, configName string) error {
	usedDefault := false
	if a.Model == "" && a.EndpointURL == "" {
		a.Model = DefaultModel
		usedDefault = true
		if a.Provider == "" {
			a.Provider = DefaultProvider
		}
	}
	if a.Format == FormatBundled && a.EndpointURL != "" && opts.Model == "" {
		// A bundled agent pointed at a local server with --endpoint-url: its Hub model id
		// means nothing there (Ollama refuses unknown names), so ask the server.
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimRight(a.EndpointURL, "/"), "/chat/completions"), "/v1")
		if m := firstModel(ctx, opts.httpClient(), base); m != "" {
			a.Model = m
			a.Notices = append(a.Notices, fmt.Sprintf("using model %s, the first one the server at %s lists (pass --model to choose)", m, a.EndpointURL))
		}
		return nil
	}
	if a.EndpointURL != "" || a.APIKey != "" || opts.getenv("API_KEY") != "" || hfToken(opts.getenv) != "" {
		if usedDefault && a.Format != FormatBundled {
			a.Notices = append(a.Notices, fmt.Sprintf("%s names no model: using %s (provider %s); set \"model\" or pass --model to choose another",
				configName, a.Model, a.Provider))
		}
		return nil
	}
	servers := opts.LocalServers
	if servers == nil {
		servers = LocalServers
	}
	if base, model, ok := probeLocal(ctx, opts.httpClient(), servers); ok {
		a.EndpointURL = base + "/v1"
		a.Provider = ""
		if usedDefault || opts.Model == "" {
			a.Model = model
		}
		a.Notices = append(a.Notices, fmt.Sprintf("no Hugging Face token found: using the local server at %s (model %s)", base, a.Model))
		return nil
	}
	var hosts []string
	for _, s := range servers {
		hosts = append(hosts, strings.TrimPrefix(s, "http://"))
	}
	return &ConfigError{File: configName, Msg: "no Hugging Face token: set HF_TOKEN (or log in with `hf auth login`), or pass --endpoint-url to use a local OpenAI-compatible server (none answered on " + strings.Join(hosts, ", ") + ")"}
}

// probeLocal asks each server for GET /v1/models at once and returns the first in list
// order that answers with at least one model.
func probeLocal(ctx context.Context, hc *http.Client, bases []string) (base, model string, ok bool) {
	type found struct{ model string }
	results := make([]*found, len(bases))
	var wg sync.WaitGroup
	for i, b := range bases {
		wg.Add(1)
		go func(i int, b string) {
			defer wg.Done()
			if m := firstModel(ctx, hc, b); m != "" {
				results[i] = &found{model: m}
			}
		}(i, b)
	}
	wg.Wait()
	for i, r := range results {
		if r != nil {
			return strings.TrimRight(bases[i], "/"), r.model, true
		}
	}
	return "", "", false
}

func firstModel(ctx context.Context, hc *http.Client, base string) string {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/v1/models", nil)
	if err != nil {
		return ""
	}
	resp, err := hc.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return ""
	}
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&list) != nil {
		return ""
	}
	for _, m := range list.Data {
		if m.ID != "" {
			return m.ID
		}
	}
	return ""
}
