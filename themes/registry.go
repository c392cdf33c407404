package themes

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
)

// Auto is the theme name that follows the terminal's background (dark or light).
const Auto = "auto"

// Dark is the default theme on a dark background.
func Dark() Theme { return Build("dark", true, DarkPalette, styles.DarkStyleConfig) }

// Light is the default theme on a light background.
func Light() Theme { return Build("light", false, LightPalette, styles.LightStyleConfig) }

// HighContrast is bright basic colours on a dark background, with a matching markdown style.
func HighContrast() Theme {
	return Build("high-contrast", true, HighContrastPalette, highContrastMarkdown())
}

// ForBackground is the built-in theme for a dark or light background.
func ForBackground(dark bool) Theme {
	if dark {
		return Dark()
	}
	return Light()
}

// Builtin returns the built-in theme of that name.
func Builtin(name string) (Theme, bool) {
	switch name {
	case "dark":
		return Dark(), true
	case "light":
		return Light(), true
	case "high-contrast":
		return HighContrast(), true
	case "plain":
		return Plain(), true
	}
	return Theme{}, false
}

// Dir is where user theme files live: os.UserConfigDir()/tiny-agents/themes.
func Dir() string {
	d, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "tiny-agents", "themes")
}

// File is a user theme file (NAME.json in Dir): a palette over a base theme.
//
//	{"base": "dark", "palette": {"accent": "#ff8800", "error": "9"}}
//
// Colours are ANSI numbers ("39") or hex ("#ff8800"); unset ones come from the base.
type File struct {
	Base    string  `json:"base"`
	Palette Palette `json:"palette"`
}

// ThemeError says what is wrong with a theme name or file.
type ThemeError struct {
	Name string
	Err  error
}

func (e *ThemeError) Error() string { return fmt.Sprintf("theme %q: %v", e.Name, e.Err) }
func (e *ThemeError) Unwrap() error { return e.Err }

// Load finds a theme by name: a built-in one, else dir/NAME.json.
func Load(name, dir string) (Theme, error) {
	if t, ok := Builtin(name); ok {
		return t, nil
	}
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return Theme{}, &ThemeError{name, fmt.Errorf("not a theme name; use one of %s", strings.Join(Names(dir), ", "))}
	}
	b, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if errors.Is(err, os.ErrNotExist) {
		return Theme{}, &ThemeError{name, fmt.Errorf("no such theme; use one of %s, or add %s", strings.Join(Names(dir), ", "), filepath.Join(dir, name+".json"))}
	}
	if err != nil {
		return Theme{}, &ThemeError{name, err}
	}
	return Parse(name, b)
}

// Parse reads a user theme file.
func Parse(name string, b []byte) (Theme, error) {
	var f File
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Theme{}, &ThemeError{name, fmt.Errorf("bad theme file: %w", err)}
	}
	var base Palette
	var md ansi.StyleConfig
	dark := true
	switch f.Base {
	case "", "dark":
		base, md = DarkPalette, styles.DarkStyleConfig
	case "light":
		base, md, dark = LightPalette, styles.LightStyleConfig, false
	case "high-contrast":
		base, md = HighContrastPalette, highContrastMarkdown()
	default:
		return Theme{}, &ThemeError{name, fmt.Errorf("base must be dark, light or high-contrast, not %q", f.Base)}
	}
	p := f.Palette
	merge := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	merge(&base.Text, p.Text)
	merge(&base.Muted, p.Muted)
	merge(&base.Accent, p.Accent)
	merge(&base.User, p.User)
	merge(&base.Error, p.Error)
	merge(&base.Warning, p.Warning)
	merge(&base.Success, p.Success)
	merge(&base.Border, p.Border)
	merge(&base.BarFg, p.BarFg)
	merge(&base.BarBg, p.BarBg)
	return Build(name, dark, base, md), nil
}

// Names lists the built-in themes and the user theme files in dir.
func Names(dir string) []string {
	names := []string{"dark", "light", "high-contrast", "plain"}
	entries, _ := os.ReadDir(dir)
	var user []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".json"); ok && !e.IsDir() {
			if _, builtin := Builtin(n); !builtin {
				user = append(user, n)
			}
		}
	}
	sort.Strings(user)
	return append(names, user...)
}

// Resolve picks the theme to start with: plain when noColor, else the named one, where ""
// and Auto mean the built-in theme for the background.
func Resolve(name, dir string, noColor, darkBackground bool) (Theme, error) {
	if noColor {
		return Plain(), nil
	}
	if name == "" || name == Auto {
		return ForBackground(darkBackground), nil
	}
	return Load(name, dir)
}
