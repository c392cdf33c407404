package inference

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"sync"
	"time"
)

// Stream reads the chunks of a streamed chat completion:
//
//	for s.Next() { use(s.Chunk()) }
//	if err := s.Err(); err != nil { ... }
//
// It ends at `data: [DONE]` (with or without the space) or when the body ends.
type Stream struct {
	// pending holds ready-made chunks (a JSON answer to a streaming request); sse is nil then.
	pending []ChatCompletionChunk
	body    io.ReadCloser
	sse     *sseReader
	cur     ChatCompletionChunk
	err     error
	done    bool
	ctx     context.Context
	cancel  context.CancelFunc
	idle    *idleWatch
	url     string
	// chunks counts the chunks read, to tell an empty body (a wrong URL) from a short answer.
	chunks int
}

func newStream(ctx context.Context, cancel context.CancelFunc, body io.ReadCloser, idle *idleWatch, url string) *Stream {
	s := &Stream{body: body, ctx: ctx, cancel: cancel, idle: idle, url: url}
	var r io.Reader = body
	if idle != nil {
		r = idle.reader(body)
	}
	s.sse = newSSEReader(r)
	return s
}

// newChunkStream is a stream over chunks already read.
func newChunkStream(chunks []ChatCompletionChunk) *Stream {
	return &Stream{pending: chunks, ctx: context.Background()}
}

// Next advances to the next chunk. It returns false at the end of the stream or on error.
func (s *Stream) Next() bool {
	if s.done || s.err != nil {
		return false
	}
	if s.sse == nil {
		if len(s.pending) == 0 {
			s.done = true
			return false
		}
		s.cur, s.pending = s.pending[0], s.pending[1:]
		return true
	}
	for {
		ev, err := s.sse.Next()
		if err != nil {
			switch {
			case errors.Is(err, io.EOF) && s.chunks == 0:
				// A 200 with no event at all is not a model answering (a web page, a proxy
				// that swallowed the stream): say so rather than show an empty answer.
				s.err = &StreamError{Message: "the server at " + s.url + " answered without any chunk: is it an OpenAI-compatible chat-completions endpoint?", URL: s.url}
			case errors.Is(err, io.EOF):
				s.done = true
			default:
				s.err = s.classify(err)
			}
			return false
		}
		data := bytes.TrimSpace(ev.Data)
		if len(data) == 0 {
			continue
		}
		if bytes.Equal(data, []byte("[DONE]")) {
			s.done = true
			s.chunks++
			return false
		}
		// The chunk is decoded in place, reusing its choices (zeroed: encoding/json does not
		// clear slice elements it appends into), so a chunk costs no fixed allocations.
		choices := s.cur.Choices[:cap(s.cur.Choices)]
		clear(choices)
		s.cur = ChatCompletionChunk{Choices: choices[:0]}
		c := &s.cur
		if err := json.Unmarshal(data, c); err != nil {
			s.err = &StreamError{Message: "invalid chunk from the server", URL: s.url, Err: err}
			return false
		}
		if msg := messageOf(c.Error); msg != "" {
			typ := c.ErrorType
			if typ == "" {
				var inner struct {
					Type string `json:"type"`
				}
				if json.Unmarshal(c.Error, &inner) == nil {
					typ = inner.Type
				}
			}
			s.err = &StreamError{Message: msg, ErrorType: typ, URL: s.url}
			return false
		}
		s.chunks++
		return true
	}
}

// Chunk is the chunk Next just read. It is valid until the next call to Next.
func (s *Stream) Chunk() *ChatCompletionChunk { return &s.cur }

// Err is the error that ended the stream, nil if it ended normally.
func (s *Stream) Err() error { return s.err }

// Close releases the connection. It is safe to call more than once.
func (s *Stream) Close() error {
	if s.idle != nil {
		s.idle.stop()
	}
	if s.body == nil {
		return nil
	}
	err := s.body.Close()
	if s.cancel != nil {
		s.cancel()
	}
	return err
}

func (s *Stream) classify(err error) error {
	if s.idle != nil && s.idle.fired() {
		return &TimeoutError{URL: s.url, Idle: s.idle.d}
	}
	if ctxErr := s.ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	return &StreamError{URL: s.url, Err: err}
}

// idleWatch cancels a request when no byte has arrived for d.
type idleWatch struct {
	d      time.Duration
	cancel context.CancelFunc
	mu     sync.Mutex
	timer  *time.Timer
	hit    bool
}

func newIdleWatch(d time.Duration, cancel context.CancelFunc) *idleWatch {
	w := &idleWatch{d: d, cancel: cancel}
	w.timer = time.AfterFunc(d, func() {
		w.mu.Lock()
		w.hit = true
		w.mu.Unlock()
		cancel()
	})
	return w
}

func (w *idleWatch) touch() { w.timer.Reset(w.d) }
func (w *idleWatch) stop()  { w.timer.Stop() }
func (w *idleWatch) fired() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.hit
}

func (w *idleWatch) reader(r io.Reader) io.Reader { return idleReader{r: r, w: w} }

type idleReader struct {
	r io.Reader
	w *idleWatch
}

func (ir idleReader) Read(p []byte) (int, error) {
	n, err := ir.r.Read(p)
	if n > 0 {
		ir.w.touch()
	}
	return n, err
}
