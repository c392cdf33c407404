package serve

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/tiny-agents/tiny-agents/agent"
)

// chunk is one chat.completion.chunk. ToolActivity is this server's own field (see README):
// a chunk that carries it has one choice with an empty delta, so OpenAI clients that do not
// know the field see a chunk that adds nothing.
type chunk struct {
	ID           string        `json:"id"`
	Object       string        `json:"object"`
	Created      int64         `json:"created"`
	Model        string        `json:"model"`
	Choices      []chunkChoice `json:"choices"`
	Usage        *usageJSON    `json:"usage,omitempty"`
	ToolActivity any           `json:"tool_activity,omitempty"`
}

type chunkChoice struct {
	Index        int     `json:"index"`
	Delta        delta   `json:"delta"`
	FinishReason *string `json:"finish_reason"`
}

type delta struct {
	Role             string  `json:"role,omitempty"`
	Content          *string `json:"content,omitempty"`
	ReasoningContent string  `json:"reasoning_content,omitempty"`
}

// stream writes server-sent events. The status line and headers wait for the first event,
// so a model that fails at once still gets a real HTTP error status; after that, errors
// are chunks. Writes come from the run and from the keep-alive pinger, hence the lock.
type stream struct {
	mu      sync.Mutex
	w       http.ResponseWriter
	rc      *http.ResponseController
	res     *result
	cancel  context.CancelFunc
	started bool
	// gone is set when a write fails: the client left, and the run is cancelled.
	gone bool
	last time.Time
}

func newStream(w http.ResponseWriter, res *result, cancel context.CancelFunc) *stream {
	return &stream{w: w, rc: http.NewResponseController(w), res: res, cancel: cancel}
}

// keepAlive sends an SSE comment whenever the stream has been quiet for every, starting the
// stream if need be, so proxies and clients do not drop it during a slow model or a long
// tool call. The returned func stops it and waits, so no write outlives the handler.
func (s *stream) keepAlive(ctx context.Context, every time.Duration) func() {
	s.mu.Lock()
	s.last = time.Now()
	s.mu.Unlock()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				s.mu.Lock()
				if time.Since(s.last) >= every {
					s.startLocked()
					s.writeLocked([]byte(": keep-alive\n\n"))
				}
				s.mu.Unlock()
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(stop); wg.Wait() }) }
}

func (s *stream) startLocked() {
	if s.started {
		return
	}
	s.started = true
	h := s.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	s.w.WriteHeader(http.StatusOK)
	empty := ""
	s.sendLocked(chunk{Choices: []chunkChoice{{Delta: delta{Role: "assistant", Content: &empty}}}})
}

func (s *stream) sendLocked(c chunk) {
	c.ID, c.Object, c.Created, c.Model = s.res.id, "chat.completion.chunk", s.res.created, s.res.model
	if c.Choices == nil {
		c.Choices = []chunkChoice{}
	}
	b, err := json.Marshal(c)
	if err != nil {
		return
	}
	s.dataLocked(b)
}

func (s *stream) dataLocked(b []byte) {
	buf := make([]byte, 0, len(b)+8)
	buf = append(buf, "data: "...)
	buf = append(buf, b...)
	buf = append(buf, '\n', '\n')
	s.writeLocked(buf)
}

func (s *stream) writeLocked(b []byte) {
	if s.gone {
		return
	}
	s.last = time.Now()
	if _, err := s.w.Write(b); err == nil {
		err = s.rc.Flush()
		if err == nil {
			return
		}
	}
	s.gone = true
	s.cancel()
}

func (s *stream) send(c chunk) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startLocked()
	s.sendLocked(c)
}

func (s *stream) content(text string) {
	s.send(chunk{Choices: []chunkChoice{{Delta: delta{Content: &text}}}})
}

func (s *stream) reasoning(text string) {
	s.send(chunk{Choices: []chunkChoice{{Delta: delta{ReasoningContent: text}}}})
}

func (s *stream) activity(a any) {
	s.send(chunk{Choices: []chunkChoice{{Delta: delta{}}}, ToolActivity: a})
}

// finish ends the stream: a finish chunk (and usage, if asked) or an error, then [DONE].
// A run that failed before anything was sent gets a plain HTTP error instead.
func (s *stream) finish(done agent.Done, failure *agent.Error, includeUsage, clientGone bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var aerr *apiError
	switch done.Stop {
	case agent.StopError:
		aerr = modelError(errorOf(failure))
	case agent.StopInterrupted:
		if clientGone || s.gone {
			return
		}
		aerr = shuttingDown()
	}
	if aerr != nil {
		s.failLocked(aerr)
		return
	}
	s.startLocked()
	reason := finishReason(done.Stop)
	s.sendLocked(chunk{Choices: []chunkChoice{{Delta: delta{}, FinishReason: &reason}}})
	if includeUsage {
		u := usageOf(done.Usage)
		if u == nil {
			u = &usageJSON{}
		}
		s.sendLocked(chunk{Usage: u})
	}
	s.writeLocked([]byte("data: [DONE]\n\n"))
}

// fail ends the stream with an error: an HTTP error if nothing was sent yet, else an error
// chunk (which OpenAI's clients raise as an error) and [DONE].
func (s *stream) fail(aerr *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failLocked(aerr)
}

func (s *stream) failLocked(aerr *apiError) {
	if !s.started {
		s.started = true
		aerr.write(s.w)
		return
	}
	b, _ := json.Marshal(aerr.body())
	s.dataLocked(b)
	s.writeLocked([]byte("data: [DONE]\n\n"))
}
