package inference

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Config says which backend a Client talks to and how.
type Config struct {
	// Model is the Hub model id, optionally with a router suffix (`:fastest`, `:cheapest`,
	// `:groq`...), or the model name a local server expects.
	Model string
	// Provider is an Inference Provider id, or "auto" (the default). Ignored when EndpointURL is set.
	Provider string
	// EndpointURL is an OpenAI-compatible base URL (Inference Endpoint, llama.cpp, vLLM, TGI,
	// Ollama, LiteLLM...). It is normalised to .../v1/chat/completions.
	EndpointURL string
	// APIKey is an explicit key. It is sent wherever the agent points; without it API_KEY is read.
	APIKey string
	// BillTo is sent as X-HF-Bill-To on calls to Hugging Face hosts.
	BillTo string
	// IdleTimeout ends a request when no byte arrives for this long. Zero means 5 minutes.
	IdleTimeout time.Duration
	// HTTPClient is used for every request; nil means a default client.
	HTTPClient *http.Client
	// Getenv reads the environment (HF_TOKEN, HF_HOME, HF_ROUTER_URL, HF_ENDPOINT, API_KEY...);
	// nil means os.Getenv.
	Getenv func(string) string
	// Warn receives warnings meant for the user (staging model, removed provider, ignored
	// billTo). They are also kept for Client.Warnings.
	Warn func(string)
	// Logger receives one debug record per HTTP request (method, URL, status, duration,
	// attempt), with every secret redacted. Nil logs nothing.
	Logger *slog.Logger
	// MaxRetries is how many times a request is re-sent after a 429, 502, 503, 504 or a
	// connection reset before the first byte. Zero means 3; negative means never.
	MaxRetries int
	// MaxRetryWait caps the wait between attempts. A server asking for longer is not retried
	// (its error, with the wait, goes to the caller). Zero means 30 seconds.
	MaxRetryWait time.Duration
	// Sleep waits between attempts; nil means a timer. Tests make it instant.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client sends chat-completion requests to one backend. It is safe for concurrent use.
type Client struct {
	cfg    Config
	env    env
	target target
	http   *http.Client
	red    redactor

	mu       sync.Mutex
	ready    bool   // the mapping has been resolved
	url      string // chat URL after the mapping
	model    string // body model after the mapping
	warnings []string
	// warnedTopics are the X-HF-Warning topics already shown.
	warnedTopics map[string]bool
}

// New checks the configuration and resolves where requests go. The provider mapping, which
// needs the network, is looked up on the first request.
func New(cfg Config) (*Client, error) {
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 5 * time.Minute
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = 3
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = 30 * time.Second
	}
	e := newEnv(cfg.Getenv)
	t, err := resolveTarget(cfg, e)
	if err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport}
	}
	c := &Client{cfg: cfg, env: e, target: t, http: hc,
		red: newRedactor(t.key, t.hubToken, e.hfToken(), cleanToken(cfg.APIKey), cleanToken(e.get("API_KEY")))}
	if !t.needsMapping {
		c.ready, c.url, c.model = true, t.url, t.model
	}
	c.warn(t.warnings...)
	return c, nil
}

// Describe says where requests go, for the user: the provider or the endpoint.
func (c *Client) Describe() (provider, endpoint string) {
	if c.target.endpoint {
		return "", c.red.URL(c.target.url)
	}
	return c.target.provider, ""
}

// Model is the model named in the configuration.
func (c *Client) Model() string { return c.cfg.Model }

// URL is the chat-completions URL requests go to (known after the first request for
// providers that need the mapping), with secrets redacted.
func (c *Client) URL() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.red.URL(c.url)
}

// Warnings are the warnings given so far, for a front end to show.
func (c *Client) Warnings() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.warnings...)
}

func (c *Client) warn(msgs ...string) {
	for _, m := range msgs {
		m = c.red.String(m)
		c.mu.Lock()
		c.warnings = append(c.warnings, m)
		c.mu.Unlock()
		if c.cfg.Warn != nil {
			c.cfg.Warn(m)
		}
		if c.cfg.Logger != nil {
			c.cfg.Logger.Warn("inference warning", "message", m)
		}
	}
}

// prepare resolves the provider mapping once (a failed lookup is tried again next time).
func (c *Client) prepare(ctx context.Context) (string, string, error) {
	c.mu.Lock()
	if c.ready {
		defer c.mu.Unlock()
		return c.url, c.model, nil
	}
	c.mu.Unlock()
	entries, err := c.fetchMapping(ctx, c.target.hubID)
	if err != nil {
		return "", "", err
	}
	entry, warns, err := pickMapping(entries, c.target.provider, c.target.hubID)
	if err != nil {
		return "", "", err
	}
	u := chatURL(c.env.routerURL(), c.target.provider, c.target.routed, entry.ProviderID)
	c.mu.Lock()
	first := !c.ready
	c.ready, c.url, c.model = true, u, entry.ProviderID
	c.mu.Unlock()
	if first {
		c.warn(warns...)
	}
	return u, entry.ProviderID, nil
}

// ChatCompletionStream sends a streaming request and returns the stream of chunks.
// Cancelling ctx ends the request at once. A server that ignores stream:true and answers
// with one JSON completion is read as a stream of one chunk.
func (c *Client) ChatCompletionStream(ctx context.Context, req ChatRequest) (*Stream, error) {
	req.Stream = true
	resp, err := c.send(ctx, req)
	if err != nil {
		return nil, err
	}
	if isJSON(resp.Header) {
		defer resp.close()
		out, err := resp.readCompletion()
		if err != nil {
			return nil, err
		}
		return newChunkStream(out.asChunks()), nil
	}
	if mediaType(resp.Header) == "text/html" {
		defer resp.close()
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		return nil, &StreamError{Message: fmt.Sprintf("the server at %s answered with a web page, not an event stream (%q...): check the endpoint URL", c.red.URL(resp.url), c.red.String(string(raw))), URL: c.red.URL(resp.url)}
	}
	return newStream(resp.ctx, resp.cancel, resp.Body, resp.idle, c.red.URL(resp.url)), nil
}

// ChatCompletion sends a non-streaming request and returns the whole completion. A server
// that streams anyway is read to the end and assembled.
func (c *Client) ChatCompletion(ctx context.Context, req ChatRequest) (*ChatCompletion, error) {
	req.Stream = false
	resp, err := c.send(ctx, req)
	if err != nil {
		return nil, err
	}
	defer resp.close()
	if !isJSON(resp.Header) && isEventStream(resp.Header) {
		s := newStream(resp.ctx, resp.cancel, resp.Body, resp.idle, c.red.URL(resp.url))
		return collect(s)
	}
	return resp.readCompletion()
}

// body encodes a request for this backend: the model resolved, the provider's rewrites
// applied, nulls dropped, `model` first.
func (c *Client) body(req ChatRequest, model string) ([]byte, error) {
	switch {
	case c.target.needsMapping || c.target.provider == "openai":
		// The provider's own id; a caller's model cannot override it (huggingface_hub).
		req.Model = model
	case req.Model == "":
		req.Model = model
	}
	if req.Model == "" {
		return nil, &ConfigError{Message: "no model: set \"model\" in the agent config or pass --model"}
	}
	shapeRequest(c.target.provider, c.target.endpoint, &req)
	b, err := json.Marshal(req)
	if err != nil {
		return nil, &ConfigError{Message: "cannot encode the request: " + err.Error()}
	}
	return b, nil
}

// response is a successful HTTP answer with what it takes to read and release it.
type response struct {
	*http.Response
	ctx    context.Context
	cancel context.CancelFunc
	idle   *idleWatch
	url    string
}

func (r *response) close() {
	r.idle.stop()
	r.Body.Close()
	r.cancel()
}

func (r *response) readCompletion() (*ChatCompletion, error) {
	raw, err := io.ReadAll(r.idle.reader(r.Body))
	if err != nil {
		if r.idle.fired() {
			return nil, &TimeoutError{URL: r.url, Idle: r.idle.d}
		}
		if r.ctx.Err() != nil {
			return nil, r.ctx.Err()
		}
		return nil, &StreamError{Message: "could not read the answer", URL: r.url, Err: err}
	}
	return parseCompletion(raw, r.url)
}

func mediaType(h http.Header) string {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		// centml repeats `charset`, which mime rejects; the type before ';' is what matters.
		mt, _, _ = strings.Cut(strings.ToLower(h.Get("Content-Type")), ";")
	}
	return strings.TrimSpace(mt)
}

func isJSON(h http.Header) bool { return mediaType(h) == "application/json" }

func isEventStream(h http.Header) bool { return mediaType(h) == "text/event-stream" }

func userAgent() string { return "tiny-agents-go/" + Version }

// Version is the program version reported in the User-Agent; main sets it.
var Version = "dev"

// normalizeEndpoint turns a base URL into the chat-completions URL, as both Hugging Face
// clients do: .../chat/completions stays, .../v1 gets /chat/completions, anything else gets
// /v1/chat/completions. The query string is kept (Azure-style api-version).
func normalizeEndpoint(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", &ConfigError{Message: fmt.Sprintf("endpointUrl %q is not an http(s) URL: give the server's base URL, e.g. http://localhost:8080/v1", newRedactor().URL(raw))}
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
