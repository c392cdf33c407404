package inference

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Config says which backend a Client talks to and how.
type Config struct {
	// Model is the Hub model id (or the model name a local server expects).
	Model string
	// Provider is an Inference Provider id, or "auto". Ignored when EndpointURL is set.
	Provider string
	// EndpointURL is an OpenAI-compatible base URL (Inference Endpoint, llama.cpp, vLLM...).
	EndpointURL string
	// APIKey is an explicit key. It is sent wherever the agent points.
	APIKey string
	// BillTo is sent as X-HF-Bill-To on Hugging Face routed calls.
	BillTo string
	// IdleTimeout ends a request when no byte arrives for this long. Zero means 5 minutes.
	IdleTimeout time.Duration
	// HTTPClient is used for every request; nil means a default client.
	HTTPClient *http.Client
	// Getenv reads the environment (HF_TOKEN, HF_ROUTER_URL...); nil means os.Getenv.
	Getenv func(string) string
}

// Client sends chat-completion requests to one backend.
type Client struct {
	cfg    Config
	target target
	http   *http.Client
}

// New checks the configuration and resolves where requests go.
func New(cfg Config) (*Client, error) {
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 5 * time.Minute
	}
	env := newEnv(cfg.Getenv)
	t, err := resolveTarget(cfg, env)
	if err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport}
	}
	return &Client{cfg: cfg, target: t, http: hc}, nil
}

// Describe says where requests go, for the user: the provider or the endpoint.
func (c *Client) Describe() (provider, endpoint string) {
	if c.cfg.EndpointURL != "" {
		return "", c.target.url
	}
	return c.target.provider, ""
}

// Model is the model named in requests.
func (c *Client) Model() string { return c.cfg.Model }

// ChatCompletionStream sends a streaming request and returns the stream of chunks.
// Cancelling ctx ends the request at once.
func (c *Client) ChatCompletionStream(ctx context.Context, req ChatRequest) (*Stream, error) {
	req.Stream = true
	resp, reqCtx, cancel, idle, err := c.do(ctx, req)
	if err != nil {
		return nil, err
	}
	return newStream(reqCtx, cancel, resp.Body, idle, c.target.url), nil
}

func (c *Client) do(ctx context.Context, req ChatRequest) (*http.Response, context.Context, context.CancelFunc, *idleWatch, error) {
	if req.Model == "" {
		req.Model = c.target.model
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("encode request: %w", err)
	}
	reqCtx, cancel := context.WithCancel(ctx)
	idle := newIdleWatch(c.cfg.IdleTimeout, cancel)
	hreq, err := http.NewRequestWithContext(reqCtx, http.MethodPost, c.target.url, bytes.NewReader(body))
	if err != nil {
		idle.stop()
		cancel()
		return nil, nil, nil, nil, err
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "text/event-stream, application/json")
	hreq.Header.Set("User-Agent", userAgent())
	if c.target.key != "" {
		hreq.Header.Set("Authorization", "Bearer "+c.target.key)
	}
	for k, v := range c.target.headers {
		hreq.Header.Set(k, v)
	}
	resp, err := c.http.Do(hreq)
	if err != nil {
		idle.stop()
		cancel()
		if idle.fired() {
			return nil, nil, nil, nil, &TimeoutError{URL: c.target.url, Idle: c.cfg.IdleTimeout}
		}
		if ctx.Err() != nil {
			return nil, nil, nil, nil, ctx.Err()
		}
		return nil, nil, nil, nil, &StreamError{Message: "request to " + c.target.url + " failed", Err: redactErr(err, c.target.key)}
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		idle.stop()
		cancel()
		return nil, nil, nil, nil, httpErrorFrom(resp, c.target.url)
	}
	return resp, reqCtx, cancel, idle, nil
}

// httpErrorFrom reads the server's message from an error response.
func httpErrorFrom(resp *http.Response, u string) *HTTPError {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64*1024))
	e := &HTTPError{Status: resp.StatusCode, URL: u, ServerMessage: serverMessage(resp.Header, raw)}
	for _, h := range []string{"X-Request-Id", "X-Amzn-Trace-Id", "X-Amz-Cf-Id"} {
		if v := resp.Header.Get(h); v != "" {
			e.RequestID = v
			break
		}
	}
	return e
}

// serverMessage extracts the human part of an error body: `error` (string or object with
// message), `message`, `detail`, `error_description`, or the raw text for non-JSON bodies.
func serverMessage(h http.Header, raw []byte) string {
	var parts []string
	if m := h.Get("X-Error-Message"); m != "" {
		parts = append(parts, m)
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		for _, k := range []string{"error", "message", "detail", "error_description"} {
			if v, ok := obj[k]; ok {
				if s := streamErrorMessage(v); s != "" {
					parts = append(parts, s)
				}
			}
		}
	} else if t := strings.TrimSpace(string(raw)); t != "" && !strings.HasPrefix(t, "<") {
		parts = append(parts, t)
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range parts {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

// redactErr removes the key from an error's text (url.Error can carry a URL with a key).
func redactErr(err error, key string) error {
	if key == "" || !strings.Contains(err.Error(), key) {
		return err
	}
	return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), key, "***"))
}

func userAgent() string { return "tiny-agents-go; " + Version }

// Version is the program version reported in the User-Agent; main sets it.
var Version = "dev"

// normalizeEndpoint turns a base URL into the chat-completions URL, as both Hugging Face
// clients do: .../chat/completions stays, .../v1 gets /chat/completions, anything else gets
// /v1/chat/completions. The query string is kept (Azure-style api-version).
func normalizeEndpoint(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", &ConfigError{Message: fmt.Sprintf("endpointUrl %q is not an http(s) URL", raw)}
	}
	p := strings.TrimRight(u.Path, "/")
	switch {
	case strings.HasSuffix(p, "/chat/completions"):
	case strings.HasSuffix(p, "/v1"):
		p += "/chat/completions"
	default:
		p += "/v1/chat/completions"
	}
	u.Path = p
	u.RawPath = ""
	return u.String(), nil
}
