package inference

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// send posts the request, retrying what is safe to retry: a 429, 502, 503 or 504 answer and
// a connection reset before any byte of an answer came. Nothing is retried once a 2xx answer
// has begun, so a stream is never replayed. The returned response is 2xx.
func (c *Client) send(ctx context.Context, req ChatRequest) (*response, error) {
	u, model, err := c.prepare(ctx)
	if err != nil {
		return nil, err
	}
	body, err := c.body(req, model)
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		resp, err := c.attempt(ctx, u, body, attempt)
		if err == nil {
			return resp, nil
		}
		wait, retry := c.shouldRetry(err, attempt)
		if !retry {
			return nil, err
		}
		if c.cfg.Logger != nil {
			c.cfg.Logger.Info("inference retry", "attempt", attempt+1, "wait", wait, "reason", c.red.String(err.Error()))
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// attempt sends the request once.
func (c *Client) attempt(ctx context.Context, u string, body []byte, n int) (*response, error) {
	reqCtx, cancel := context.WithCancel(ctx)
	idle := newIdleWatch(c.cfg.IdleTimeout, cancel)
	fail := func(err error) (*response, error) {
		idle.stop()
		cancel()
		return nil, err
	}
	hreq, err := http.NewRequestWithContext(reqCtx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return fail(&ConfigError{Message: "bad request URL " + c.red.URL(u)})
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
	start := time.Now()
	resp, err := c.http.Do(hreq)
	if err != nil {
		c.logRequest(hreq, 0, time.Since(start), n, err)
		switch {
		case idle.fired():
			return fail(&TimeoutError{URL: c.red.URL(u), Idle: c.cfg.IdleTimeout})
		case ctx.Err() != nil:
			return fail(ctx.Err())
		}
		return fail(&StreamError{Message: "request to " + c.red.URL(u) + " failed", URL: c.red.URL(u), Err: c.red.Error(err)})
	}
	c.logRequest(hreq, resp.StatusCode, time.Since(start), n, nil)
	c.serverWarnings(resp.Header)
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		he := c.httpError(resp, u, n)
		return fail(he.typed())
	}
	return &response{Response: resp, ctx: reqCtx, cancel: cancel, idle: idle, url: u}, nil
}

// shouldRetry says whether an attempt's error is worth another attempt, and after how long.
func (c *Client) shouldRetry(err error, attempt int) (time.Duration, bool) {
	if attempt > c.cfg.MaxRetries {
		return 0, false
	}
	backoff := time.Second << (attempt - 1) // 1s, 2s, 4s: huggingface_hub's http_backoff
	var he *HTTPError
	switch {
	case errors.As(err, &he):
		switch he.Status {
		case 429, 502, 503, 504:
		default:
			return 0, false
		}
		if he.RetryAfter > 0 {
			// A wait beyond the cap would make the user stare at nothing; report it instead.
			if he.RetryAfter > c.cfg.MaxRetryWait {
				return 0, false
			}
			return he.RetryAfter, true
		}
	case isConnReset(err):
	default:
		return 0, false
	}
	return min(backoff, c.cfg.MaxRetryWait), true
}

// isConnReset reports a connection that the server dropped before answering.
func isConnReset(err error) bool {
	var se *StreamError
	if !errors.As(err, &se) {
		return false
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.cfg.Sleep != nil {
		if err := c.cfg.Sleep(ctx, d); err != nil {
			return err
		}
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryAfter reads the server's wait: Retry-After (seconds or an HTTP date), or the IETF
// RateLimit header `"name";r=0;t=SECONDS` that the Hugging Face Hub sends.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
			return time.Duration(s * float64(time.Second))
		}
		if t, err := http.ParseTime(v); err == nil {
			if d := t.Sub(now); d > 0 {
				return d
			}
		}
	}
	if v := h.Get("RateLimit"); v != "" {
		remaining, reset := -1, -1
		for _, part := range strings.Split(v, ";") {
			k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok {
				continue
			}
			n, err := strconv.Atoi(strings.TrimSpace(val))
			if err != nil {
				continue
			}
			switch strings.TrimSpace(k) {
			case "r":
				remaining = n
			case "t":
				reset = n
			}
		}
		if reset >= 0 && remaining <= 0 {
			// +1: the window resets at the end of the reported second (huggingface_hub does the same).
			return time.Duration(reset+1) * time.Second
		}
	}
	return 0
}

// serverWarnings passes on `X-HF-Warning: topic; message` headers (the Hugging Face router
// and Hub send them), once per topic, as huggingface_hub does.
func (c *Client) serverWarnings(h http.Header) {
	for _, v := range h.Values("X-HF-Warning") {
		topic, msg, ok := strings.Cut(v, ";")
		if !ok {
			topic, msg = "", v
		}
		topic, msg = strings.TrimSpace(topic), strings.TrimSpace(msg)
		c.mu.Lock()
		if c.warnedTopics == nil {
			c.warnedTopics = map[string]bool{}
		}
		seen := c.warnedTopics[topic]
		c.warnedTopics[topic] = true
		c.mu.Unlock()
		if !seen && msg != "" {
			c.warn("server warning: " + msg)
		}
	}
}
