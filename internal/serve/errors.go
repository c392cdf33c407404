package serve

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/tiny-agents/tiny-agents/agent"
	"github.com/tiny-agents/tiny-agents/inference"
	"github.com/tiny-agents/tiny-agents/internal/safetext"
)

// apiError is an error answered in OpenAI's shape:
// {"error": {"message", "type", "param", "code"}}.
type apiError struct {
	Status  int
	Message string
	Type    string
	Param   string
	Code    string
	// RetryAfter is passed on from a rate-limited backend, zero if none.
	RetryAfter time.Duration
}

func (e *apiError) Error() string { return e.Message }

// body is the JSON body of the error; param and code are null when empty, as OpenAI sends.
func (e *apiError) body() map[string]any {
	obj := map[string]any{"message": e.Message, "type": e.Type, "param": nil, "code": nil}
	if e.Param != "" {
		obj["param"] = e.Param
	}
	if e.Code != "" {
		obj["code"] = e.Code
	}
	return map[string]any{"error": obj}
}

func (e *apiError) write(w http.ResponseWriter) {
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="tiny-agents"`)
	}
	writeJSON(w, e.Status, e.body())
}

func badRequest(param, msg string) *apiError {
	if param != "" {
		msg = param + ": " + msg
	}
	return &apiError{Status: http.StatusBadRequest, Type: "invalid_request_error", Param: param, Message: msg}
}

// modelError maps a failed turn to a status. The statuses say whose move it is:
//   - auth → 502, not 401: the backend refused this server's key, which the client cannot
//     fix; an OpenAI client seeing 401 would blame (and maybe drop) its own key for this
//     server.
//   - rate_limit → 429 with the backend's Retry-After: waiting and retrying is the right
//     move for the client too.
//   - timeout → 504: the gateway's upstream did not answer in time.
//   - http, stream → 502: the upstream failed or broke off.
//   - config → 500: this server is misconfigured.
func modelError(ev agent.Error) *apiError {
	e := &apiError{Status: http.StatusBadGateway, Type: "upstream_error", Code: "upstream_" + string(ev.Kind),
		Message: clientMessage(ev.Err)}
	switch ev.Kind {
	case agent.ErrAuth:
		e.Message = "the model backend refused this server's credentials: " + e.Message
	case agent.ErrRateLimit:
		e.Status, e.Type, e.Code = http.StatusTooManyRequests, "rate_limit_error", "rate_limit_exceeded"
		var he *inference.HTTPError
		if errors.As(ev.Err, &he) {
			e.RetryAfter = he.RetryAfter
		}
	case agent.ErrTimeout:
		e.Status, e.Type = http.StatusGatewayTimeout, "timeout_error"
	case agent.ErrConfig:
		e.Status, e.Type, e.Code = http.StatusInternalServerError, "server_error", "config"
	}
	return e
}

// clientMessage is the error as the HTTP client sees it. The backend's URL is left out of
// HTTP and timeout errors (it is this server's business; the log has it); keys are already
// redacted by inference.
func clientMessage(err error) string {
	var he *inference.HTTPError
	var te *inference.TimeoutError
	switch {
	case errors.As(err, &he):
		msg := fmt.Sprintf("the model backend answered HTTP %d", he.Status)
		if he.ServerMessage != "" {
			msg += ": " + he.ServerMessage
		}
		return safetext.Strip(msg)
	case errors.As(err, &te):
		return fmt.Sprintf("the model backend sent nothing for %s", te.Idle)
	}
	return safetext.Strip(err.Error())
}
