package localtools

import (
	"context"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Name is the server's name in configs (type "inprocess") and in the UI.
const Name = "local-tools"

// Limits of the tools; a model asking for more gets the beginning and a note.
const (
	MaxFileBytes   = 256 << 10 // read_file
	MaxListEntries = 500       // list_directory
	MaxFetchBytes  = 2 << 20   // bytes read from a fetched page
	MaxFetchChars  = 40000     // characters of text returned from a page
	FetchTimeout   = 20 * time.Second
)

// Options configure the server.
type Options struct {
	// Root is the folder the file tools may read (the working directory).
	Root string
	// HTTPClient fetches URLs; nil means a client with FetchTimeout.
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// New returns the server. Its tools only read: files under Root, the clock, and the web
// pages the user approves (a fetch is a tool call, which the TUI asks about).
func New(opts Options) *server.MCPServer {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: FetchTimeout}
	}
	s := server.NewMCPServer(Name, "1", server.WithToolCapabilities(false))
	fs := &files{root: opts.Root}
	s.AddTool(mcp.NewTool("read_file",
		mcp.WithDescription("Read a text file under the working directory. Paths are relative to it; files outside it cannot be read. Long files are cut at 256 KiB."),
		mcp.WithString("path", mcp.Required(), mcp.Description("file path, relative to the working directory")),
		mcp.WithReadOnlyHintAnnotation(true), mcp.WithOpenWorldHintAnnotation(false),
	), fs.readFile)
	s.AddTool(mcp.NewTool("list_directory",
		mcp.WithDescription("List a folder under the working directory: one entry a line, folders end with /, files show their size."),
		mcp.WithString("path", mcp.Description("folder path, relative to the working directory (default: the working directory)")),
		mcp.WithReadOnlyHintAnnotation(true), mcp.WithOpenWorldHintAnnotation(false),
	), fs.listDirectory)
	s.AddTool(mcp.NewTool("current_time",
		mcp.WithDescription("The current date and time, in the local time zone or in an IANA time zone such as Europe/Paris."),
		mcp.WithString("timezone", mcp.Description("IANA time zone name (default: the local time zone)")),
		mcp.WithReadOnlyHintAnnotation(true), mcp.WithOpenWorldHintAnnotation(false),
	), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return currentTime(opts.Now(), req.GetString("timezone", "")), nil
	})
	f := &fetcher{client: opts.HTTPClient}
	s.AddTool(mcp.NewTool("fetch_url",
		mcp.WithDescription("Fetch a web page (http or https) and return its text, without markup. Long pages are cut."),
		mcp.WithString("url", mcp.Required(), mcp.Description("the http:// or https:// URL to fetch")),
		mcp.WithReadOnlyHintAnnotation(true), mcp.WithOpenWorldHintAnnotation(true),
	), f.fetch)
	return s
}
