package agents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const testCommit = "0123456789abcdef0123456789abcdef01234567"

// fakeHub serves the resolve URLs of the tiny-agents dataset like the Hub does: the commit
// in X-Repo-Commit, the blob's hash in ETag, 404 for a missing file, 401 for a private
// agent without the right token. Files under cdn/ are redirected to a second host.
type fakeHub struct {
	*httptest.Server
	cdn      *httptest.Server
	files    map[string]string // "owner/name/agent.json" -> content
	private  map[string]bool   // "owner/name" -> needs the token
	token    string
	mu       sync.Mutex
	requests []string // path + " auth=" + Authorization
	cdnAuth  []string
}

func newFakeHub(t *testing.T) *fakeHub {
	h := &fakeHub{files: map[string]string{}, private: map[string]bool{}, token: "hf_private_reader"}
	h.cdn = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.cdnAuth = append(h.cdnAuth, r.Header.Get("Authorization"))
		h.mu.Unlock()
		w.Write([]byte(h.files[strings.TrimPrefix(r.URL.Path, "/")]))
	}))
	h.Server = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(func() { h.Close(); h.cdn.Close() })
	return h
}

func (h *fakeHub) serve(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.requests = append(h.requests, r.URL.Path+" auth="+r.Header.Get("Authorization"))
	h.mu.Unlock()
	const prefix = "/datasets/tiny-agents/tiny-agents/resolve/main/"
	rel, ok := strings.CutPrefix(r.URL.Path, prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	parts := strings.SplitN(rel, "/", 3)
	if len(parts) == 3 && h.private[parts[0]+"/"+parts[1]] && r.Header.Get("Authorization") != "Bearer "+h.token {
		http.Error(w, `{"error":"Invalid credentials"}`, http.StatusUnauthorized)
		return
	}
	body, ok := h.files[rel]
	if !ok {
		w.Header().Set("X-Error-Code", "EntryNotFound")
		http.Error(w, "Entry not found", http.StatusNotFound)
		return
	}
	sum := sha256.Sum256([]byte(body))
	w.Header().Set("X-Repo-Commit", testCommit)
	if strings.HasSuffix(rel, "AGENTS.md") && strings.HasPrefix(body, "LFS:") {
		// A file stored in LFS: the Hub answers with a redirect carrying the linked etag.
		w.Header().Set("X-Linked-Etag", `"`+hex.EncodeToString(sum[:])+`"`)
		http.Redirect(w, r, h.cdn.URL+"/"+rel, http.StatusFound)
		return
	}
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	w.Write([]byte(body))
}

func hubOptions(t *testing.T, h *fakeHub, cache string, extra map[string]string) Options {
	env := map[string]string{"HF_ENDPOINT": h.URL, "HF_HUB_CACHE": cache}
	for k, v := range extra {
		env[k] = v
	}
	return Options{LookupEnv: fakeEnv(t, env)}
}

const hubAgentJSON = `{
	"model": "Qwen/Qwen2.5-72B-Instruct",
	"provider": "together",
	"servers": [{"type": "sse", "url": "https://evalstate-flux1-schnell.hf.space/gradio_api/mcp/sse"}]
}`

func TestHubFirstDownloadFillsTheCacheLayout(t *testing.T) {
	h := newFakeHub(t)
	h.files["julien-c/flux-schnell-generator/agent.json"] = hubAgentJSON
	h.files["julien-c/flux-schnell-generator/PROMPT.md"] = "Generate images with flux."
	cache := t.TempDir()

	a := mustLoad(t, "julien-c/flux-schnell-generator", hubOptions(t, h, cache, nil))
	if a.Name != "julien-c/flux-schnell-generator" || a.Model != "Qwen/Qwen2.5-72B-Instruct" || len(a.Servers) != 1 {
		t.Errorf("agent %q model %q servers %d", a.Name, a.Model, len(a.Servers))
	}
	if a.PromptSource != "PROMPT.md" || a.Prompt != "Generate images with flux." {
		t.Errorf("prompt %q from %q (AGENTS.md is a 404 here, PROMPT.md must be used)", a.Prompt, a.PromptSource)
	}
	repo := filepath.Join(cache, "datasets--tiny-agents--tiny-agents")
	ref, err := os.ReadFile(filepath.Join(repo, "refs", "main"))
	if err != nil || string(ref) != testCommit {
		t.Errorf("refs/main = %q, %v", ref, err)
	}
	snap := filepath.Join(repo, "snapshots", testCommit, "julien-c", "flux-schnell-generator", "agent.json")
	got, err := os.ReadFile(snap)
	if err != nil || string(got) != hubAgentJSON {
		t.Fatalf("snapshot file: %v", err)
	}
	blobs, _ := os.ReadDir(filepath.Join(repo, "blobs"))
	if len(blobs) != 2 {
		t.Errorf("%d blobs, want 2 (agent.json, PROMPT.md)", len(blobs))
	}
	if fi, err := os.Lstat(snap); err == nil && fi.Mode()&os.ModeSymlink == 0 {
		t.Logf("snapshot is a copy, not a link (allowed where links are not)")
	}
	if a.Path != snap {
		t.Errorf("path %q, want the snapshot %q", a.Path, snap)
	}
	for _, r := range h.requests {
		if !strings.HasSuffix(r, "auth=") {
			t.Errorf("a token was sent though none is set: %s", r)
		}
	}
}

func TestHubCachedCopyWhenTheHubIsDown(t *testing.T) {
	h := newFakeHub(t)
	h.files["julien-c/flux-schnell-generator/agent.json"] = hubAgentJSON
	h.files["julien-c/flux-schnell-generator/AGENTS.md"] = "Cached prompt."
	cache := t.TempDir()
	opts := hubOptions(t, h, cache, nil)
	mustLoad(t, "julien-c/flux-schnell-generator", opts)
	h.Close()

	a := mustLoad(t, "julien-c/flux-schnell-generator", opts)
	if a.Model != "Qwen/Qwen2.5-72B-Instruct" || a.PromptSource != "AGENTS.md" || a.Prompt != "Cached prompt." {
		t.Errorf("cached agent: model %q prompt %q from %s", a.Model, a.Prompt, a.PromptSource)
	}
	if len(a.Notices) == 0 || !strings.Contains(a.Notices[0], "could not be reached") || !strings.Contains(a.Notices[0], "cached copy") {
		t.Errorf("the user must be told the cache was used: %q", a.Notices)
	}
}

func TestHubDownWithNothingCachedIsAClearError(t *testing.T) {
	h := newFakeHub(t)
	h.Close()
	_, err := Load(context.Background(), "someone/agent", hubOptions(t, h, t.TempDir(), nil))
	var he *HubError
	if !errors.As(err, &he) || !strings.Contains(err.Error(), "could not be reached") || !strings.Contains(err.Error(), "not in the cache") {
		t.Fatalf("got %v", err)
	}
	var ce *ConfigError
	if errors.As(err, &ce) {
		t.Error("an unreachable Hub is a failed run (exit 1), not a configuration error")
	}
}

func TestHubPrivateAgentNeedsTheToken(t *testing.T) {
	h := newFakeHub(t)
	h.files["acme/secret-agent/agent.json"] = hubAgentJSON
	h.files["acme/secret-agent/AGENTS.md"] = "LFS: a prompt served from the CDN."
	h.private["acme/secret-agent"] = true

	_, err := Load(context.Background(), "acme/secret-agent", hubOptions(t, h, t.TempDir(), nil))
	var he *HubError
	if !errors.As(err, &he) || he.Status != http.StatusUnauthorized || !strings.Contains(err.Error(), "set HF_TOKEN") {
		t.Fatalf("without a token: %v", err)
	}

	// The token file under HF_HOME is found as huggingface_hub finds it.
	home := t.TempDir()
	os.WriteFile(filepath.Join(home, "token"), []byte(h.token+"\n"), 0o600)
	a, err := Load(context.Background(), "acme/secret-agent", hubOptions(t, h, t.TempDir(), map[string]string{"HF_HOME": home}))
	if err != nil {
		t.Fatalf("with the token: %v", err)
	}
	if a.PromptSource != "AGENTS.md" || !strings.Contains(a.Prompt, "from the CDN") {
		t.Errorf("prompt %q from %s", a.Prompt, a.PromptSource)
	}
	for _, auth := range h.cdnAuth {
		if auth != "" {
			t.Errorf("the token went to another host than the Hub: %q", auth)
		}
	}
	if len(h.cdnAuth) == 0 {
		t.Error("the redirect to the CDN was not followed")
	}

	_, err = Load(context.Background(), "acme/secret-agent", hubOptions(t, h, t.TempDir(), map[string]string{"HF_TOKEN": "hf_wrong"}))
	if err == nil || !strings.Contains(err.Error(), "refused access with the token") || strings.Contains(err.Error(), "hf_wrong") {
		t.Fatalf("with a wrong token: %v", err)
	}
}

func TestHubMissingAgentIsAClearError(t *testing.T) {
	h := newFakeHub(t)
	_, err := Load(context.Background(), "nobody/no-such-agent", hubOptions(t, h, t.TempDir(), nil))
	var he *HubError
	if !errors.As(err, &he) || he.Status != http.StatusNotFound {
		t.Fatalf("got %v", err)
	}
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Error("a missing Hub agent must be a configuration error (exit status 2)")
	}
	for _, want := range []string{"nobody/no-such-agent", "no such agent", "tiny-agents/tiny-agents"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
}

func TestHubOfflineUsesTheCache(t *testing.T) {
	h := newFakeHub(t)
	h.files["a/b/agent.json"] = hubAgentJSON
	cache := t.TempDir()
	mustLoad(t, "a/b", hubOptions(t, h, cache, nil))
	n := len(h.requests)
	a := mustLoad(t, "a/b", hubOptions(t, h, cache, map[string]string{"HF_HUB_OFFLINE": "1"}))
	if len(h.requests) != n {
		t.Error("HF_HUB_OFFLINE=1 must not reach the Hub")
	}
	if len(a.Notices) == 0 || !strings.Contains(a.Notices[0], "HF_HUB_OFFLINE") {
		t.Errorf("notices %q", a.Notices)
	}
}
