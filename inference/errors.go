package inference

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrorKind classifies a failed model call, as scripts see it in the `error` event.
type ErrorKind string

// The kinds of model errors.
const (
	KindAuth      ErrorKind = "auth"
	KindRateLimit ErrorKind = "rate_limit"
	KindTimeout   ErrorKind = "timeout"
	KindHTTP      ErrorKind = "http"
	KindStream    ErrorKind = "stream"
	KindConfig    ErrorKind = "config"
)

// HTTPError is a non-2xx answer from the backend.
type HTTPError struct {
	Status int
	// ServerMessage is the server's own words, from the body or X-Error-Message.
	ServerMessage string
	RequestID     string
	URL           string
	// RetryAfter is the wait the server asked for (429, 503), zero if none.
	RetryAfter time.Duration
}

func (e *HTTPError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d from %s", e.Status, e.URL)
	if e.ServerMessage != "" {
		fmt.Fprintf(&b, ": %s", e.ServerMessage)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	switch e.Status {
	case 401:
		b.WriteString(". Check the token: set HF_TOKEN, or pass --api-key")
	case 403:
		b.WriteString(". The token lacks permission for this model or provider")
	}
	return b.String()
}

// Kind classifies the error.
func (e *HTTPError) Kind() ErrorKind {
	switch e.Status {
	case 401, 403:
		return KindAuth
	case 429:
		return KindRateLimit
	}
	return KindHTTP
}

// StreamError is an error reported inside a stream, or a stream that broke.
type StreamError struct {
	Message string
	Err     error
}

func (e *StreamError) Error() string {
	if e.Err != nil && e.Message == "" {
		return "stream broke: " + e.Err.Error()
	}
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return "error in stream: " + e.Message
}

func (e *StreamError) Unwrap() error { return e.Err }

// TimeoutError means no byte came from the server within the idle timeout.
type TimeoutError struct {
	URL  string
	Idle time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("inference call timed out: no data from %s for %s", e.URL, e.Idle)
}

// ConfigError is a client configuration that cannot work (no token for a routed provider,
// an unknown provider...).
type ConfigError struct{ Message string }

func (e *ConfigError) Error() string { return e.Message }

// KindOf classifies any error returned by this package.
func KindOf(err error) ErrorKind {
	var he *HTTPError
	var te *TimeoutError
	var ce *ConfigError
	switch {
	case errors.As(err, &he):
		return he.Kind()
	case errors.As(err, &te):
		return KindTimeout
	case errors.As(err, &ce):
		return KindConfig
	}
	return KindStream
}
