package localtools

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// call runs one tool through a real MCP client over the in-process transport, as the
// manager does.
func call(t *testing.T, opts Options, tool string, args map[string]any) (string, bool) {
	t.Helper()
	c, err := client.NewInProcessClient(New(opts))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	var b strings.Builder
	for _, part := range res.Content {
		if tc, ok := part.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String(), res.IsError
}

func tree(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "work")
	outside = filepath.Join(base, "secret")
	for _, d := range []string{root, filepath.Join(root, "docs"), outside} {
		os.MkdirAll(d, 0o755)
	}
	os.WriteFile(filepath.Join(root, "README.md"), []byte("# Project\nhello\n"), 0o644)
	os.WriteFile(filepath.Join(root, "docs", "guide.txt"), []byte("step one"), 0o644)
	os.WriteFile(filepath.Join(outside, "passwords.txt"), []byte("hunter2"), 0o644)
	return root, outside
}

func TestReadFileUnderTheWorkingDirectory(t *testing.T) {
	root, _ := tree(t)
	for _, p := range []string{"README.md", "./docs/../README.md", filepath.Join(root, "README.md")} {
		text, isErr := call(t, Options{Root: root}, "read_file", map[string]any{"path": p})
		if isErr || text != "# Project\nhello\n" {
			t.Errorf("read_file %q: %q (error %v)", p, text, isErr)
		}
	}
}

func TestPathEscapeIsRefused(t *testing.T) {
	root, outside := tree(t)
	for _, p := range []string{"../secret/passwords.txt", filepath.Join(outside, "passwords.txt"), "docs/../../secret/passwords.txt", "/etc/passwd"} {
		text, isErr := call(t, Options{Root: root}, "read_file", map[string]any{"path": p})
		if !isErr || strings.Contains(text, "hunter2") || !strings.Contains(text, "outside the working directory") {
			t.Errorf("read_file %q was not refused: %q", p, text)
		}
	}
	text, isErr := call(t, Options{Root: root}, "list_directory", map[string]any{"path": ".."})
	if !isErr || strings.Contains(text, "secret") && !strings.Contains(text, "outside") {
		t.Errorf("list_directory .. was not refused: %q", text)
	}
}

func TestSymlinkEscapeIsRefused(t *testing.T) {
	root, outside := tree(t)
	if err := os.Symlink(filepath.Join(outside, "passwords.txt"), filepath.Join(root, "innocent.txt")); err != nil {
		t.Fatalf("symlink: %v", err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "linked-dir")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"innocent.txt", "linked-dir/passwords.txt"} {
		text, isErr := call(t, Options{Root: root}, "read_file", map[string]any{"path": p})
		if !isErr || strings.Contains(text, "hunter2") {
			t.Errorf("read_file %q followed a link out: %q", p, text)
		}
	}
	text, isErr := call(t, Options{Root: root}, "list_directory", map[string]any{"path": "linked-dir"})
	if !isErr || strings.Contains(text, "passwords") {
		t.Errorf("list_directory followed a link out: %q", text)
	}
	// A link that stays inside is fine.
	os.Symlink(filepath.Join(root, "README.md"), filepath.Join(root, "readme-link"))
	if text, isErr := call(t, Options{Root: root}, "read_file", map[string]any{"path": "readme-link"}); isErr || !strings.Contains(text, "hello") {
		t.Errorf("an inside link: %q", text)
	}
}

func TestReadFileCapsSizeAndRefusesBinary(t *testing.T) {
	root, _ := tree(t)
	big := strings.Repeat("abcdefghij\n", MaxFileBytes/11+100)
	os.WriteFile(filepath.Join(root, "big.txt"), []byte(big), 0o644)
	text, isErr := call(t, Options{Root: root}, "read_file", map[string]any{"path": "big.txt"})
	if isErr || len(text) > MaxFileBytes+200 || !strings.Contains(text, "[cut: the file has") {
		t.Errorf("big file: error %v, %d bytes, tail %q", isErr, len(text), text[max(0, len(text)-80):])
	}
	os.WriteFile(filepath.Join(root, "image.png"), []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644)
	if text, isErr := call(t, Options{Root: root}, "read_file", map[string]any{"path": "image.png"}); !isErr || !strings.Contains(text, "not a text file") {
		t.Errorf("binary file: %q", text)
	}
	if text, isErr := call(t, Options{Root: root}, "read_file", map[string]any{"path": "docs"}); !isErr || !strings.Contains(text, "is a folder") {
		t.Errorf("folder: %q", text)
	}
}

func TestListDirectory(t *testing.T) {
	root, _ := tree(t)
	text, isErr := call(t, Options{Root: root}, "list_directory", map[string]any{})
	if isErr || text != "README.md (16 bytes)\ndocs/\n" {
		t.Errorf("list: %q", text)
	}
}

func TestCurrentTimeInAZone(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }
	text, isErr := call(t, Options{Now: now}, "current_time", map[string]any{"timezone": "Asia/Tokyo"})
	if isErr || !strings.HasPrefix(text, "2026-03-01T21:00:00+09:00 (Sunday, JST, Asia/Tokyo)") {
		t.Errorf("time: %q", text)
	}
	if text, isErr := call(t, Options{Now: now}, "current_time", map[string]any{"timezone": "Mars/Olympus"}); !isErr || !strings.Contains(text, "unknown time zone") {
		t.Errorf("bad zone: %q", text)
	}
}

func TestFetchExtractsTextFromALocalPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(`<!doctype html><html><head><title>Tea &amp; Biscuits</title><style>p{color:red}</style>
<script>alert("x")</script></head><body><h1>Recipes</h1><p>Boil the water.<br>Wait 3&nbsp;minutes.</p>
<ul><li>Green</li><li>Black</li></ul><!-- hidden --></body></html>`))
		case "/big":
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte(strings.Repeat("x", MaxFetchChars*2)))
		case "/bin":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write([]byte{0, 1, 2})
		case "/missing":
			http.NotFound(w, r)
		case "/to-file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		}
	}))
	defer srv.Close()
	text, isErr := call(t, Options{}, "fetch_url", map[string]any{"url": srv.URL + "/page"})
	for _, want := range []string{"# Tea & Biscuits", "Recipes", "Boil the water.\nWait 3\u00a0minutes.", "- Green", "- Black"} {
		if isErr || !strings.Contains(text, want) {
			t.Errorf("page text %q lacks %q", text, want)
		}
	}
	for _, unwanted := range []string{"alert", "color:red", "<p>", "hidden"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("page text keeps %q: %q", unwanted, text)
		}
	}
	if text, _ := call(t, Options{}, "fetch_url", map[string]any{"url": srv.URL + "/big"}); !strings.Contains(text, "[cut: the page is longer]") || len(text) > MaxFetchChars+200 {
		t.Errorf("big page not cut: %d chars", len(text))
	}
	if text, isErr := call(t, Options{}, "fetch_url", map[string]any{"url": srv.URL + "/bin"}); !isErr || !strings.Contains(text, "not text") {
		t.Errorf("binary: %q", text)
	}
	if text, isErr := call(t, Options{}, "fetch_url", map[string]any{"url": srv.URL + "/missing"}); !isErr || !strings.Contains(text, "HTTP 404") {
		t.Errorf("404: %q", text)
	}
	if text, isErr := call(t, Options{}, "fetch_url", map[string]any{"url": srv.URL + "/to-file"}); !isErr || strings.Contains(text, "root:") {
		t.Errorf("redirect to file://: %q", text)
	}
	for _, u := range []string{"file:///etc/passwd", "ftp://example.com/x", "not a url"} {
		if text, isErr := call(t, Options{}, "fetch_url", map[string]any{"url": u}); !isErr || !strings.Contains(text, "only http:// and https://") {
			t.Errorf("%s: %q", u, text)
		}
	}
}

func TestFetchTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	text, isErr := call(t, Options{HTTPClient: &http.Client{Timeout: 200 * time.Millisecond}}, "fetch_url", map[string]any{"url": srv.URL})
	if !isErr || !strings.Contains(text, "fetch failed") {
		t.Errorf("slow page: %q", text)
	}
}
