package inference

import (
	"bufio"
	"bytes"
	"io"
)

// sseEvent is one server-sent event.
type sseEvent struct {
	Event string
	ID    string
	Data  []byte
}

// sseReader reads server-sent events as the WHATWG spec describes them: LF, CR or CRLF line
// endings, several `data:` lines joined with "\n", `event:` and `id:` fields, comments
// (lines starting with ':') ignored, and a final event dispatched even when the stream ends
// without a blank line.
type sseReader struct {
	r    *bufio.Reader
	data bytes.Buffer
	ev   sseEvent
	// pendingCR is set when the last line ended in CR, so that a following LF is skipped.
	pendingCR bool
}

func newSSEReader(r io.Reader) *sseReader {
	return &sseReader{r: bufio.NewReaderSize(r, 64*1024)}
}

// readLine returns one line without its terminator.
func (s *sseReader) readLine() ([]byte, error) {
	var line []byte
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			if len(line) > 0 && err == io.EOF {
				return line, nil
			}
			return line, err
		}
		if s.pendingCR {
			s.pendingCR = false
			if b == '\n' {
				continue
			}
		}
		switch b {
		case '\n':
			return line, nil
		case '\r':
			s.pendingCR = true
			return line, nil
		}
		line = append(line, b)
		// Fast path: copy the rest of the line in one go.
		if rest, err := s.r.Peek(s.r.Buffered()); err == nil && len(rest) > 0 {
			i := bytes.IndexAny(rest, "\r\n")
			if i < 0 {
				line = append(line, rest...)
				s.r.Discard(len(rest))
			} else {
				line = append(line, rest[:i]...)
				s.r.Discard(i)
			}
		}
	}
}

// Next returns the next event with data, or io.EOF.
func (s *sseReader) Next() (sseEvent, error) {
	for {
		line, err := s.readLine()
		if err != nil {
			if err == io.EOF && s.data.Len() > 0 {
				return s.dispatch(), nil
			}
			return sseEvent{}, err
		}
		if len(line) == 0 {
			if s.data.Len() > 0 {
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
			if s.data.Len() > 0 {
				s.data.WriteByte('\n')
			}
			s.data.Write(value)
			// Some servers never send the blank line after the last event before closing;
			// an event is also dispatched at EOF above.
		case "event":
			s.ev.Event = string(value)
		case "id":
			s.ev.ID = string(value)
		}
	}
}

func (s *sseReader) dispatch() sseEvent {
	ev := s.ev
	ev.Data = append([]byte(nil), s.data.Bytes()...)
	s.data.Reset()
	s.ev = sseEvent{}
	return ev
}
