package inference

import (
	"bufio"
	"bytes"
	"io"
)

// sseEvent is one server-sent event. Data is valid until the next call to Next.
type sseEvent struct {
	Event string
	ID    string
	Data  []byte
}

// sseReader reads server-sent events as the WHATWG spec describes them: LF, CR or CRLF line
// endings, a leading byte-order mark skipped, several `data:` lines joined with "\n",
// `event:` and `id:` fields, comments (lines starting with ':') and unknown fields ignored,
// and a final event dispatched even when the stream ends without a blank line (servers that
// close right after the last chunk).
type sseReader struct {
	r    *bufio.Reader
	line []byte // reused for every line
	data bytes.Buffer
	ev   sseEvent
	// pendingCR is set when the last line ended in CR, so that a following LF is skipped.
	pendingCR bool
	started   bool
	// reset is set after an event was dispatched: its data is cleared on the next call.
	reset bool
}

func newSSEReader(r io.Reader) *sseReader {
	return &sseReader{r: bufio.NewReaderSize(r, 64*1024)}
}

// readLine returns one line without its terminator; the slice is reused by the next call.
func (s *sseReader) readLine() ([]byte, error) {
	s.line = s.line[:0]
	if !s.started {
		s.started = true
		if bom, err := s.r.Peek(3); err == nil && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF {
			s.r.Discard(3)
		}
	}
	if s.pendingCR {
		s.pendingCR = false
		b, err := s.r.ReadByte()
		if err != nil {
			return s.line, err
		}
		if b != '\n' {
			s.r.UnreadByte()
		}
	}
	for {
		if _, err := s.r.Peek(1); err != nil {
			if err == io.EOF && len(s.line) > 0 {
				return s.line, nil
			}
			return s.line, err
		}
		buf, _ := s.r.Peek(s.r.Buffered())
		i := bytes.IndexAny(buf, "\r\n")
		if i < 0 {
			s.line = append(s.line, buf...)
			s.r.Discard(len(buf))
			continue
		}
		s.line = append(s.line, buf[:i]...)
		s.pendingCR = buf[i] == '\r'
		s.r.Discard(i + 1)
		return s.line, nil
	}
}

// Next returns the next event with data, or io.EOF.
func (s *sseReader) Next() (sseEvent, error) {
	if s.reset {
		s.reset = false
		s.data.Reset()
	}
	hasData := false
	for {
		line, err := s.readLine()
		if err != nil {
			if err == io.EOF && hasData {
				return s.dispatch(), nil
			}
			return sseEvent{}, err
		}
		if len(line) == 0 {
			if hasData {
				return s.dispatch(), nil
			}
			s.ev = sseEvent{}
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value := line, []byte(nil)
		if i := bytes.IndexByte(line, ':'); i >= 0 {
			field, value = line[:i], line[i+1:]
			if len(value) > 0 && value[0] == ' ' {
				value = value[1:]
			}
		}
		switch string(field) {
		case "data":
			if hasData {
				s.data.WriteByte('\n')
			}
			s.data.Write(value)
			hasData = true
		case "event":
			s.ev.Event = string(value)
		case "id":
			// An id with NUL is ignored, per the spec.
			if bytes.IndexByte(value, 0) < 0 {
				s.ev.ID = string(value)
			}
		}
	}
}

func (s *sseReader) dispatch() sseEvent {
	ev := s.ev
	ev.Data = s.data.Bytes()
	s.reset = true
	s.ev = sseEvent{}
	return ev
}
