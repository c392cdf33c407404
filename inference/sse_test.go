package inference

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func streamOf(body string) *Stream {
	ctx, cancel := context.WithCancel(context.Background())
	return newStream(ctx, cancel, io.NopCloser(strings.NewReader(body)), nil, "http://test/v1/chat/completions")
}

func readAll(t *testing.T, body string) (*Accumulator, error) {
	t.Helper()
	return drain(t, streamOf(body))
}

const chunkA = `{"choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}`
const chunkB = `{"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}`

// TestSSEFraming: every framing servers use gives the same message.
func TestSSEFraming(t *testing.T) {
	cases := map[string]string{
		"LF with [DONE]":          "data: " + chunkA + "\n\ndata: " + chunkB + "\n\ndata: [DONE]\n\n",
		"no space after data:":    "data:" + chunkA + "\n\ndata:" + chunkB + "\n\ndata:[DONE]\n\n",
		"CRLF":                    "data: " + chunkA + "\r\n\r\ndata: " + chunkB + "\r\n\r\ndata: [DONE]\r\n\r\n",
		"CR only":                 "data: " + chunkA + "\r\rdata: " + chunkB + "\r\r",
		"no [DONE] (cerebras)":    "data: " + chunkA + "\n\ndata: " + chunkB + "\n\n",
		"no final blank line":     "data: " + chunkA + "\n\ndata: " + chunkB,
		"comments and keep-alive": ": OPENROUTER PROCESSING\n\ndata: " + chunkA + "\n\n:\n\ndata: " + chunkB + "\n\n",
		"event, id and retry":     "event: message\nid: 1\nretry: 1000\ndata: " + chunkA + "\n\nid: 2\nevent: message\ndata: " + chunkB + "\n\n",
		"multi-line data":         "data: {\"choices\":[{\"index\":0,\ndata: \"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"}}]}\n\ndata: " + chunkB + "\n\n",
		"byte-order mark":         "\xEF\xBB\xBFdata: " + chunkA + "\n\ndata: " + chunkB + "\n\n",
		"unknown fields":          "foo: bar\ndata: " + chunkA + "\nbaz\n\ndata: " + chunkB + "\n\n",
		"[DONE] with spaces":      "data: " + chunkA + "\n\ndata: " + chunkB + "\n\ndata:  [DONE]  \n\ndata: {\"garbage after done\n\n",
		"empty data events":       "data:\n\ndata: " + chunkA + "\n\ndata: \n\ndata: " + chunkB + "\n\n",
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			acc, err := readAll(t, body)
			if err != nil {
				t.Fatal(err)
			}
			if m := acc.Message(); m.Content != "Hello" || m.Role != "assistant" || acc.FinishReason() != "stop" {
				t.Errorf("got %q %q %q", m.Role, m.Content, acc.FinishReason())
			}
		})
	}
}

// TestMultiLineDataIsJoinedWithNewline follows the SSE spec at the reader level.
func TestMultiLineDataIsJoinedWithNewline(t *testing.T) {
	r := newSSEReader(strings.NewReader("event: e\nid: 7\ndata: a\ndata:b\ndata\n\n"))
	ev, err := r.Next()
	if err != nil || string(ev.Data) != "a\nb\n" || ev.Event != "e" || ev.ID != "7" {
		t.Fatalf("got %+v %q %v", ev, ev.Data, err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("after the last event: %v", err)
	}
}

func TestInvalidChunkIsAStreamError(t *testing.T) {
	_, err := readAll(t, "data: "+chunkA+"\n\ndata: {not json}\n\n")
	var se *StreamError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "invalid chunk") {
		t.Fatalf("err = %v", err)
	}
}

// TestToolCallWithoutIndexIsKeptSeparate: deltas with no index continue the last call unless
// they carry a new id (some llama.cpp and Mistral builds).
func TestToolCallWithoutIndexIsKeptSeparate(t *testing.T) {
	body := `data: {"choices":[{"index":0,"delta":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":"{\"x\":"}}]}}]}

data: {"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":"1}"}}]}}]}

data: {"choices":[{"index":0,"delta":{"tool_calls":[{"id":"b","function":{"name":"g","arguments":"{}"}}]}}]}

data: {"choices":[{"index":0,"delta":{"tool_calls":[{"id":"b","function":{"arguments":""}}]},"finish_reason":"tool_calls"}]}

`
	acc, err := readAll(t, body)
	if err != nil {
		t.Fatal(err)
	}
	calls := acc.Message().ToolCalls
	if len(calls) != 2 || calls[0] != call("a", "f", `{"x":1}`) || calls[1] != call("b", "g", "{}") {
		t.Errorf("calls = %+v", calls)
	}
}

// TestToolCallArgumentsAsObject: TGI 1.x sends arguments as a JSON object and ids as numbers.
func TestToolCallArgumentsAsObject(t *testing.T) {
	body := `data: {"choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":0,"type":"function","function":{"name":"get_weather","arguments":{"location":"Paris", "days": 3}}}]},"finish_reason":"eos_token"}]}

`
	acc, err := readAll(t, body)
	if err != nil {
		t.Fatal(err)
	}
	if calls := acc.Message().ToolCalls; len(calls) != 1 || calls[0] != call("0", "get_weather", `{"location":"Paris","days":3}`) {
		t.Errorf("calls = %+v", calls)
	}
}

// TestParallelToolCallsByIndex: interleaved fragments of two calls go to their own call.
func TestParallelToolCallsByIndex(t *testing.T) {
	body := `data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":""}},{"index":1,"id":"b","function":{"name":"g","arguments":"{\"y\""}}]}}]}

data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":":2}"}}]}}]}

data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":1}"}}]}}]}

data: [DONE]
`
	acc, err := readAll(t, body)
	if err != nil {
		t.Fatal(err)
	}
	calls := acc.Message().ToolCalls
	if len(calls) != 2 || calls[0] != call("a", "f", `{"x":1}`) || calls[1] != call("b", "g", `{"y":2}`) {
		t.Errorf("calls = %+v", calls)
	}
}

// TestUsageInAFinalChunkWithoutChoices and reasoning under both names.
func TestUsageAndReasoning(t *testing.T) {
	body := `data: {"choices":[{"index":0,"delta":{"reasoning_content":"think "}}]}

data: {"choices":[{"index":0,"delta":{"reasoning":"more"}}]}

data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}],"usage":null}

data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}

data: [DONE]

`
	acc, err := readAll(t, body)
	if err != nil {
		t.Fatal(err)
	}
	m := acc.Message()
	if m.Reasoning != "think more" || m.Content != "ok" || m.Role != "assistant" || acc.FinishReason() != "stop" {
		t.Errorf("message = %+v, finish %q", m, acc.FinishReason())
	}
	if u := acc.Usage(); u == nil || *u != (Usage{3, 2, 5}) {
		t.Errorf("usage = %+v", u)
	}
}

// TestNonStreamingResponseShapes: legacy TGI (integer id, object arguments), nebius
// (tool_calls []), reasoning_content, and content parts.
func TestNonStreamingResponseShapes(t *testing.T) {
	out, err := parseCompletion([]byte(`{"id":7,"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,"reasoning_content":"hmm","tool_calls":[{"id":0,"type":"function","function":{"name":"f","arguments":{"a":[1,2]}}},{"type":"function","function":{"name":"g"}}]}}]}`), "u")
	if err != nil {
		t.Fatal(err)
	}
	m := out.Choices[0].Message
	if out.ID != "7" || m.Reasoning != "hmm" || len(m.ToolCalls) != 2 || m.ToolCalls[0] != call("0", "f", `{"a":[1,2]}`) || m.ToolCalls[1] != call("call_1", "g", "{}") {
		t.Errorf("got %+v", out)
	}
	out, err = parseCompletion([]byte(`{"choices":[{"message":{"content":[{"type":"text","text":"hi"}],"tool_calls":[]}}]}`), "u")
	if err != nil || out.Choices[0].Message.Content != "hi" || out.Choices[0].Message.ToolCalls != nil || out.Choices[0].Message.Role != "assistant" {
		t.Errorf("got %+v %v", out, err)
	}
}

// TestEmptyOrHTMLAnswerIsAnError: a 200 that carries no chunk (a wrong URL behind a proxy, a
// web page) is reported, not shown as an empty answer.
func TestEmptyOrHTMLAnswerIsAnError(t *testing.T) {
	for ctype, body := range map[string]string{
		"text/event-stream":        ": keep-alive\n\n",
		"text/plain":               "Ollama is running",
		"text/html; charset=utf-8": "<!doctype html><title>Welcome</title>",
	} {
		c := serveOnce(t, ctype, body)
		_, err := say(t, c)
		var se *StreamError
		if !errors.As(err, &se) || !(strings.Contains(err.Error(), "without any chunk") || strings.Contains(err.Error(), "web page")) {
			t.Errorf("%s: err = %v", ctype, err)
		}
	}
	// Only [DONE] is a (strange but valid) empty answer.
	if _, err := readAll(t, "data: [DONE]\n\n"); err != nil {
		t.Errorf("[DONE] only: %v", err)
	}
}
