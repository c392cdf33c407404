package themes

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"charm.land/glamour/v2/styles"
)

func TestBuiltinThemesHaveMatchingMarkdownStyles(t *testing.T) {
	tests := []struct {
		name   string
		dark   bool
		mdText string
	}{
		{"dark", true, *styles.DarkStyleConfig.Document.Color},
		{"light", false, *styles.LightStyleConfig.Document.Color},
		{"high-contrast", true, "15"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			th, err := Load(tc.name, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if th.Name != tc.name || th.Dark != tc.dark {
				t.Fatalf("got %q dark=%v", th.Name, th.Dark)
			}
			if th.Markdown.Document.Color == nil || *th.Markdown.Document.Color != tc.mdText {
				t.Fatalf("markdown text colour %v, want %s", th.Markdown.Document.Color, tc.mdText)
			}
			if !strings.Contains(th.Error.Render("x"), "\x1b[") {
				t.Fatal("the error style has no colour")
			}
		})
	}
}

func TestHighContrastDoesNotChangeTheDarkMarkdownStyle(t *testing.T) {
	before := *styles.DarkStyleConfig.Document.Color
	_ = HighContrast()
	if *styles.DarkStyleConfig.Document.Color != before {
		t.Fatal("building high-contrast changed glamour's shared dark style")
	}
}

func TestPlainThemeUsesNoColour(t *testing.T) {
	th := Plain()
	for name, s := range map[string]string{
		"error": th.Error.Render("x"), "user": th.UserLabel.Render("x"), "status": th.StatusBar.Render("x"),
		"tool": th.ToolName.Render("x"), "marker": th.Marker.Render("x"),
	} {
		if strings.Contains(s, "38;") || strings.Contains(s, "48;") {
			t.Fatalf("%s style has colour: %q", name, s)
		}
	}
	if th.Markdown.Document.Color != nil {
		t.Fatal("plain markdown has a colour")
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name    string
		noColor bool
		dark    bool
		want    string
	}{
		{"auto", false, true, "dark"},
		{"auto", false, false, "light"},
		{"", false, false, "light"},
		{"high-contrast", false, false, "high-contrast"},
		{"dark", true, true, "plain"},
	}
	for _, tc := range tests {
		th, err := Resolve(tc.name, t.TempDir(), tc.noColor, tc.dark)
		if err != nil || th.Name != tc.want {
			t.Fatalf("Resolve(%q, noColor=%v, dark=%v) = %q, %v; want %q", tc.name, tc.noColor, tc.dark, th.Name, err, tc.want)
		}
	}
}

func TestUserThemeFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name+".json"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("sunset", `{"base":"light","palette":{"accent":"#ff8800","error":"9"}}`)
	write("typo", `{"base":"dark","palete":{}}`)
	write("badbase", `{"base":"purple"}`)

	th, err := Load("sunset", dir)
	if err != nil {
		t.Fatal(err)
	}
	if th.Dark || th.Name != "sunset" || !strings.Contains(th.Accent.Render("x"), "38;2;255;136;0") {
		t.Fatalf("sunset: dark=%v accent=%q", th.Dark, th.Accent.Render("x"))
	}
	// Unset colours come from the base.
	if th.User.Render("x") != Light().User.Render("x") {
		t.Fatal("unset colours should come from the base theme")
	}
	names := Names(dir)
	if strings.Join(names, ",") != "dark,light,high-contrast,plain,badbase,sunset,typo" {
		t.Fatalf("names %v", names)
	}
	for _, tc := range []struct{ name, want string }{
		{"typo", `unknown field "palete"`},
		{"badbase", "base must be dark, light or high-contrast"},
		{"missing", "no such theme; use one of dark, light"},
		{"../etc/passwd", "not a theme name"},
	} {
		_, err := Load(tc.name, dir)
		var te *ThemeError
		if !errors.As(err, &te) || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("Load(%q) error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
}
