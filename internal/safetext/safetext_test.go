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

func TestStripRemovesReorderingAndInvisibleCharacters(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"right-to-left override", "access\u202e\u2066level\u2069\u2066", "accesslevel"},
		{"zero width space", "pass\u200bword", "password"},
		{"byte order mark", "\ufeffhello", "hello"},
		{"joiners kept", "👨\u200d👩\u200d👧 می\u200cخواهم", "👨\u200d👩\u200d👧 می\u200cخواهم"},
	}
	for _, c := range cases {
		if got := Strip(c.in); got != c.want {
			t.Errorf("%s: Strip(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestStripLongLine(t *testing.T) {
	long := make([]byte, 1<<20)
	for i := range long {
		long[i] = 'a' + byte(i%26)
	}
	long[500000] = 0x1b
	// ESC and the letter after it form a two-byte sequence (like ESC c, a reset): both go.
	if got := Strip(string(long)); len(got) != len(long)-2 {
		t.Errorf("a 1 MB line with one ESC came out %d bytes, want %d", len(got), len(long)-2)
	}
}
