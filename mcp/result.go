package mcp

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// Result is a tool result: the text sent to the model, and the parts a front end may show.
type Result struct {
	// Text is what the model receives: text parts joined, binary parts summarised.
	Text    string
	IsError bool
	Parts   []Part
	// Structured is the tool's structuredContent, when it sent one.
	Structured json.RawMessage
}

// Part is one content item of a result.
type Part struct {
	Type     string // text, image, audio, resource, resource_link
	Text     string
	MIMEType string
	// Size is the decoded size of binary data in bytes.
	Size int
	// Data is the base64 data of an image or audio part.
	Data string
	URI  string
}

// formatResult turns an MCP result into text for the model, as the peers do, but keeps the
// isError flag (the peers lose it) and uses structuredContent when there is no content.
func formatResult(r *mcp.CallToolResult) Result {
	out := Result{IsError: r.IsError}
	var texts []string
	for _, c := range r.Content {
		switch v := c.(type) {
		case mcp.TextContent:
			out.Parts = append(out.Parts, Part{Type: "text", Text: v.Text})
			texts = append(texts, v.Text)
		case mcp.ImageContent:
			n := base64.StdEncoding.DecodedLen(len(v.Data))
			out.Parts = append(out.Parts, Part{Type: "image", MIMEType: v.MIMEType, Size: n, Data: v.Data})
			texts = append(texts, fmt.Sprintf("[Binary Content: Image %s, %d bytes]\nThe content is shown to the user.", v.MIMEType, n))
		case mcp.AudioContent:
			n := base64.StdEncoding.DecodedLen(len(v.Data))
			out.Parts = append(out.Parts, Part{Type: "audio", MIMEType: v.MIMEType, Size: n, Data: v.Data})
			texts = append(texts, fmt.Sprintf("[Binary Content: Audio %s, %d bytes]\nThe content is shown to the user.", v.MIMEType, n))
		case mcp.EmbeddedResource:
			switch rc := v.Resource.(type) {
			case mcp.TextResourceContents:
				out.Parts = append(out.Parts, Part{Type: "resource", Text: rc.Text, MIMEType: rc.MIMEType, URI: rc.URI})
				texts = append(texts, rc.Text)
			case mcp.BlobResourceContents:
				n := base64.StdEncoding.DecodedLen(len(rc.Blob))
				out.Parts = append(out.Parts, Part{Type: "resource", MIMEType: rc.MIMEType, URI: rc.URI, Size: n})
				texts = append(texts, fmt.Sprintf("[Binary Content (%s): %s, %d bytes]", rc.URI, rc.MIMEType, n))
			}
		case mcp.ResourceLink:
			out.Parts = append(out.Parts, Part{Type: "resource_link", URI: v.URI, Text: v.Name, MIMEType: v.MIMEType})
			texts = append(texts, fmt.Sprintf("[Resource link: %s (%s)]", v.URI, v.Name))
		}
	}
	if len(r.RawStructuredContent) > 0 {
		out.Structured = r.RawStructuredContent
	} else if r.StructuredContent != nil {
		out.Structured, _ = json.Marshal(r.StructuredContent)
	}
	out.Text = strings.Join(texts, "\n")
	if out.Text == "" && len(out.Structured) > 0 {
		out.Text = string(out.Structured)
	}
	if out.Text == "" {
		out.Text = "[No content]"
	}
	return out
}
