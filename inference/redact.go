package inference

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/tiny-agents/tiny-agents/internal/redact"
)

// redactor removes secrets from anything this package shows: errors, warnings, debug logs.
// The secrets themselves are kept by package redact, the program's one registry of them, so
// that a key this client discovers (the token file) is masked everywhere else too.
type redactor struct{}

func newRedactor(secrets ...string) redactor {
	redact.Secret(secrets...)
	return redactor{}
}

// String replaces every secret in s.
func (redactor) String(s string) string { return redact.String(s) }

// secretQueryKeys are query parameters that carry keys (Azure `api-key`, Gemini `key`...).
var secretQueryKeys = []string{"key", "api-key", "api_key", "apikey", "token", "access_token", "sig"}

// URL redacts secret query parameters and any secret in the rest of the URL.
func (r redactor) URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return r.String(raw)
	}
	if u.User != nil {
		u.User = url.User("***")
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			for _, s := range secretQueryKeys {
				if strings.EqualFold(k, s) {
					q.Set(k, "***")
				}
			}
		}
		u.RawQuery = q.Encode()
	}
	return r.String(u.String())
}

// Headers copies headers for a log, with every credential header masked.
func (r redactor) Headers(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		val := strings.Join(v, ", ")
		switch strings.ToLower(k) {
		case "authorization", "proxy-authorization", "api-key", "x-api-key", "cookie":
			val = "***"
		}
		out[k] = r.String(val)
	}
	return out
}

// Error redacts an error's text, keeping the error when it holds no secret.
func (r redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := r.String(msg); red != msg {
		return redactedError{msg: red, err: err}
	}
	return err
}

// redactedError keeps the chain (errors.Is on a reset still works) but shows the redacted text.
type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }
