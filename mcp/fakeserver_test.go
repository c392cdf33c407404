package mcp

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// The fake stdio servers of the fault tests are this test binary run again with
// FAKE_MCP_SERVER set to a behaviour.
func TestMain(m *testing.M) {
	if mode := os.Getenv("FAKE_MCP_SERVER"); mode != "" {
		fakeServer(mode)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fakeServerConfig is a stdio server config that runs the fake server in mode.
func fakeServerConfig(name, mode string) ServerConfig {
	return ServerConfig{Name: name, Command: os.Args[0], Args: []string{"-test.run=^$"}, Env: map[string]string{"FAKE_MCP_SERVER": mode}}
}

func fakeServer(mode string) {
	if f := os.Getenv("FAKE_MCP_PIDFILE"); f != "" {
		os.WriteFile(f, []byte(strconv.Itoa(os.Getpid())), 0o644)
	}
	switch mode {
	case "crash-at-start":
		fmt.Fprintln(os.Stderr, "fatal: cannot read config.toml")
		os.Exit(3)
	case "garbage":
		fmt.Println("Welcome to my server v1.0!")
		fmt.Println("Listening on stdio...")
	case "slow":
		time.Sleep(1500 * time.Millisecond)
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	var outMu sync.Mutex
	enc := json.NewEncoder(os.Stdout)
	reply := func(v any) {
		outMu.Lock()
		defer outMu.Unlock()
		enc.Encode(v)
	}
	var samplingCall json.RawMessage // the tools/call waiting for our sampling request's answer
	for in.Scan() {
		var msg struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Error  any             `json:"error"`
			Params struct {
				Name string `json:"name"`
			} `json:"params"`
		}
		if json.Unmarshal(in.Bytes(), &msg) != nil {
			continue
		}
		if msg.Method == "notifications/cancelled" {
			// The test reads the server's stderr log to see the notification arrived.
			fmt.Fprintf(os.Stderr, "got notifications/cancelled: %s\n", in.Bytes())
		}
		if msg.ID == nil {
			continue
		}
		if msg.Method == "" && string(msg.ID) == `"sampling-1"` {
			text, _ := json.Marshal(msg.Error)
			reply(map[string]any{"jsonrpc": "2.0", "id": samplingCall, "result": map[string]any{
				"content": []any{map[string]any{"type": "text", "text": "sampling answer: " + string(text)}}}})
			continue
		}
		if mode == "silent" || mode == "garbage" {
			continue
		}
		var result any
		switch msg.Method {
		case "initialize":
			caps := map[string]any{"tools": map[string]any{}}
			if mode == "prompts-only" {
				caps = map[string]any{"prompts": map[string]any{}}
			}
			result = map[string]any{"protocolVersion": "2025-11-25", "capabilities": caps,
				"serverInfo": map[string]any{"name": "fake", "version": "1"}}
		case "tools/list":
			if mode == "prompts-only" {
				reply(map[string]any{"jsonrpc": "2.0", "id": msg.ID, "error": map[string]any{"code": -32601, "message": "Method not found"}})
				continue
			}
			result = map[string]any{"tools": []any{
				map[string]any{"name": "ok", "inputSchema": map[string]any{"type": "object"}},
				map[string]any{"name": "crash", "inputSchema": map[string]any{"type": "object"}},
				map[string]any{"name": "wait", "inputSchema": map[string]any{"type": "object"}},
				map[string]any{"name": "sample", "inputSchema": map[string]any{"type": "object"}},
			}}
		case "tools/call":
			if msg.Params.Name == "wait" {
				// Answered late, off the read loop, so the cancellation can be read meanwhile.
				go func(id json.RawMessage) {
					time.Sleep(10 * time.Second)
					reply(map[string]any{"jsonrpc": "2.0", "id": id, "result": map[string]any{"content": []any{}}})
				}(msg.ID)
				continue
			}
			if msg.Params.Name == "sample" {
				samplingCall = msg.ID
				reply(map[string]any{"jsonrpc": "2.0", "id": "sampling-1", "method": "sampling/createMessage",
					"params": map[string]any{"messages": []any{}, "maxTokens": 10}})
				continue
			}
			if msg.Params.Name == "crash" {
				fmt.Fprintln(os.Stderr, "panic: the tool blew up")
				os.Exit(2)
			}
			result = map[string]any{"content": []any{map[string]any{"type": "text", "text": fmt.Sprintf("ok from pid %d", os.Getpid())}}}
		default:
			result = map[string]any{}
		}
		reply(map[string]any{"jsonrpc": "2.0", "id": msg.ID, "result": result})
	}
}
