//go:build linux

// Command bench runs tiny-agents and the JS tiny-agents peer side by side on one headless turn
// (one echo tool call on stdio server-everything, then the answer) against the same scripted
// model, and prints a Markdown table. bench/run.sh installs the peer and builds our binary
// first; run that rather than this command directly.
//
// It reads /proc for peak RSS, so it runs on Linux only.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
)

// The one scripted turn: the user's prompt, the tool call the model makes, the answer it gives
// once the tool result is in. The answer is what both programs must print in full.
const (
	prompt     = "Please echo hello world"
	echoResult = "Echo: hello world"
	answer     = "The echo tool answered: hello world. There is nothing else to do."
)

// chunkDelay is the scripted model's pause before each chunk it streams (-delay).
var chunkDelay = 5 * time.Millisecond

var (
	toolCallReply = fakemodel.Reply{When: "user", ToolCalls: []fakemodel.Call{
		{ID: "call_echo", Name: "echo", Arguments: `{"message":"hello world"}`}}}
	answerReply = fakemodel.Reply{When: "tool", Text: answer}
)

// modelPauses is how long the scripted model sleeps, in total, before the last piece of the
// answer leaves it: a pause before every chunk of the tool call's stream and its [DONE], and
// before every chunk of the answer up to its last word. Both programs pay it.
func modelPauses() float64 {
	n := len(fakemodel.Chunks(answerReply)) - 1
	return toolPauses() + (time.Duration(n) * chunkDelay).Seconds()
}

// toolPauses is the part of modelPauses in the tool call's stream.
func toolPauses() float64 {
	return (time.Duration(len(fakemodel.Chunks(toolCallReply))+1) * chunkDelay).Seconds()
}

func main() {
	bin := flag.String("bin", "", "our tiny-agents binary")
	modules := flag.String("modules", "", "node_modules folder holding @huggingface/tiny-agents and the MCP servers")
	node := flag.String("node", "node", "node binary that runs the peer and the MCP servers")
	runs := flag.Int("runs", 10, "alternating runs of each program in each scenario")
	rawPath := flag.String("raw", "", "also write every run's numbers to this JSON file")
	flag.DurationVar(&chunkDelay, "delay", chunkDelay, "the scripted model's pause before each chunk")
	flag.Parse()
	toolCallReply.Delay = fakemodel.Duration(chunkDelay)
	answerReply.Delay = fakemodel.Duration(chunkDelay)
	if err := benchmark(*bin, *modules, *node, *runs, *rawPath); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func benchmark(bin, modules, node string, runs int, rawPath string) error {
	if bin == "" || modules == "" {
		return fmt.Errorf("name our binary (-bin) and the installed node_modules (-modules); bench/run.sh does both")
	}
	setup, err := newSetup(bin, modules, node)
	if err != nil {
		return err
	}
	defer os.RemoveAll(setup.dir)

	model := fakemodel.New(
		toolCallReply,
		answerReply,
		// The JS peer asks once more after a tool round (its "probe"); a text reply ends its turn.
		fakemodel.Reply{When: "assistant", Delay: fakemodel.Duration(chunkDelay), Text: "Nothing more."},
	)
	defer model.Close()
	if err := setup.writeAgents(model.URL); err != nil {
		return err
	}

	var res results
	res.Runs = runs
	res.Delay = chunkDelay.String()
	for i := 0; i < runs; i++ {
		// Alternate which program goes first, so drift in the machine's load hits both alike.
		order := []string{ours, peer}
		if i%2 == 1 {
			order = []string{peer, ours}
		}
		// The server's own start-up, measured before and after the pair of turns it is
		// subtracted from, so that it sees the same machine.
		if err := res.measureServerStart(setup); err != nil {
			return err
		}
		for _, who := range order {
			r, err := setup.turn(who, model)
			if err != nil {
				return fmt.Errorf("%s, run %d: %w", who, i+1, err)
			}
			res.add(who, "turn", r)
		}
		if err := res.measureServerStart(setup); err != nil {
			return err
		}
		for _, who := range order {
			r, err := setup.ready3(who)
			if err != nil {
				return fmt.Errorf("%s with three servers, run %d: %w", who, i+1, err)
			}
			res.add(who, "ready3", r)
		}
		fmt.Fprintf(os.Stderr, "run %d/%d done\n", i+1, runs)
	}
	res.Machine = machine()
	res.Date = time.Now().UTC().Format("2006-01-02")
	res.BinaryBytes = fileSize(bin)
	res.Node = setup.nodeVersion
	fmt.Print(res.markdown())
	if rawPath != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		if err := os.WriteFile(rawPath, b, 0o644); err != nil {
			return err
		}
		abs, _ := filepath.Abs(rawPath)
		fmt.Fprintln(os.Stderr, "raw numbers:", abs)
	}
	return nil
}

func (r *results) measureServerStart(s *setup) error {
	d, err := s.serverStart()
	if err != nil {
		return fmt.Errorf("server-everything start-up: %w", err)
	}
	r.ServerStart = append(r.ServerStart, d)
	return nil
}
