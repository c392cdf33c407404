package agents

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/tiny-agents/tiny-agents/inference"
)

// HubDataset is the Hub dataset that holds the shared tiny-agents, one folder per agent.
const HubDataset = "tiny-agents/tiny-agents"

// hubID matches an agent id on the Hub: owner/name.
var hubID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$`)

// IsHubID reports whether arg has the shape of a Hub agent id.
func IsHubID(arg string) bool { return hubID.MatchString(arg) && !strings.Contains(arg, "..") }

// HubError is a Hub agent that could not be fetched and is not in the cache.
type HubError struct {
	ID     string
	Status int // the HTTP status, 0 when the Hub could not be reached
	Msg    string
}

func (e *HubError) Error() string { return "Hub agent " + e.ID + ": " + e.Msg }

// Unwrap makes an answer from the Hub (no such agent, no access) a configuration error, so
// that the exit status is 2 (bad usage); a Hub that cannot be reached is a failed run (1).
func (e *HubError) Unwrap() error {
	if e.Status == 0 {
		return nil
	}
	return &ConfigError{File: e.ID, Msg: e.Msg}
}

// hubFiles are the files of a Hub agent, in the order they are fetched. A missing prompt
// file is normal; the first prompt found wins (AGENTS.md over PROMPT.md, as in the JS peer).
var hubFiles = []string{"agent.json", "AGENTS.md", "PROMPT.md"}

// fetchHub makes sure the agent's files are in the Hugging Face cache and returns the
// snapshot folder that holds them (snapshots/<commit>/<id>). When the Hub cannot be reached
// the cached copy is used, and a notice says so.
func fetchHub(ctx context.Context, id string, opts Options) (dir string, notices []string, err error) {
	cache := opts.hubCache()
	repo := filepath.Join(cache, "datasets--"+strings.ReplaceAll(HubDataset, "/", "--"))
	if opts.getenv("HF_HUB_OFFLINE") == "1" {
		dir, err := cachedSnapshot(repo, id)
		if err != nil {
			return "", nil, &HubError{ID: id, Msg: "HF_HUB_OFFLINE=1 and the agent is not in the cache (" + cache + ")"}
		}
		return dir, []string{"HF_HUB_OFFLINE=1: using the cached copy of " + id}, nil
	}
	dir, err = download(ctx, repo, id, opts)
	var unreachable *hubUnreachable
	if errors.As(err, &unreachable) {
		if cached, cerr := cachedSnapshot(repo, id); cerr == nil {
			return cached, []string{fmt.Sprintf("the Hub could not be reached (%v): using the cached copy of %s", unreachable.err, id)}, nil
		}
		return "", nil, &HubError{ID: id, Msg: fmt.Sprintf("the Hub could not be reached (%v) and the agent is not in the cache", unreachable.err)}
	}
	return dir, nil, err
}

// hubUnreachable is a network failure (or a Hub server error), after which the cache is
// an acceptable answer; a 404 or 401 is not.
type hubUnreachable struct{ err error }

func (e *hubUnreachable) Error() string { return e.err.Error() }

// download fetches the agent's files into the cache layout huggingface_hub uses:
// blobs/<etag>, snapshots/<commit>/<path> (a symlink to the blob, or a copy where links are
// not allowed), refs/main (the commit).
func download(ctx context.Context, repo, id string, opts Options) (string, error) {
	endpoint := strings.TrimRight(opts.getenv("HF_ENDPOINT"), "/")
	if endpoint == "" {
		endpoint = "https://huggingface.co"
	}
	token := hfToken(opts.getenv)
	client := opts.httpClient()
	var commit string
	fetched := map[string][]byte{}
	etags := map[string]string{}
	for _, name := range hubFiles {
		if name == "PROMPT.md" && fetched["AGENTS.md"] != nil {
			break
		}
		u := fmt.Sprintf("%s/datasets/%s/resolve/main/%s/%s", endpoint, HubDataset, id, name)
		body, hdr, status, err := hubGet(ctx, client, u, endpoint, token)
		if err != nil {
			return "", &hubUnreachable{err: err}
		}
		switch {
		case status == http.StatusOK:
		case status == http.StatusNotFound && name != "agent.json":
			continue
		case status == http.StatusNotFound:
			return "", &HubError{ID: id, Status: status, Msg: fmt.Sprintf("no such agent in the Hub dataset %s (%s returned 404). Check the id, or give a path to a local agent", HubDataset, u)}
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			if token == "" {
				return "", &HubError{ID: id, Status: status, Msg: fmt.Sprintf("the Hub refused access (HTTP %d): the agent may be private or gated, set HF_TOKEN to a token that can read it", status)}
			}
			return "", &HubError{ID: id, Status: status, Msg: fmt.Sprintf("the Hub refused access with the token found (HTTP %d): check that the token can read the dataset %s", status, HubDataset)}
		case status >= 500 || status == http.StatusTooManyRequests:
			return "", &hubUnreachable{err: fmt.Errorf("HTTP %d", status)}
		default:
			return "", &HubError{ID: id, Status: status, Msg: fmt.Sprintf("unexpected HTTP %d from %s", status, u)}
		}
		if c := hdr.Get("X-Repo-Commit"); c != "" && commit == "" {
			commit = c
		}
		etag := hdr.Get("X-Linked-Etag")
		if etag == "" {
			etag = hdr.Get("ETag")
		}
		fetched[name] = body
		etags[name] = cleanEtag(etag)
	}
	if commit == "" || !safeName(commit) {
		// A Hub without X-Repo-Commit (a mirror) still gets a stable place in the cache.
		commit = "main"
	}
	snap := filepath.Join(repo, "snapshots", commit, filepath.FromSlash(id))
	if err := os.MkdirAll(snap, 0o755); err != nil {
		return "", fmt.Errorf("cache the Hub agent: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(repo, "blobs"), 0o755); err != nil {
		return "", fmt.Errorf("cache the Hub agent: %w", err)
	}
	for name, body := range fetched {
		if err := storeBlob(repo, snap, name, etags[name], body); err != nil {
			return "", fmt.Errorf("cache the Hub agent: %w", err)
		}
	}
	// A prompt the Hub no longer has must not linger from an earlier download.
	for _, name := range hubFiles[1:] {
		if fetched[name] == nil {
			os.Remove(filepath.Join(snap, name))
		}
	}
	if err := os.MkdirAll(filepath.Join(repo, "refs"), 0o755); err == nil {
		os.WriteFile(filepath.Join(repo, "refs", "main"), []byte(commit), 0o644)
	}
	return snap, nil
}

// hubGet fetches one file. The token goes only to the Hub's own host: redirects to a CDN
// are followed without it (net/http drops Authorization on a change of host, and this
// checks it again).
func hubGet(ctx context.Context, client *http.Client, u, endpoint, token string) ([]byte, http.Header, int, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, 0, err
	}
	hubHost := hostOf(endpoint)
	if token != "" && hostOf(u) == hubHost {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("User-Agent", "tiny-agents")
	// The commit and the etag are on the Hub's own answer, which is a redirect for files in
	// LFS: keep the first values seen.
	first := http.Header{}
	c := *client
	c.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("too many redirects")
		}
		if r.Response != nil {
			for _, k := range []string{"X-Repo-Commit", "X-Linked-Etag", "ETag"} {
				if v := r.Response.Header.Get(k); v != "" && first.Get(k) == "" {
					first.Set(k, v)
				}
			}
		}
		if hostOf(r.URL.String()) != hubHost {
			r.Header.Del("Authorization")
		}
		return nil
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, 0, redactToken(err, token)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, nil, 0, redactToken(err, token)
	}
	for k, v := range first {
		resp.Header[k] = v
	}
	return body, resp.Header, resp.StatusCode, nil
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

func redactToken(err error, token string) error {
	if token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), token, "[token]"))
}

func cleanEtag(etag string) string {
	etag = strings.TrimPrefix(strings.TrimSpace(etag), "W/")
	return strings.Trim(etag, `"`)
}

// safeName keeps a header value from the network out of path tricks.
func safeName(s string) bool {
	return s != "" && !strings.ContainsAny(s, `/\:`) && s != "." && s != ".."
}

// storeBlob writes the file once as a blob and points the snapshot at it.
func storeBlob(repo, snap, name, etag string, body []byte) error {
	target := filepath.Join(snap, name)
	os.Remove(target)
	if !safeName(etag) {
		return os.WriteFile(target, body, 0o644)
	}
	blob := filepath.Join(repo, "blobs", etag)
	if err := os.WriteFile(blob, body, 0o644); err != nil {
		return err
	}
	rel, err := filepath.Rel(snap, blob)
	if err == nil && os.Symlink(rel, target) == nil {
		return nil
	}
	// Windows without developer mode cannot make symlinks: a copy is what huggingface_hub
	// does there too.
	return os.WriteFile(target, body, 0o644)
}

// cachedSnapshot finds the cached copy of an agent: the commit refs/main names, else any
// snapshot that has the agent.
func cachedSnapshot(repo, id string) (string, error) {
	if b, err := os.ReadFile(filepath.Join(repo, "refs", "main")); err == nil {
		commit := strings.TrimSpace(string(b))
		if safeName(commit) {
			dir := filepath.Join(repo, "snapshots", commit, filepath.FromSlash(id))
			if _, err := os.Stat(filepath.Join(dir, "agent.json")); err == nil {
				return dir, nil
			}
		}
	}
	matches, _ := filepath.Glob(filepath.Join(repo, "snapshots", "*", filepath.FromSlash(id), "agent.json"))
	if len(matches) > 0 {
		return filepath.Dir(matches[len(matches)-1]), nil
	}
	return "", os.ErrNotExist
}

// hfToken and hfHome are inference's: one lookup of the token for the whole program.
func hfToken(getenv func(string) string) string { return inference.HFToken(getenv) }

func hfHome(getenv func(string) string) string { return inference.HFHome(getenv) }

// hubCache is where Hub files are cached: HF_HUB_CACHE, else $HF_HOME/hub.
func (o Options) hubCache() string {
	for _, k := range []string{"HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"} {
		if v := o.getenv(k); v != "" {
			return v
		}
	}
	return filepath.Join(hfHome(o.getenv), "hub")
}
