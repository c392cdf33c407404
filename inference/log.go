package inference

import (
	"log/slog"
	"net/http"
	"time"
)

// logRequest writes one debug record per HTTP request, for --debug. Everything secret is
// redacted here: the Authorization header, keys in the URL, keys echoed in error texts.
func (c *Client) logRequest(req *http.Request, status int, d time.Duration, attempt int, err error) {
	l := c.cfg.Logger
	if l == nil {
		return
	}
	attrs := []any{
		"method", req.Method,
		"url", c.red.URL(req.URL.String()),
		"status", status,
		"duration", d.Round(time.Millisecond),
		"attempt", attempt,
		"headers", c.red.Headers(req.Header),
	}
	if err != nil {
		attrs = append(attrs, "error", c.red.String(err.Error()))
		l.Warn("inference request failed", attrs...)
		return
	}
	l.Log(req.Context(), slog.LevelDebug, "inference request", attrs...)
}
