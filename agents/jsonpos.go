package agents

import (
	"encoding/json"
	"fmt"
	"strings"
)

// node is a JSON value that remembers where it starts in its file, so that every problem
// found later (a wrong type, an unknown provider, a bad URL) can name the line and column.
type node struct {
	kind    byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	off     int
	str     string // string value, or the number's text
	boolean bool
	members []member // objects, in file order
	elems   []*node  // arrays
}

type member struct {
	key    string
	keyOff int
	val    *node
}

// get returns an object's member value by key, or nil. A key given twice means its last
// value, as in JavaScript's JSON.parse and Python's json (both peers).
func (n *node) get(key string) *node {
	if n == nil || n.kind != 'o' {
		return nil
	}
	for i := len(n.members) - 1; i >= 0; i-- {
		if n.members[i].key == key {
			return n.members[i].val
		}
	}
	return nil
}

// kindName is how a JSON kind is named in messages.
func kindName(k byte) string {
	switch k {
	case 'o':
		return "an object"
	case 'a':
		return "an array"
	case 's':
		return "a string"
	case 'n':
		return "a number"
	case 'b':
		return "a boolean"
	}
	return "null"
}

// syntaxError is invalid JSON at a byte offset.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

// parseJSON parses a JSON document. It also accepts what VS Code's mcp.json allows (JSONC:
// // and /* */ comments, trailing commas), since users copy those files as they are. dups
// are the keys given twice in one object (the last value counts).
func parseJSON(data []byte) (root *node, dups []member, err error) {
	p := &jparser{data: data}
	root, err = p.document()
	return root, p.dups, err
}

func (p *jparser) document() (*node, error) {
	data := p.data
	p.skip()
	if p.pos >= len(data) {
		return nil, &syntaxError{off: p.pos, msg: "the file is empty"}
	}
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.pos < len(data) {
		return nil, &syntaxError{off: p.pos, msg: fmt.Sprintf("unexpected %s after the top-level value", p.near())}
	}
	return n, nil
}

type jparser struct {
	data []byte
	pos  int
	dups []member
}

// skip passes over white space and comments.
func (p *jparser) skip() {
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.pos++
		case c == '/' && p.pos+1 < len(p.data) && p.data[p.pos+1] == '/':
			for p.pos < len(p.data) && p.data[p.pos] != '\n' {
				p.pos++
			}
		case c == '/' && p.pos+1 < len(p.data) && p.data[p.pos+1] == '*':
			end := strings.Index(string(p.data[p.pos+2:]), "*/")
			if end < 0 {
				p.pos = len(p.data)
				return
			}
			p.pos += 2 + end + 2
		case c == 0xEF && p.pos == 0 && len(p.data) >= 3 && p.data[1] == 0xBB && p.data[2] == 0xBF:
			p.pos += 3 // a UTF-8 byte order mark, as Windows editors write
		default:
			return
		}
	}
}

// near describes the character at the current position for an error message.
func (p *jparser) near() string {
	if p.pos >= len(p.data) {
		return "end of file"
	}
	return fmt.Sprintf("%q", rune(p.data[p.pos]))
}

func (p *jparser) value() (*node, error) {
	p.skip()
	if p.pos >= len(p.data) {
		return nil, &syntaxError{off: p.pos, msg: "unexpected end of file, expected a value"}
	}
	start := p.pos
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.stringLit()
		if err != nil {
			return nil, err
		}
		return &node{kind: 's', off: start, str: s}, nil
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case p.literal("true"):
		return &node{kind: 'b', off: start, boolean: true}, nil
	case p.literal("false"):
		return &node{kind: 'b', off: start}, nil
	case p.literal("null"):
		return &node{kind: 'z', off: start}, nil
	}
	return nil, &syntaxError{off: p.pos, msg: fmt.Sprintf("unexpected %s, expected a value", p.near())}
}

func (p *jparser) literal(word string) bool {
	if strings.HasPrefix(string(p.data[p.pos:min(len(p.data), p.pos+len(word))]), word) {
		p.pos += len(word)
		return true
	}
	return false
}

func (p *jparser) object() (*node, error) {
	n := &node{kind: 'o', off: p.pos}
	p.pos++ // {
	seen := map[string]bool{}
	for {
		p.skip()
		if p.pos < len(p.data) && p.data[p.pos] == '}' {
			p.pos++
			return n, nil
		}
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, &syntaxError{off: p.pos, msg: fmt.Sprintf("unexpected %s, expected a quoted key or '}'", p.near())}
		}
		keyOff := p.pos
		key, err := p.stringLit()
		if err != nil {
			return nil, err
		}
		p.skip()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, &syntaxError{off: p.pos, msg: fmt.Sprintf("unexpected %s, expected ':' after key %q", p.near(), key)}
		}
		p.pos++
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if seen[key] {
			p.dups = append(p.dups, member{key: key, keyOff: keyOff})
		}
		seen[key] = true
		n.members = append(n.members, member{key: key, keyOff: keyOff, val: v})
		p.skip()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.data) && p.data[p.pos] == '}' {
			p.pos++
			return n, nil
		}
		return nil, &syntaxError{off: p.pos, msg: fmt.Sprintf("unexpected %s, expected ',' or '}' after the value of %q", p.near(), key)}
	}
}

func (p *jparser) array() (*node, error) {
	n := &node{kind: 'a', off: p.pos}
	p.pos++ // [
	for {
		p.skip()
		if p.pos < len(p.data) && p.data[p.pos] == ']' {
			p.pos++
			return n, nil
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		n.elems = append(n.elems, v)
		p.skip()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.data) && p.data[p.pos] == ']' {
			p.pos++
			return n, nil
		}
		return nil, &syntaxError{off: p.pos, msg: fmt.Sprintf("unexpected %s, expected ',' or ']' in an array", p.near())}
	}
}

// stringLit reads a quoted string; encoding/json does the unescaping.
func (p *jparser) stringLit() (string, error) {
	start := p.pos
	p.pos++
	for p.pos < len(p.data) {
		switch c := p.data[p.pos]; {
		case c == '\\':
			p.pos += 2
			continue
		case c == '"':
			p.pos++
			var s string
			if err := json.Unmarshal(p.data[start:p.pos], &s); err != nil {
				return "", &syntaxError{off: start, msg: "invalid string: " + strings.TrimPrefix(err.Error(), "invalid character ")}
			}
			return s, nil
		case c == '\n':
			return "", &syntaxError{off: p.pos, msg: "unterminated string (a string cannot span lines)"}
		}
		p.pos++
	}
	return "", &syntaxError{off: start, msg: "unterminated string"}
}

func (p *jparser) number() (*node, error) {
	start := p.pos
	for p.pos < len(p.data) && strings.IndexByte("+-0123456789.eE", p.data[p.pos]) >= 0 {
		p.pos++
	}
	text := string(p.data[start:p.pos])
	var f float64
	if err := json.Unmarshal([]byte(text), &f); err != nil {
		return nil, &syntaxError{off: start, msg: fmt.Sprintf("invalid number %q", text)}
	}
	return &node{kind: 'n', off: start, str: text}, nil
}

// position converts a byte offset into a 1-based line and column (columns count characters).
func position(data []byte, off int) (line, col int) {
	if off > len(data) {
		off = len(data)
	}
	line, col = 1, 1
	for _, r := range string(data[:off]) {
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
