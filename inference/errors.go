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

// HTTPError is a non-2xx answer from the backend. The status-specific types (AuthError,
// RateLimitError, BadRequestError, ServerError) wrap it, so errors.As finds both the specific
// type and *HTTPError.
type HTTPError struct {
	Status int
	// ServerMessage is the server's own words, from the body or X-Error-Message (secrets removed).
	ServerMessage string
	// ErrorType is the server's error type or code when it sends one (TGI `error_type`,
	// OpenAI `error.type`).
	ErrorType string
	RequestID string
	URL       string
	// RetryAfter is the wait the server asked for (Retry-After or RateLimit t=), zero if none.
	RetryAfter time.Duration
	// Attempts is how many times the request was sent (more than 1 after retries).
	Attempts int
}

func (e *HTTPError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d from %s", e.Status, e.URL)
	if e.ServerMessage != "" {
		fmt.Fprintf(&b, ": %s", e.ServerMessage)
	}
	if e.ErrorType != "" {
		fmt.Fprintf(&b, " [%s]", e.ErrorType)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	switch {
	case e.Status == 401:
		b.WriteString(". Check the token: set HF_TOKEN (or run `hf auth login`), or pass --api-key")
	case e.Status == 402:
		b.WriteString(". The account has no credits left for this provider")
	case e.Status == 403:
		b.WriteString(". The token lacks permission for this model or provider (for routed calls it needs the \"Make calls to Inference Providers\" permission)")
	case e.Status == 429 && e.RetryAfter > 0:
		fmt.Fprintf(&b, ". Rate limited: retry after %s", e.RetryAfter.Round(time.Second))
	case e.Status == 429:
		b.WriteString(". Rate limited: wait and retry")
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

// AuthError is a 401 or 403: the key is missing, wrong, or lacks a permission.
type AuthError struct{ *HTTPError }

// Unwrap gives the HTTPError.
func (e *AuthError) Unwrap() error { return e.HTTPError }

// RateLimitError is a 429. RetryAfter holds the server's wait, if it gave one.
type RateLimitError struct{ *HTTPError }

// Unwrap gives the HTTPError.
func (e *RateLimitError) Unwrap() error { return e.HTTPError }

// BadRequestError is a 400 or 422: the server refused the request as written (unknown model,
// invalid messages, no chat template...). ServerMessage says why.
type BadRequestError struct{ *HTTPError }

// Unwrap gives the HTTPError.
func (e *BadRequestError) Unwrap() error { return e.HTTPError }

// ServerError is a 5xx: the backend failed.
type ServerError struct{ *HTTPError }

// Unwrap gives the HTTPError.
func (e *ServerError) Unwrap() error { return e.HTTPError }

// typed wraps an HTTPError in the type matching its status.
func (e *HTTPError) typed() error {
	switch {
	case e.Status == 401 || e.Status == 403:
		return &AuthError{e}
	case e.Status == 429:
		return &RateLimitError{e}
	case e.Status == 400 || e.Status == 422:
		return &BadRequestError{e}
	case e.Status >= 500:
		return &ServerError{e}
	}
	return e
}

// StreamError is an error reported inside a stream (an `error` object in a chunk), an
// unreadable chunk, or a connection that broke.
type StreamError struct {
	Message string
	// ErrorType is the server's error type (TGI: generation, incomplete_generation,
	// overloaded, validation), when given.
	ErrorType string
	// URL is where the request went, when known.
	URL string
	Err error
}

func (e *StreamError) Error() string {
	var b strings.Builder
	switch {
	case e.Err != nil && e.Message == "":
		b.WriteString("stream broke: " + e.Err.Error())
	case e.Err != nil:
		b.WriteString(e.Message + ": " + e.Err.Error())
	default:
		b.WriteString("error in stream: " + e.Message)
	}
	if e.ErrorType != "" {
		fmt.Fprintf(&b, " (%s)", e.ErrorType)
	}
	return b.String()
}

func (e *StreamError) Unwrap() error { return e.Err }

// TimeoutError means no byte came from the server within the idle timeout.
type TimeoutError struct {
	URL  string
	Idle time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("inference call timed out: no data from %s for %s (raise it with --timeout)", e.URL, e.Idle)
}

// ConfigError is a client configuration that cannot work (no token for a routed provider,
// an unknown provider, a model the provider does not serve...). Its message says what to set.
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
