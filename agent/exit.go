package agent

import (
	"encoding/json"

	"github.com/tiny-agents/tiny-agents/inference"
)

// The exit tools both peers offer: calling one ends the turn.
const (
	TaskComplete = "task_complete"
	AskQuestion  = "ask_question"
)

func isExitTool(name string) bool { return name == TaskComplete || name == AskQuestion }

var emptyParams = json.RawMessage(`{"type":"object","properties":{}}`)

func exitTools() []inference.Tool {
	return []inference.Tool{
		{Type: "function", Function: inference.FunctionDef{Name: TaskComplete,
			Description: "Call this tool when the task given by the user is complete.", Parameters: emptyParams}},
		{Type: "function", Function: inference.FunctionDef{Name: AskQuestion,
			Description: "Ask the user for more information needed to solve or clarify their problem. Put the question in your message.", Parameters: emptyParams}},
	}
}
