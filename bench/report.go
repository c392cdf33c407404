//go:build linux

package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
)

// results are every run's numbers; markdown turns them into the table.
type results struct {
	Date, Machine, Node string
	BinaryBytes         int64
	Runs                int
	Delay               string // the scripted model's pause before each chunk
	// ServerStart is server-everything's start-to-tools-listed time, twice per round (s).
	ServerStart []float64
	Ours, Peer  struct{ Turn, Ready3 []run }
}

func (r *results) add(who, scenario string, x run) {
	side := &r.Ours
	if who == peer {
		side = &r.Peer
	}
	if scenario == "turn" {
		side.Turn = append(side.Turn, x)
	} else {
		side.Ready3 = append(side.Ready3, x)
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func field(runs []run, f func(run) float64) []float64 {
	out := make([]float64, len(runs))
	for i, x := range runs {
		out[i] = f(x)
	}
	return out
}

// spread is "median (min-max)".
func spread(xs []float64, format string) string {
	if len(xs) == 0 {
		return "-"
	}
	return fmt.Sprintf(format+" ("+format+"-"+format+")", median(xs), slices.Min(xs), slices.Max(xs))
}

func mib(kib int64) float64 { return float64(kib) / 1024 }

func verdict(ratio float64) string {
	if ratio <= 0.25 {
		return fmt.Sprintf("%.2f, met", ratio)
	}
	return fmt.Sprintf("%.2f, missed", ratio)
}

func (r *results) markdown() string {
	var b strings.Builder
	s := median(r.ServerStart)
	answer := func(runs []run) []float64 { return field(runs, func(x run) float64 { return x.Answer }) }
	withoutServer := func(runs []run) []float64 {
		return field(runs, func(x run) float64 { return x.Answer - s })
	}
	pauses := modelPauses()
	withoutFloors := func(runs []run) []float64 {
		return field(runs, func(x run) float64 { return x.Answer - s - pauses })
	}
	own := func(runs []run) []float64 {
		return field(runs, func(x run) float64 { return x.FirstRequest - s })
	}
	turn := func(runs []run) []float64 {
		return field(runs, func(x run) float64 { return x.Answer - x.FirstRequest })
	}
	rss := func(runs []run) []float64 { return field(runs, func(x run) float64 { return mib(x.PeakRSS) }) }
	anonFile := func(runs []run) string {
		return fmt.Sprintf("%.1f / %.1f", median(field(runs, func(x run) float64 { return mib(x.PeakAnon) })),
			median(field(runs, func(x run) float64 { return mib(x.PeakFile) })))
	}
	ready := func(runs []run) []float64 { return field(runs, func(x run) float64 { return x.Ready }) }
	exitAfter := func(runs []run) []float64 {
		return field(runs, func(x run) float64 { return x.Exit - x.Answer })
	}
	requests := func(runs []run) []float64 {
		return field(runs, func(x run) float64 { return float64(x.Requests) })
	}
	codes := func(runs []run) string {
		var cs []string
		for _, x := range runs {
			c := fmt.Sprint(x.ExitCode)
			if !slices.Contains(cs, c) {
				cs = append(cs, c)
			}
		}
		return strings.Join(cs, ", ")
	}
	o, p := r.Ours.Turn, r.Peer.Turn
	ratio := func(f func([]run) []float64, a, b []run) float64 { return median(f(a)) / median(f(b)) }

	fmt.Fprintf(&b, "%s; %s; node %s; our binary %.1f MB; scripted model pausing %s before each chunk; %d alternating runs of each; median (min-max).\n\n",
		r.Date, r.Machine, r.Node, float64(r.BinaryBytes)/1e6, r.Delay, r.Runs)
	fmt.Fprintf(&b, "| | %s | %s | ours / peer |\n| --- | --- | --- | --- |\n", ours, peer)
	row := func(name, x, y, z string) { fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", name, x, y, z) }
	row("time until the whole answer is printed, s", spread(answer(o), "%.3f"), spread(answer(p), "%.3f"),
		fmt.Sprintf("%.2f", ratio(answer, o, p)))
	row(fmt.Sprintf("the same minus server-everything's start-up (%.3f s, median of its own runs), s", s),
		spread(withoutServer(o), "%.3f"), spread(withoutServer(p), "%.3f"),
		verdict(ratio(withoutServer, o, p))+" (target 0.25)")
	row(fmt.Sprintf("the same minus the scripted model's pauses too (%.3f s), s", pauses),
		spread(withoutFloors(o), "%.3f"), spread(withoutFloors(p), "%.3f"), fmt.Sprintf("%.2f", ratio(withoutFloors, o, p)))
	row("of which: the agent's own start-up (first model request − start − server start-up), s",
		spread(own(o), "%.3f"), spread(own(p), "%.3f"), fmt.Sprintf("%.2f", ratio(own, o, p)))
	row("of which: first model request → answer printed, s", spread(turn(o), "%.3f"), spread(turn(p), "%.3f"),
		fmt.Sprintf("%.2f", ratio(turn, o, p)))
	toolRound := func(runs []run) []float64 {
		return field(runs, func(x run) float64 { return x.SecondRequest - x.FirstRequest })
	}
	answerStream := func(runs []run) []float64 {
		return field(runs, func(x run) float64 { return x.Answer - x.SecondRequest })
	}
	row(fmt.Sprintf("… tool round: first → second model request (model pauses %.3f s), s", toolPauses()),
		spread(toolRound(o), "%.3f"), spread(toolRound(p), "%.3f"), "")
	row(fmt.Sprintf("… answer: second model request → answer printed (model pauses %.3f s), s", modelPauses()-toolPauses()),
		spread(answerStream(o), "%.3f"), spread(answerStream(p), "%.3f"), "")
	row("model requests in the turn", spread(requests(o), "%.0f"), spread(requests(p), "%.0f"), "")
	row("peak RSS of the agent process (VmHWM, not its MCP server), MiB", spread(rss(o), "%.1f"),
		spread(rss(p), "%.1f"), verdict(ratio(rss, o, p))+" (target 0.25)")
	row("largest anonymous / file-backed RSS seen, MiB", anonFile(o), anonFile(p), "")
	row("time to ready with three stdio servers (everything, filesystem, memory), s",
		spread(ready(r.Ours.Ready3), "%.3f"), spread(ready(r.Peer.Ready3), "%.3f"),
		fmt.Sprintf("%.2f", ratio(ready, r.Ours.Ready3, r.Peer.Ready3)))
	tools := func(runs []run) []float64 { return field(runs, func(x run) float64 { return float64(x.Tools) }) }
	row("… MCP tools listed when ready with three servers", spread(tools(r.Ours.Ready3), "%.0f"),
		spread(tools(r.Peer.Ready3), "%.0f"), "")
	row("exit after the answer (not counted: graceful shutdown vs. the peer's crash), s",
		spread(exitAfter(o), "%.3f"), spread(exitAfter(p), "%.3f"), "")
	row("exit status", codes(o), codes(p)+" (its crash at end of input)", "")
	fmt.Fprintf(&b, "\nserver-everything start-up (start → tools/list answered, driven by a minimal MCP client in the bench, before and after each pair of turns), s: %s\n",
		spread(r.ServerStart, "%.3f"))
	fmt.Fprintf(&b, "\nEvery run (s, MiB):\n\n| run | server start-up before / after | ours: answer | peer: answer | ours: RSS | peer: RSS | ours: ready, 3 servers | peer: ready, 3 servers |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for i := range o {
		fmt.Fprintf(&b, "| %d | %.3f / %.3f | %.3f | %.3f | %.1f | %.1f | %.3f | %.3f |\n", i+1,
			r.ServerStart[2*i], r.ServerStart[2*i+1], o[i].Answer, p[i].Answer, mib(o[i].PeakRSS), mib(p[i].PeakRSS), r.Ours.Ready3[i].Ready, r.Peer.Ready3[i].Ready)
	}
	return b.String()
}

// machine is "nproc N, CPU model, memory".
func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
				cpu = strings.TrimSpace(value)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf(", %.0f GiB", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("nproc %d, %s%s, %s/%s", runtime.NumCPU(), cpu, mem, runtime.GOOS, runtime.GOARCH)
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}
