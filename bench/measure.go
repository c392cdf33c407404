//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is what measure saw of one program's run.
type process struct {
	start    time.Time
	marks    map[string]time.Time // when each marker was first on stdout
	exit     time.Time
	exitCode int
	mem      memory
	stdout   string
	stderr   string
}

// memory is the agent process's memory as /proc/PID/status showed it (KiB).
type memory struct {
	hwm, peakAnon, peakFile int64
}

func (p *process) run(readyMarker, answerMarker string) run {
	since := func(t time.Time) float64 {
		if t.IsZero() {
			return 0
		}
		return t.Sub(p.start).Seconds()
	}
	return run{
		Ready:    since(p.marks[readyMarker]),
		Answer:   since(p.marks[answerMarker]),
		Exit:     since(p.exit),
		ExitCode: p.exitCode,
		PeakRSS:  p.mem.hwm, PeakAnon: p.mem.peakAnon, PeakFile: p.mem.peakFile,
	}
}

// pollEvery is how often the agent's /proc status is read: often enough that the last read
// before exit is close to the end, rarely enough that it costs the measured program little
// (a read takes some microseconds).
const pollEvery = 2 * time.Millisecond

// measure starts cmd in its own process group with stdin as its input, timestamps each marker
// the first time it is on stdout, and polls the process's memory until it exits. Once until
// is on stdout (or the program exited, or timeout passed) it gives the program 10 s to exit on
// its own, then kills its process group; either way the group (the MCP servers) is gone after.
func measure(cmd *exec.Cmd, stdin string, markers []string, until string, timeout time.Duration) (*process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	// Plain files, not exec's copying goroutines: MCP servers inherit stderr, and Wait must
	// not wait for them.
	errFile, err := os.CreateTemp("", "bench-stderr")
	if err != nil {
		return nil, err
	}
	defer os.Remove(errFile.Name())
	defer errFile.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = outW, errFile

	p := &process{marks: map[string]time.Time{}}
	var mu sync.Mutex
	untilSeen := make(chan struct{})
	p.start = time.Now()
	if err := cmd.Start(); err != nil {
		outR.Close()
		outW.Close()
		return nil, err
	}
	outW.Close()

	readDone := make(chan struct{})
	var seen bytes.Buffer
	go func() {
		defer close(readDone)
		buf := make([]byte, 32*1024)
		for {
			n, err := outR.Read(buf)
			now := time.Now()
			seen.Write(buf[:n])
			mu.Lock()
			for _, m := range markers {
				if _, ok := p.marks[m]; !ok && bytes.Contains(seen.Bytes(), []byte(m)) {
					p.marks[m] = now
					if m == until {
						close(untilSeen)
					}
				}
			}
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()

	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		p.exit = time.Now()
		close(exited)
	}()
	pollDone := make(chan struct{})
	go func() {
		defer close(pollDone)
		status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
		for {
			select {
			case <-exited:
				return
			case <-time.After(pollEvery):
			}
			// A zombie's status has no Vm lines: keep what the last live read showed.
			if m, ok := readMemory(status); ok {
				p.mem.hwm = m.hwm
				p.mem.peakAnon = max(p.mem.peakAnon, m.peakAnon)
				p.mem.peakFile = max(p.mem.peakFile, m.peakFile)
			}
		}
	}()

	select {
	case <-untilSeen:
	case <-exited:
	case <-time.After(timeout):
	}
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
	}
	// Gone or not, clear the group: a crashed peer leaves its servers to die on their own.
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-exited
	<-pollDone
	select {
	case <-readDone:
	case <-time.After(5 * time.Second):
	}
	outR.Close()

	b, _ := os.ReadFile(errFile.Name())
	p.stderr = string(b)
	var ee *exec.ExitError
	if errors.As(waitErr, &ee) {
		p.exitCode = ee.ExitCode()
	} else if waitErr != nil {
		return nil, waitErr
	}
	mu.Lock()
	defer mu.Unlock()
	p.stdout = seen.String()
	if _, ok := p.marks[until]; !ok {
		return nil, fmt.Errorf("%q never appeared on stdout (exit %d); stderr:\n%s", until, p.exitCode, p.stderr)
	}
	return p, nil
}

// readMemory reads VmHWM, RssAnon and RssFile from a /proc/PID/status file.
func readMemory(path string) (memory, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return memory{}, false
	}
	var m memory
	ok := false
	for _, line := range strings.Split(string(b), "\n") {
		name, value, found := strings.Cut(line, ":")
		if !found {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			continue
		}
		switch name {
		case "VmHWM":
			m.hwm, ok = kb, true
		case "RssAnon":
			m.peakAnon = kb
		case "RssFile":
			m.peakFile = kb
		}
	}
	return m, ok
}
