// Package themes holds the TUI's looks: a Theme is one struct of lipgloss styles plus the
// matching glamour (markdown) style. Built in: dark, light, high-contrast, and plain (for
// NO_COLOR). Users add themes as JSON files in the config folder (see Load).
package themes

import (
	"image/color"

	"charm.land/glamour/v2/ansi"
	"charm.land/lipgloss/v2"
)

// Theme is every style the TUI draws with.
type Theme struct {
	// Name is how /theme and --theme call it.
	Name string
	// Dark says the theme is made for a dark background.
	Dark bool
	// Plain says the theme uses no colour at all (NO_COLOR).
	Plain bool

	UserLabel   lipgloss.Style // the "you" label over a user message
	User        lipgloss.Style // the user's text
	Assistant   lipgloss.Style // the label over an answer
	Reasoning   lipgloss.Style // dimmed reasoning text
	Error       lipgloss.Style // inline errors
	Notice      lipgloss.Style // notices, command output
	Muted       lipgloss.Style // secondary text (hints, elapsed time)
	Accent      lipgloss.Style // highlighted words (keys in prompts, selected items)
	ToolBorder  lipgloss.Style // the frame of a tool panel
	ToolName    lipgloss.Style
	ToolServer  lipgloss.Style
	ToolArgs    lipgloss.Style
	ToolResult  lipgloss.Style
	ToolError   lipgloss.Style
	ToolOK      lipgloss.Style // the status icon of a finished call
	Approval    lipgloss.Style // the approval question
	Marker      lipgloss.Style // "new output below"
	StatusBar   lipgloss.Style
	StatusState lipgloss.Style
	Selected    lipgloss.Style // the selected completion or dialog field
	Dialog      lipgloss.Style // the frame of a form

	// Markdown is the glamour style for answers.
	Markdown ansi.StyleConfig
}

// Palette is the handful of colours a theme is made from; user theme files set these.
type Palette struct {
	Text    string `json:"text"`
	Muted   string `json:"muted"`
	Accent  string `json:"accent"`
	User    string `json:"user"`
	Error   string `json:"error"`
	Warning string `json:"warning"`
	Success string `json:"success"`
	Border  string `json:"border"`
	BarFg   string `json:"statusText"`
	BarBg   string `json:"statusBackground"`
}

// DarkPalette is the palette of the dark theme.
var DarkPalette = Palette{Text: "252", Muted: "245", Accent: "39", User: "213", Error: "203",
	Warning: "214", Success: "42", Border: "240", BarFg: "252", BarBg: "236"}

// LightPalette is the palette of the light theme.
var LightPalette = Palette{Text: "235", Muted: "243", Accent: "26", User: "127", Error: "160",
	Warning: "130", Success: "28", Border: "249", BarFg: "235", BarBg: "254"}

// HighContrastPalette uses only the brightest of the 16 basic colours, on black.
var HighContrastPalette = Palette{Text: "15", Muted: "15", Accent: "14", User: "11", Error: "9",
	Warning: "11", Success: "10", Border: "15", BarFg: "0", BarBg: "15"}

func col(s string) color.Color {
	if s == "" {
		return nil
	}
	return lipgloss.Color(s)
}

func fg(s string) lipgloss.Style {
	st := lipgloss.NewStyle()
	if c := col(s); c != nil {
		st = st.Foreground(c)
	}
	return st
}

// Build makes a theme from a palette and a markdown style.
func Build(name string, dark bool, p Palette, md ansi.StyleConfig) Theme {
	bar := fg(p.BarFg)
	if c := col(p.BarBg); c != nil {
		bar = bar.Background(c)
	}
	return Theme{
		Name:        name,
		Dark:        dark,
		UserLabel:   fg(p.User).Bold(true),
		User:        fg(p.Text),
		Assistant:   fg(p.Accent).Bold(true),
		Reasoning:   fg(p.Muted).Italic(true).Faint(true),
		Error:       fg(p.Error).Bold(true),
		Notice:      fg(p.Muted),
		Muted:       fg(p.Muted),
		Accent:      fg(p.Accent).Bold(true),
		ToolBorder:  lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(col(p.Border)).Padding(0, 1),
		ToolName:    fg(p.Warning).Bold(true),
		ToolServer:  fg(p.Muted),
		ToolArgs:    fg(p.Muted),
		ToolResult:  fg(p.Text),
		ToolError:   fg(p.Error),
		ToolOK:      fg(p.Success).Bold(true),
		Approval:    fg(p.Warning).Bold(true),
		Marker:      fg(p.Accent).Bold(true).Reverse(true),
		StatusBar:   bar,
		StatusState: bar.Bold(true),
		Selected:    fg(p.Accent).Bold(true).Reverse(true),
		Dialog:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(col(p.Accent)).Padding(0, 1),
		Markdown:    md,
	}
}

// Plain is the theme for NO_COLOR: no colour, only bold, underline and reverse where they
// carry meaning, and an ASCII markdown style.
func Plain() Theme {
	t := Build("plain", true, Palette{}, plainMarkdown())
	t.Plain = true
	t.Reasoning = lipgloss.NewStyle().Italic(true)
	t.Error = lipgloss.NewStyle().Bold(true)
	t.ToolBorder = lipgloss.NewStyle().Border(lipgloss.NormalBorder()).Padding(0, 1)
	t.Dialog = t.ToolBorder
	t.StatusBar = lipgloss.NewStyle().Reverse(true)
	t.StatusState = t.StatusBar.Bold(true)
	return t
}
