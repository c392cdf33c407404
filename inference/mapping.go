package inference

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// MappingEntry says how one provider serves a Hub model (the Hub's inferenceProviderMapping).
type MappingEntry struct {
	Provider           string `json:"provider"`
	HFModelID          string `json:"hfModelId"`
	ProviderID         string `json:"providerId"`
	Status             string `json:"status"` // live, staging or error
	Task               string `json:"task"`
	Adapter            string `json:"adapter,omitempty"`
	AdapterWeightsPath string `json:"adapterWeightsPath,omitempty"`
	Type               string `json:"type,omitempty"`
}

// mappingCache keeps each model's mapping for the life of the process, as both Hugging Face
// clients do. The key includes the Hub URL so that tests with their own Hub do not collide.
var mappingCache = struct {
	sync.Mutex
	m map[string][]MappingEntry
}{m: map[string][]MappingEntry{}}

// mappingURL is the Hub API call that returns a model's provider mapping.
func mappingURL(hub, model string) string {
	return strings.TrimRight(hub, "/") + "/api/models/" + escapeModelPath(model) + "?expand[]=inferenceProviderMapping"
}

// fetchMapping returns the provider mapping of a Hub model, from the cache or the Hub.
func (c *Client) fetchMapping(ctx context.Context, model string) ([]MappingEntry, error) {
	u := mappingURL(c.env.hubURL(), model)
	mappingCache.Lock()
	cached, ok := mappingCache.m[u]
	mappingCache.Unlock()
	if ok {
		return cached, nil
	}
	// The lookup gets the same patience as a model call that sends nothing.
	ctx, cancel := context.WithTimeout(ctx, c.cfg.IdleTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent())
	// Only an hf_ token goes to the Hub, never a provider key (spec §6.6).
	if c.target.hubToken != "" && c.env.isHFHost(u) {
		req.Header.Set("Authorization", "Bearer "+c.target.hubToken)
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		c.logRequest(req, 0, time.Since(start), 1, err)
		return nil, &StreamError{Message: "could not fetch the provider mapping of " + model + " from " + c.env.hubURL(), URL: c.red.URL(u), Err: c.red.Error(err)}
	}
	defer resp.Body.Close()
	c.logRequest(req, resp.StatusCode, time.Since(start), 1, nil)
	switch {
	case resp.StatusCode == 401 || resp.StatusCode == 404:
		return nil, &ConfigError{Message: fmt.Sprintf("model %q was not found on the Hub (%s): check the model id; if it is private or gated, set HF_TOKEN to a token that can read it", model, c.env.hubURL())}
	case resp.StatusCode/100 != 2:
		return nil, c.httpError(resp, u, 1).typed()
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, &StreamError{Message: "could not read the provider mapping of " + model, Err: err}
	}
	entries, err := parseMapping(raw, model)
	if err != nil {
		return nil, &StreamError{Message: "the Hub answered an unreadable provider mapping for " + model, Err: err}
	}
	mappingCache.Lock()
	mappingCache.m[u] = entries
	mappingCache.Unlock()
	return entries, nil
}

// parseMapping reads inferenceProviderMapping in either shape the Hub uses: an object keyed
// by provider (model info) or a list of entries with a `provider` field (list endpoints).
// The object's order is kept: it is the user's preference order.
func parseMapping(raw []byte, model string) ([]MappingEntry, error) {
	var doc struct {
		ID      string          `json:"id"`
		Mapping json.RawMessage `json:"inferenceProviderMapping"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	if doc.ID == "" {
		doc.ID = model
	}
	m := bytes.TrimSpace(doc.Mapping)
	var out []MappingEntry
	switch {
	case len(m) == 0 || bytes.Equal(m, []byte("null")):
		return nil, nil
	case m[0] == '[':
		if err := json.Unmarshal(m, &out); err != nil {
			return nil, err
		}
	case m[0] == '{':
		dec := json.NewDecoder(bytes.NewReader(m))
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil, err
			}
			var e MappingEntry
			if err := dec.Decode(&e); err != nil {
				return nil, err
			}
			e.Provider, _ = tok.(string)
			out = append(out, e)
		}
	default:
		return nil, fmt.Errorf("inferenceProviderMapping is neither an object nor a list")
	}
	for i := range out {
		if out[i].HFModelID == "" {
			out[i].HFModelID = doc.ID
		}
	}
	return out, nil
}

// pickMapping finds the provider's entry, refuses one that is not for chat, and returns the
// warnings the status calls for (neither Hugging Face client blocks the call on them).
func pickMapping(entries []MappingEntry, provider, model string) (MappingEntry, []string, error) {
	var served []string
	for _, e := range entries {
		if e.Provider != provider {
			if e.Task == "conversational" {
				served = append(served, e.Provider)
			}
			continue
		}
		if e.Task != "conversational" {
			return e, nil, &ConfigError{Message: fmt.Sprintf("model %q is not supported for task conversational by provider %q (supported task: %s): choose a chat model", model, provider, e.Task)}
		}
		var warn []string
		switch e.Status {
		case "staging":
			warn = append(warn, fmt.Sprintf("model %q is in staging mode for provider %q: meant for test purposes only", model, provider))
		case "error":
			warn = append(warn, fmt.Sprintf("the latest health check of model %q on provider %q failed: calls may fail", model, provider))
		}
		return e, warn, nil
	}
	hint := "it is served by no provider for chat"
	if len(served) > 0 {
		hint = "providers serving it: " + strings.Join(served, ", ") + ", or use provider \"auto\""
	}
	return MappingEntry{}, nil, &ConfigError{Message: fmt.Sprintf("model %q is not supported by provider %q (%s)", model, provider, hint)}
}
