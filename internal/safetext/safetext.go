// Package safetext makes untrusted text (from a model or a tool) safe to print on a
// terminal: escape sequences and control characters are removed, so a result can never clear
// the screen, move the cursor, set the title, write the clipboard or hide a link.
package safetext

import (
	"strings"
	"unicode/utf8"
)

// Strip removes ANSI/VT escape sequences (CSI, OSC, DCS, SOS, PM, APC, and two-byte ESC
// sequences), C0 controls other than newline and tab, C1 controls, invalid UTF-8 (replaced
// with U+FFFD), bidirectional embedding/override/isolate controls (which can make text read
// differently from what it is, as in "Trojan Source"), and invisible characters that can hide
// text (zero width space, word joiner, byte order mark). Zero width (non-)joiners stay: emoji
// sequences and several scripts need them. Carriage returns are dropped.
func Strip(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b:
			i = skipEscape(s, i+1)
			continue
		case c == '\n' || c == '\t':
			b.WriteByte(c)
			i++
			continue
		case c < 0x20 || c == 0x7f:
			i++
			continue
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case hidden(r):
		case r >= 0x80 && r <= 0x9f:
			// C1 controls: 0x9b is a one-byte CSI on some terminals.
			if r == 0x9b || r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f {
				i = skipC1String(s, i+size, r)
				continue
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isPlain reports whether s needs no change: printable ASCII, newline, tab, and valid
// UTF-8 without C1 controls.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return false
		}
		if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// skipEscape skips the sequence after an ESC at s[i-1] and returns the index after it.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[': // CSI
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC
		return skipToTerminator(s, i+1)
	}
	// Two-byte sequences (ESC 7, ESC c...), with intermediates 0x20-0x2f (ESC ( B).
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) {
		i++
	}
	return i
}

// skipC1String skips a sequence introduced by an 8-bit C1 control.
func skipC1String(s string, i int, intro rune) int {
	if intro == 0x9b { // CSI
		return skipCSI(s, i)
	}
	return skipToTerminator(s, i)
}

// skipCSI skips a control sequence's parameters and intermediates and its final byte
// (0x40-0x7e).
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		i++
		if c >= 0x40 && c <= 0x7e {
			return i
		}
	}
	return i
}

// skipToTerminator skips a string sequence (OSC, DCS...) up to and including its
// terminator: BEL, ST (ESC \) or the 8-bit ST.
func skipToTerminator(s string, i int) int {
	for i < len(s) {
		if s[i] == 0x07 {
			return i + 1
		}
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
			return i + 2
		}
		if r, size := utf8.DecodeRuneInString(s[i:]); r == 0x9c {
			return i + size
		}
		i++
	}
	return i
}

// hidden reports the invisible and reordering characters Strip removes.
func hidden(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e: // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	case r == 0x200b || r == 0x2060 || r == 0xfeff || r == 0x180e:
		return true
	}
	return false
}
