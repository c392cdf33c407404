package themes

import (
	"charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
)

func sp(s string) *string { return &s }
func bp(b bool) *bool     { return &b }

// highContrastMarkdown is the dark markdown style with bright basic colours only, so it reads
// on terminals with a limited or customised palette.
func highContrastMarkdown() ansi.StyleConfig {
	md := styles.DarkStyleConfig
	md.Document.Color = sp("15")
	md.Heading.Color = sp("11")
	md.H1.Color = sp("0")
	md.H1.BackgroundColor = sp("11")
	md.Link.Color = sp("14")
	md.LinkText.Color = sp("14")
	md.Strong.Color = sp("15")
	md.Code.Color = sp("11")
	md.Code.BackgroundColor = nil
	md.Item.Color = sp("15")
	md.Enumeration.Color = sp("14")
	md.HorizontalRule.Color = sp("15")
	md.BlockQuote.Color = sp("15")
	return md
}

// plainMarkdown is glamour's ASCII style (no colour), with bold headings and emphasis.
func plainMarkdown() ansi.StyleConfig {
	md := styles.ASCIIStyleConfig
	md.Heading.Bold = bp(true)
	md.Strong.Bold = bp(true)
	return md
}
