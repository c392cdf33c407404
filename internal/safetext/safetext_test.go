package safetext

import "testing"

func TestStripRemovesEscapesAndControls(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "hello\nworld\t!", "hello\nworld\t!"},
		{"clear screen", "a\x1b[2Jb\x1b[H", "ab"},
		{"colour", "\x1b[31mred\x1b[0m", "red"},
		{"title OSC BEL", "x\x1b]0;pwned\x07y", "xy"},
		{"clipboard OSC 52 ST", "x\x1b]52;c;ZXZpbA==\x1b\\y", "xy"},
		{"hyperlink keeps text", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"8-bit CSI", "a\u009b2Jb", "ab"},
		{"carriage return", "abc\rdef\r\n", "abcdef\n"},
		{"bell and backspace", "a\x07\x08b", "ab"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"unicode kept", "héllo 世界", "héllo 世界"},
		{"charset designation", "a\x1b(Bb", "ab"},
		{"unterminated OSC", "a\x1b]0;title", "a"},
	}
	for _, c := range cases {
		if got := Strip(c.in); got != c.want {
			t.Errorf("%s: Strip(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}
