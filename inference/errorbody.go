package inference

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// httpError reads the server's message from an error response.
func (c *Client) httpError(resp *http.Response, u string, attempts int) *HTTPError {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64*1024))
	msg, typ := serverMessage(resp.Header, raw)
	e := &HTTPError{Status: resp.StatusCode, URL: c.red.URL(u), ServerMessage: c.red.String(msg),
		ErrorType: typ, Attempts: attempts, RetryAfter: retryAfter(resp.Header, time.Now())}
	for _, h := range []string{"X-Request-Id", "X-Amzn-Trace-Id", "X-Amz-Cf-Id"} {
		if v := resp.Header.Get(h); v != "" {
			e.RequestID = v
			break
		}
	}
	if e.RequestID == "" {
		// Some servers (mistral) put the request id only in the body.
		var obj struct {
			RequestID string `json:"request_id"`
		}
		if json.Unmarshal(raw, &obj) == nil {
			e.RequestID = obj.RequestID
		}
	}
	return e
}

// serverMessage extracts the human part of an error body, in the shapes servers use:
// `{"error":"..."}` (TGI, router), `{"error":{"message":...}}` (OpenAI), `{"message":...}`
// (mistral, vLLM `object:error`), `{"detail":[{"msg":...}]}` (FastAPI), `error_description`,
// `errors[].message`, the X-Error-Message header, or the raw text of a non-JSON, non-HTML body.
func serverMessage(h http.Header, raw []byte) (msg, errType string) {
	var parts []string
	if m := h.Get("X-Error-Message"); m != "" {
		parts = append(parts, m)
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		for _, k := range []string{"error", "message", "detail", "error_description", "errors"} {
			if v, ok := obj[k]; ok {
				if s := messageOf(v); s != "" {
					parts = append(parts, s)
				}
			}
		}
		errType = errorTypeOf(obj)
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
	return strings.Join(out, "; "), errType
}

// messageOf reads an error field: a string, an object with message/msg, a list of those,
// or anything else shown as compact JSON.
func messageOf(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj struct {
		Message string `json:"message"`
		Msg     string `json:"msg"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		if obj.Message != "" {
			return obj.Message
		}
		if obj.Msg != "" {
			return obj.Msg
		}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		var ms []string
		for _, item := range list {
			if m := messageOf(item); m != "" {
				ms = append(ms, m)
			}
		}
		return strings.Join(ms, "; ")
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) == nil {
		return buf.String()
	}
	return string(raw)
}

// errorTypeOf reads the error's type: TGI `error_type`, OpenAI `error.type` or `error.code`.
func errorTypeOf(obj map[string]json.RawMessage) string {
	var s string
	if json.Unmarshal(obj["error_type"], &s) == nil && s != "" {
		return s
	}
	var inner struct {
		Type string          `json:"type"`
		Code json.RawMessage `json:"code"`
	}
	if json.Unmarshal(obj["error"], &inner) == nil {
		if inner.Type != "" {
			return inner.Type
		}
		if json.Unmarshal(inner.Code, &s) == nil {
			return s
		}
	}
	return ""
}
