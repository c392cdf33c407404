package tui

import (
	"context"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tiny-agents/tiny-agents/agent"
)

// frame is the shortest time between two batches of agent events reaching the model: about
// one frame at 60 fps. The renderer cannot show more than this anyway, and Bubble Tea calls
// View after every message, so one message per token would render once per token.
const frame = 16 * time.Millisecond

// eventsMsg is a batch of agent events, delivered at most once per frame.
type eventsMsg struct{ events []agent.Event }

// bridge carries events from the agent goroutine to the model. The agent's emit appends to
// a queue; a command waits for the queue, paces itself to one batch per frame and returns
// the batch as one message.
type bridge struct {
	mu      sync.Mutex
	queue   []agent.Event
	signal  chan struct{}
	last    time.Time
	closed  chan struct{}
	closing sync.Once
}

func newBridge() *bridge {
	return &bridge{signal: make(chan struct{}, 1), closed: make(chan struct{})}
}

// emit is the agent's event callback; it never blocks.
func (b *bridge) emit(ev agent.Event) {
	b.mu.Lock()
	b.queue = append(b.queue, ev)
	b.mu.Unlock()
	select {
	case b.signal <- struct{}{}:
	default:
	}
}

// next is a command that returns the next batch (nil when the bridge closes).
func (b *bridge) next() tea.Cmd {
	return func() tea.Msg {
		for {
			if evs := b.wait(); evs != nil || b.isClosed() {
				if evs == nil {
					return nil
				}
				return eventsMsg{evs}
			}
		}
	}
}

func (b *bridge) isClosed() bool {
	select {
	case <-b.closed:
		return true
	default:
		return false
	}
}

// wait blocks until events are queued and a frame has passed since the last batch, then
// takes the queue.
func (b *bridge) wait() []agent.Event {
	{
		select {
		case <-b.signal:
		case <-b.closed:
			return nil
		}
		b.mu.Lock()
		last := b.last
		b.mu.Unlock()
		if wait := frame - time.Since(last); wait > 0 {
			select {
			case <-time.After(wait):
			case <-b.closed:
				return nil
			}
		}
		b.mu.Lock()
		evs := b.queue
		b.queue = nil
		b.last = time.Now()
		b.mu.Unlock()
		return evs
	}
}

func (b *bridge) close() { b.closing.Do(func() { close(b.closed) }) }

// turnDoneMsg says the agent goroutine returned (after its Done event was emitted).
type turnDoneMsg struct{}

// startTurn runs one user turn in a goroutine of its own (a tea.Cmd), sending its events
// through the bridge.
// wrap, when set, wraps the sink (Options.Events).
func startTurn(ctx context.Context, a *agent.Agent, conv *agent.Conversation, b *bridge, wrap func(func(agent.Event)) func(agent.Event)) tea.Cmd {
	emit := b.emit
	if wrap != nil {
		emit = wrap(emit)
	}
	return func() tea.Msg {
		a.Run(ctx, conv, emit)
		return turnDoneMsg{}
	}
}
