package inference

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tiny-agents/tiny-agents/internal/testservers"
)

// Secrets the tests plant, to check where they go and that they never leak.
const (
	testHFToken     = "hf_testTOKENabcdefghijklmnop0123456789"
	testProviderKey = "sk-provider-KEY-abcdefghijklmnop0123"
)

// corpusDir is ../shared/corpus relative to the repository root (or to the folder holding
// the worktrees, for a checkout under wt/).
func corpusDir(t testing.TB) string {
	t.Helper()
	root := testservers.Root()
	for _, dir := range []string{filepath.Join(root, "..", "shared", "corpus"), filepath.Join(root, "..", "..", "shared", "corpus")} {
		if _, err := os.Stat(filepath.Join(dir, "recorded")); err == nil {
			return dir
		}
	}
	t.Fatalf("the shared corpus is missing: expected ../shared/corpus next to %s", root)
	return ""
}

// recording is one file of ../shared/corpus/recorded.
type recording struct {
	ID              string         `json:"id"`
	URL             string         `json:"url"`
	Method          string         `json:"method"`
	RequestBody     string         `json:"request_body"`
	Status          int            `json:"status"`
	ResponseHeaders map[string]any `json:"response_headers"`
	ResponseBody    string         `json:"response_body"`
	Streaming       bool           `json:"streaming"`
}

func loadRecording(t testing.TB, name string) recording {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(corpusDir(t), "recorded", name))
	if err != nil {
		t.Fatal(err)
	}
	var r recording
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

// seen is one request a fake server received, with the URL the client meant to reach.
type seen struct {
	URL     string // the URL as the client built it, before the test transport redirected it
	Method  string
	Header  http.Header
	Body    []byte
	Attempt int
}

// fakeNet redirects every request the client makes (whatever host: router.huggingface.co,
// api.together.xyz...) to one local httptest server, and records what was sent where. The
// client builds real provider URLs; nothing leaves the machine.
type fakeNet struct {
	srv     *httptest.Server
	mu      sync.Mutex
	reqs    []seen
	handler http.HandlerFunc
}

func newFakeNet(t testing.TB, h http.HandlerFunc) *fakeNet {
	f := &fakeNet{handler: h}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.handler(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

type redirectTransport struct{ f *fakeNet }

func (rt redirectTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	rt.f.mu.Lock()
	rt.f.reqs = append(rt.f.reqs, seen{URL: req.URL.String(), Method: req.Method, Header: req.Header.Clone(), Body: body, Attempt: len(rt.f.reqs) + 1})
	rt.f.mu.Unlock()
	out := req.Clone(req.Context())
	out.URL.Scheme = "http"
	out.URL.Host = rt.f.srv.Listener.Addr().String()
	out.Host = req.URL.Host
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.ContentLength = int64(len(body))
	return rt.f.srv.Client().Transport.RoundTrip(out)
}

func (f *fakeNet) client() *http.Client { return &http.Client{Transport: redirectTransport{f}} }

func (f *fakeNet) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.reqs...)
}

// posts are the chat requests (the mapping GETs left out).
func (f *fakeNet) posts() []seen {
	var out []seen
	for _, r := range f.requests() {
		if r.Method == http.MethodPost {
			out = append(out, r)
		}
	}
	return out
}

// envMap is a Getenv over a map; HF_HOME points at an empty temp dir unless set, so the
// developer's own token file is never read.
func envMap(t testing.TB, kv map[string]string) func(string) string {
	m := map[string]string{"HF_HOME": t.TempDir()}
	for k, v := range kv {
		m[k] = v
	}
	return func(k string) string { return m[k] }
}

// noSleep records the waits instead of sleeping.
type noSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (n *noSleep) sleep(ctx context.Context, d time.Duration) error {
	n.mu.Lock()
	n.waits = append(n.waits, d)
	n.mu.Unlock()
	return ctx.Err()
}

// mappingJSON is a Hub model-info answer mapping one provider to a provider id.
func mappingJSON(model, provider, providerID, status string) string {
	m := map[string]any{"id": model, "inferenceProviderMapping": map[string]any{
		provider: map[string]string{"status": status, "providerId": providerID, "task": "conversational"}}}
	b, _ := json.Marshal(m)
	return string(b)
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// drain reads a stream through the Accumulator, as the agent does.
func drain(t testing.TB, s *Stream) (*Accumulator, error) {
	t.Helper()
	defer s.Close()
	acc := &Accumulator{}
	for s.Next() {
		acc.Add(s.Chunk())
	}
	return acc, s.Err()
}
