package inference

import "strconv"

// Accumulator assembles streamed chunks into one assistant message. Only choice 0 is kept
// (an agent asks for one choice; with n>1 the others are ignored).
type Accumulator struct {
	role      string
	content   []byte
	reasoning []byte
	calls     []ToolCall
	// byIndex maps a delta's index to its position in calls.
	byIndex      map[int]int
	finishReason string
	usage        *Usage
}

// Delta is what one chunk added, for a front end to show as it streams.
type Delta struct {
	Content   string
	Reasoning string
	ToolCalls []ToolCallUpdate
}

// ToolCallUpdate is a change to one tool call of the message being assembled.
type ToolCallUpdate struct {
	// Position is the call's place in the message's tool_calls.
	Position int
	// New is set for the first fragment of a call (with its id and name).
	New       bool
	ID        string
	Name      string
	Arguments string // the fragment of arguments this chunk added
}

// Add folds one chunk into the message and returns what it added.
func (a *Accumulator) Add(c *ChatCompletionChunk) Delta {
	if c.Usage != nil {
		u := *c.Usage
		a.usage = &u
	}
	var d Delta
	for i := range c.Choices {
		ch := &c.Choices[i]
		if ch.Index != 0 {
			continue
		}
		if ch.FinishReason != "" {
			a.finishReason = ch.FinishReason
		}
		if ch.Delta.Role != "" && a.role == "" {
			a.role = ch.Delta.Role
		}
		if ch.Delta.Content != "" {
			a.content = append(a.content, ch.Delta.Content...)
			d.Content += ch.Delta.Content
		}
		r := ch.Delta.Reasoning
		if r == "" {
			r = ch.Delta.ReasoningContent
		}
		if r != "" {
			a.reasoning = append(a.reasoning, r...)
			d.Reasoning += r
		}
		for _, tc := range ch.Delta.ToolCalls {
			d.ToolCalls = append(d.ToolCalls, a.addToolCall(tc))
		}
	}
	return d
}

func (a *Accumulator) addToolCall(tc ToolCallDelta) ToolCallUpdate {
	if a.byIndex == nil {
		a.byIndex = map[int]int{}
	}
	id := string(tc.ID)
	pos, known := -1, false
	if tc.Index != nil {
		pos, known = a.byIndex[*tc.Index]
	} else if len(a.calls) > 0 {
		// No index: a fragment continues the last call unless it carries a new id.
		last := len(a.calls) - 1
		if id == "" || id == a.calls[last].ID {
			pos, known = last, true
		}
	}
	if !known {
		pos = len(a.calls)
		if tc.Index != nil {
			a.byIndex[*tc.Index] = pos
		}
		if id == "" {
			id = "call_" + strconv.Itoa(pos)
		}
		a.calls = append(a.calls, ToolCall{ID: id, Type: "function", Function: FunctionCall{Name: tc.Function.Name}})
		a.calls[pos].Function.Arguments = string(tc.Function.Arguments)
		return ToolCallUpdate{Position: pos, New: true, ID: id, Name: tc.Function.Name, Arguments: string(tc.Function.Arguments)}
	}
	call := &a.calls[pos]
	if call.Function.Name == "" && tc.Function.Name != "" {
		call.Function.Name = tc.Function.Name
	}
	call.Function.Arguments += string(tc.Function.Arguments)
	return ToolCallUpdate{Position: pos, ID: call.ID, Name: call.Function.Name, Arguments: string(tc.Function.Arguments)}
}

// Message is the assembled assistant message. Calls without arguments get "{}".
func (a *Accumulator) Message() Message {
	role := a.role
	if role == "" {
		role = "assistant"
	}
	m := Message{Role: role, Content: string(a.content), Reasoning: string(a.reasoning)}
	if len(a.calls) > 0 {
		m.ToolCalls = make([]ToolCall, len(a.calls))
		copy(m.ToolCalls, a.calls)
		for i := range m.ToolCalls {
			if m.ToolCalls[i].Function.Arguments == "" {
				m.ToolCalls[i].Function.Arguments = "{}"
			}
		}
	}
	return m
}

// FinishReason is the last finish reason the server sent ("stop", "tool_calls", "length"...).
func (a *Accumulator) FinishReason() string { return a.finishReason }

// Usage is the usage the server reported, nil if none.
func (a *Accumulator) Usage() *Usage { return a.usage }
