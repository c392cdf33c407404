package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzStrip checks what must stay true of Strip's output for any input: no escape or control
// character reaches the terminal, the text is valid UTF-8, and stripping twice changes nothing.
func FuzzStrip(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[2J", "\x1b]52;c;aGk=\x07", "\x1b]8;;http://x\x1b\\t\x1b]8;;\x1b\\",
		"\u009b31m", "a\rb", "\xff\xfe", "\u202eabc", "\x1bP+q\x1b\\", "\x1b", "\x1b[", "é\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Strip(in)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q: %q", in, out)
		}
		for _, r := range out {
			if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || hidden(r) {
				t.Fatalf("control %U left in Strip(%q) = %q", r, in, out)
			}
		}
		if strings.ContainsRune(out, 0x1b) {
			t.Fatalf("ESC left in %q", out)
		}
		if again := Strip(out); again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, out, again)
		}
	})
}
