package localtools

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
)

type fetcher struct{ client *http.Client }

func (f *fetcher) fetch(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	raw, err := req.RequireString("url")
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return mcp.NewToolResultError("only http:// and https:// URLs can be fetched"), nil
	}
	ctx, cancel := context.WithTimeout(ctx, FetchTimeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	hreq.Header.Set("User-Agent", "tiny-agents (fetch_url tool)")
	hreq.Header.Set("Accept", "text/html, text/plain, application/json, */*;q=0.5")
	c := *f.client
	c.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		if r.URL.Scheme != "http" && r.URL.Scheme != "https" {
			return fmt.Errorf("redirect to a %s URL refused", r.URL.Scheme)
		}
		return nil
	}
	resp, err := c.Do(hreq)
	if err != nil {
		return mcp.NewToolResultError("fetch failed: " + err.Error()), nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxFetchBytes))
	if err != nil {
		return mcp.NewToolResultError("fetch failed while reading: " + err.Error()), nil
	}
	ctype, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	var text string
	switch {
	case ctype == "text/html" || ctype == "application/xhtml+xml" || ctype == "" && looksHTML(body):
		text = htmlText(string(body))
	case strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "json") || strings.Contains(ctype, "xml") || ctype == "":
		text = string(body)
	default:
		return mcp.NewToolResultError(fmt.Sprintf("%s is %s, not text (%d bytes)", u, ctype, len(body))), nil
	}
	text = strings.ToValidUTF8(text, "\uFFFD")
	if utf8.RuneCountInString(text) > MaxFetchChars {
		text = string([]rune(text)[:MaxFetchChars]) + "\n[cut: the page is longer]"
	}
	header := fmt.Sprintf("%s (HTTP %d, %s)\n\n", u, resp.StatusCode, ctype)
	if resp.StatusCode >= 400 {
		return mcp.NewToolResultError(header + text), nil
	}
	return mcp.NewToolResultText(header + text), nil
}

func looksHTML(b []byte) bool {
	head := strings.ToLower(string(b[:min(len(b), 512)]))
	return strings.Contains(head, "<html") || strings.Contains(head, "<!doctype html")
}

var (
	dropBlocks = regexp.MustCompile(`(?is)<(script|style|noscript|template|svg|head)\b.*?</(script|style|noscript|template|svg|head)\s*>`)
	comments   = regexp.MustCompile(`(?s)<!--.*?-->`)
	titleTag   = regexp.MustCompile(`(?is)<title\b[^>]*>(.*?)</title>`)
	breakTags  = regexp.MustCompile(`(?i)<(br|/p|/div|/li|/h[1-6]|/tr|/pre|/blockquote|/section|/article|/header|/footer|/table|hr)\b[^>]*>`)
	itemTags   = regexp.MustCompile(`(?i)<li\b[^>]*>`)
	anyTag     = regexp.MustCompile(`(?s)<[^>]*>`)
	spaces     = regexp.MustCompile(`[ \t\f\v\r]+`)
	blankLines = regexp.MustCompile(`\n\s*\n(\s*\n)+`)
)

// htmlText extracts a page's readable text: the title, then the body without scripts,
// styles and markup, with block ends as line breaks.
func htmlText(page string) string {
	title := ""
	if m := titleTag.FindStringSubmatch(page); m != nil {
		title = strings.TrimSpace(html.UnescapeString(anyTag.ReplaceAllString(m[1], "")))
	}
	s := comments.ReplaceAllString(page, "")
	s = dropBlocks.ReplaceAllString(s, "")
	s = itemTags.ReplaceAllString(s, "\n- ")
	s = breakTags.ReplaceAllString(s, "\n")
	s = anyTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	s = spaces.ReplaceAllString(s, " ")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	s = blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
	s = strings.TrimSpace(s)
	if title != "" {
		s = "# " + title + "\n\n" + s
	}
	return s
}
