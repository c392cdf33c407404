//go:build linux

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tiny-agents/tiny-agents/internal/fakemodel"
)

const (
	ours = "tiny-agents (Go)"
	peer = "JS tiny-agents 0.3.4"
)

// setup holds the programs and the agent folders both programs run.
type setup struct {
	bin, node, nodeVersion string
	peerCLI                string
	everything             string
	filesystem, memory     string
	dir                    string // scratch folder: agents, the filesystem server's root, the memory file
	agent1, agent3         string
}

func newSetup(bin, modules, node string) (*setup, error) {
	s := &setup{}
	var err error
	if s.bin, err = filepath.Abs(bin); err != nil {
		return nil, err
	}
	if s.node, err = exec.LookPath(node); err != nil {
		return nil, fmt.Errorf("node is not on PATH: %w", err)
	}
	if s.node, err = filepath.Abs(s.node); err != nil {
		return nil, err
	}
	out, err := exec.Command(s.node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --version: %w", s.node, err)
	}
	s.nodeVersion = strings.TrimSpace(string(out))
	modules, err = filepath.Abs(modules)
	if err != nil {
		return nil, err
	}
	s.peerCLI = filepath.Join(modules, "@huggingface", "tiny-agents", "dist", "cli.js")
	s.everything = filepath.Join(modules, "@modelcontextprotocol", "server-everything", "dist", "index.js")
	s.filesystem = filepath.Join(modules, "@modelcontextprotocol", "server-filesystem", "dist", "index.js")
	s.memory = filepath.Join(modules, "@modelcontextprotocol", "server-memory", "dist", "index.js")
	for _, p := range []string{s.bin, s.peerCLI, s.everything, s.filesystem, s.memory} {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("%s is missing: run bench/run.sh, which installs the peer and servers with npm ci and builds the binary", p)
		}
	}
	if s.dir, err = os.MkdirTemp("", "tiny-agents-bench"); err != nil {
		return nil, err
	}
	return s, nil
}

// writeAgents writes the two agent folders, in the agent.json form both programs read: the
// model is the fake model, the servers are started with the same node and the same scripts.
func (s *setup) writeAgents(modelURL string) error {
	everything := map[string]any{"type": "stdio", "command": s.node, "args": []string{s.everything, "stdio"}}
	root := filepath.Join(s.dir, "files")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	filesystem := map[string]any{"type": "stdio", "command": s.node, "args": []string{s.filesystem, root}}
	memory := map[string]any{"type": "stdio", "command": s.node, "args": []string{s.memory},
		"env": map[string]string{"MEMORY_FILE_PATH": filepath.Join(s.dir, "memory.jsonl")}}
	s.agent1 = filepath.Join(s.dir, "one-server")
	s.agent3 = filepath.Join(s.dir, "three-servers")
	for dir, servers := range map[string][]any{
		s.agent1: {everything},
		s.agent3: {everything, filesystem, memory},
	} {
		cfg := map[string]any{"model": "fake-model", "endpointUrl": modelURL, "servers": servers}
		b, _ := json.MarshalIndent(cfg, "", "  ")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "agent.json"), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// command returns how one program runs one turn of an agent, the text it reads on stdin, and
// the stdout marker that says it is ready. The peer has no one-shot mode: it reads the prompt
// from stdin and, when stdin has ended, crashes after the turn (exit 7; see
// tiny-agents-peers.md §1.3), which is how the peer reference was measured too.
func (s *setup) command(who, agentDir string, jsonEvents bool) (*exec.Cmd, string, string) {
	if who == ours {
		args := []string{"run", agentDir, "-p", prompt}
		if jsonEvents {
			args = append(args, "--output", "json")
		}
		return cleanCommand(s.bin, args...), "", `"type":"ready"`
	}
	return cleanCommand(s.node, s.peerCLI, "run", agentDir), prompt + "\n", "Agent loaded with"
}

// cleanEnv is the environment every measured program gets: the few variables both agents pass
// on to their stdio servers. Anything else in the caller's environment could weigh on one side
// only: NODE_EXTRA_CA_CERTS, for one, makes every node start ~40 ms slower where it is set.
var cleanEnv = func() []string {
	var env []string
	for _, k := range []string{"HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER", "LANG", "LC_ALL", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}()

func cleanCommand(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = cleanEnv
	return cmd
}

// run is one measured run of one program.
type run struct {
	// Ready and Answer are seconds from start until the ready marker and the whole answer
	// were on stdout; FirstRequest and SecondRequest until the fake model got the first and
	// second requests; Exit until the process had exited.
	Ready, Answer, FirstRequest, SecondRequest, Exit float64
	ExitCode                                         int
	Requests                                         int
	// Tools is the number of MCP tools the program said it had when ready (three servers).
	Tools int
	// PeakRSS is VmHWM of the agent process alone, read last before it exited; PeakAnon and
	// PeakFile are the largest RssAnon and RssFile seen while polling (KiB).
	PeakRSS, PeakAnon, PeakFile int64
}

// turn runs one program on the one-server agent and checks the turn happened: the echo tool
// ran and its result went back to the model, and the whole answer was printed.
func (s *setup) turn(who string, model *fakemodel.Server) (run, error) {
	before := len(model.Requests())
	cmd, stdin, _ := s.command(who, s.agent1, false)
	p, err := measure(cmd, stdin, []string{answer}, answer, 30*time.Second)
	if err != nil {
		return run{}, err
	}
	reqs := model.Requests()[before:]
	r := p.run("", answer)
	r.Requests = len(reqs)
	if len(reqs) > 0 {
		r.FirstRequest = reqs[0].Time.Sub(p.start).Seconds()
	}
	if len(reqs) > 1 {
		r.SecondRequest = reqs[1].Time.Sub(p.start).Seconds()
	}
	if !toolResultSent(reqs) {
		return r, fmt.Errorf("no request carried the echo tool's result %q back to the model (%d requests); stderr:\n%s", echoResult, len(reqs), p.stderr)
	}
	return r, nil
}

// ready3 runs one program on the three-server agent and records when it said it was ready.
func (s *setup) ready3(who string) (run, error) {
	cmd, stdin, marker := s.command(who, s.agent3, true)
	p, err := measure(cmd, stdin, []string{marker, answer}, answer, 30*time.Second)
	if err != nil {
		return run{}, err
	}
	r := p.run(marker, answer)
	if r.Ready == 0 {
		return r, fmt.Errorf("never printed %q; stderr:\n%s", marker, p.stderr)
	}
	// Our program goes on when a server fails to start (and would then be ready sooner):
	// count that as a failed run, not a fast one.
	if r.Tools, err = toolCount(who, p.stdout); err != nil {
		return r, fmt.Errorf("%w; stderr:\n%s", err, p.stderr)
	}
	return r, nil
}

var loadedLine = regexp.MustCompile(`Agent loaded with (\d+) tools`)

// toolCount is how many MCP tools a program said it had when it was ready.
func toolCount(who, stdout string) (int, error) {
	if who == peer {
		m := loadedLine.FindStringSubmatch(stdout)
		if m == nil {
			return 0, fmt.Errorf("no %q line", "Agent loaded with N tools")
		}
		return strconv.Atoi(m[1])
	}
	first, _, _ := strings.Cut(stdout, "\n")
	var ready struct {
		Type    string   `json:"type"`
		Tools   []string `json:"tools"`
		Servers []struct {
			Name  string `json:"name"`
			Error string `json:"error"`
		} `json:"servers"`
	}
	if err := json.Unmarshal([]byte(first), &ready); err != nil || ready.Type != "ready" {
		return 0, fmt.Errorf("the first line is not the ready event: %q", first)
	}
	for _, s := range ready.Servers {
		if s.Error != "" {
			return 0, fmt.Errorf("server %s failed to start: %s", s.Name, s.Error)
		}
	}
	if len(ready.Servers) != 3 {
		return 0, fmt.Errorf("ready lists %d servers, not 3", len(ready.Servers))
	}
	return len(ready.Tools), nil
}

func toolResultSent(reqs []fakemodel.Request) bool {
	for _, q := range reqs {
		m := q.LastMessage()
		if role, _ := m["role"].(string); role != "tool" {
			continue
		}
		if c, _ := m["content"].(string); strings.Contains(c, echoResult) {
			return true
		}
	}
	return false
}

// serverStart is server-everything's own start-up, the floor both programs pay: from starting
// the process to the answer of tools/list, driven over stdio by a minimal MCP client here.
func (s *setup) serverStart() (float64, error) {
	cmd := cleanCommand(s.node, s.everything, "stdio")
	in, err := cmd.StdinPipe()
	if err != nil {
		return 0, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() {
		in.Close()
		cmd.Process.Kill()
		cmd.Wait()
	}()
	lines := bufio.NewScanner(out)
	lines.Buffer(make([]byte, 1<<20), 16<<20)
	send := func(msg string) error { _, err := fmt.Fprintln(in, msg); return err }
	await := func(id int) error {
		for lines.Scan() {
			var m struct {
				ID    *int            `json:"id"`
				Error json.RawMessage `json:"error"`
			}
			if json.Unmarshal(lines.Bytes(), &m) == nil && m.ID != nil && *m.ID == id {
				if m.Error != nil {
					return fmt.Errorf("request %d failed: %s", id, m.Error)
				}
				return nil
			}
		}
		return fmt.Errorf("server-everything closed stdout before answering request %d", id)
	}
	if err := send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"0"}}}`); err != nil {
		return 0, err
	}
	if err := await(1); err != nil {
		return 0, err
	}
	if err := send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`); err != nil {
		return 0, err
	}
	if err := send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`); err != nil {
		return 0, err
	}
	if err := await(2); err != nil {
		return 0, err
	}
	return time.Since(start).Seconds(), nil
}
